"""Right after a write, many requests ask for the same figures at once: they are computed once,
the others waiting for that value (activities.cache.get_or_compute), never served older ones."""

import threading

import pytest
from django.core.cache import cache

from activities.cache import get_or_compute

THREADS = 4


def ask_at_once(compute, key="figures"):
    """What THREADS requests asking for `key` at the same moment get."""
    start = threading.Barrier(THREADS)
    answers = [None] * THREADS

    def ask(index):
        start.wait()
        try:
            answers[index] = get_or_compute(key, compute, 60)
        except RuntimeError as error:
            answers[index] = error

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return answers


def test_figures_asked_for_at_once_are_computed_once():
    computed = []
    all_asked = threading.Event()

    def compute():
        computed.append(1)
        all_asked.wait(timeout=0.5)  # long enough for the other requests to ask meanwhile
        return "the figures"

    assert ask_at_once(compute) == ["the figures"] * THREADS
    assert len(computed) == 1
    assert cache.get("figures") == "the figures"
    assert cache.get("computing:figures") is None, "the lock is released"


def test_when_the_computation_fails_another_request_computes():
    calls = []

    def compute():
        calls.append(1)
        if len(calls) == 1:
            threading.Event().wait(0.2)
            raise RuntimeError("the database went away")
        return "the figures"

    answers = ask_at_once(compute)
    assert sum(isinstance(answer, RuntimeError) for answer in answers) == 1
    assert answers.count("the figures") == THREADS - 1
    assert len(calls) == 2, "one failed, the next computed for the rest"


def test_a_kept_value_is_not_computed_again():
    cache.set("figures", "kept", 60)
    assert get_or_compute("figures", lambda: pytest.fail("computed again"), 60) == "kept"


def test_a_cache_that_keeps_nothing_computes_every_time(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    computed = []
    for _ in range(3):
        assert get_or_compute("figures", lambda: computed.append(1) or "figures", 60) == "figures"
    assert len(computed) == 3
