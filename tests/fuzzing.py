"""What the property-based tests (hypothesis) share: their settings profiles, the text they
type, and the isolation of each generated example in the test's database transaction.

Profiles: "fuzz" (the default here: a few dozen new random examples per test on every run of
the suite in development; FUZZ_EXAMPLES=n changes how many), "fuzz-ci" (the same examples on
every run: derandomized, so that CI never passes or fails by chance; `.ci/run` sets
HYPOTHESIS_PROFILE=fuzz-ci) and "fuzz-long" (thousands, and a failing example shrunk to its
simplest form, to hunt for bugs now and then):
`HYPOTHESIS_PROFILE=fuzz-long .venv/bin/pytest tests/test_fuzz_forms.py tests/test_fuzz_filters.py`.

A failure that the random exploration finds is kept as an explicit test of its own, which runs
everywhere (e.g. tests/test_huge_ids.py for the id 2**70 that SQLite could not take).

pytest-django gives a test one transaction, and hypothesis runs many examples in one test: each
example runs in `one_example()`, a savepoint rolled back at its end, with its own signed-in
client, so that no example sees another's writes or cookies. That is why the
`function_scoped_fixture` health check is suppressed: the function-scoped fixtures (the
database, the personas) are only read by the examples, never changed for good.
"""

import contextlib
import os
import unicodedata

from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

# The suite's runs do not shrink a failing example (a slow request makes shrinking take minutes):
# the failure prints the blob that reproduces it (@reproduce_failure), and "fuzz-long" shrinks.
settings.register_profile(
    "fuzz",
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "50")),
    deadline=None,  # a request's time varies with the machine; no timed tests
    database=None,  # no .hypothesis/ folder in the checkout
    print_blob=True,  # a failure prints the line that reproduces it
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile("fuzz-ci", parent=settings.get_profile("fuzz"), derandomize=True)
settings.register_profile(
    "fuzz-long", parent=settings.get_profile("fuzz"), max_examples=2000, phases=list(Phase)
)
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))


@contextlib.contextmanager
def one_example(user):
    """A client signed in as `user`, inside a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        client = Client()
        client.force_login(user)
        yield client
        transaction.set_rollback(True)


# --- What people type -----------------------------------------------------------------------

# Every character but lone surrogates (a browser cannot send them): NUL and control
# characters, right-to-left marks and overrides, combining marks, emoji, every script.
ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "'; DROP TABLE activities_activity; --",
    "مشروع تدريب على إدارة الطيف",  # Arabic
    "הכשרה בניהול ספקטרום",  # Hebrew
    "频谱管理培训",  # Chinese
    "\u202eevil\u202c \u200f\u200e",  # right-to-left override, marks
    "📡🛰️👩🏽‍💻",  # emoji, with a skin tone and a zero-width joiner
    "e\u0301\u0301\u0301",  # combining accents
    "a\x00b",
    "\x00",
    "line one\r\nline two\rthree\n",
    "   ",
    "=1+2",
]


def any_text(max_size=60):
    """Text anyone might type or paste: any characters, the usual attacks, and very long runs."""
    return st.one_of(
        st.text(ANY_CHARACTER, max_size=max_size),
        st.sampled_from(NASTY),
        st.builds(
            lambda piece, times: piece * times,
            st.text(ANY_CHARACTER, min_size=1, max_size=3),
            st.integers(50, 3000),
        ),
    )


# What the text validator (initiatives.validators) refuses, stated here on its own so that the
# tests do not take the validator's word for it: control characters (but tab and line ends in
# a multi-line text), noncharacters, bidirectional embeddings, overrides and isolates; a
# one-line field also refuses line breaks and tabs.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
NONCHARACTERS = [chr(code) for code in range(0xFDD0, 0xFDF0)] + [
    chr(plane + last) for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)
]
LINE_ENDS = "\t\n\r"
ONE_LINE_BREAKS = "\t\n\r\u2028\u2029"
# Characters a text people mean may hold: every script, marks, emoji, private use…
TEXT_CHARACTER = st.characters(
    exclude_categories=["Cs", "Cc"],
    exclude_characters=[*BIDI_CONTROLS, *NONCHARACTERS],
    include_characters=LINE_ENDS,
)
LINE_CHARACTER = st.characters(  # … and a one-line field's (a title, a name)
    exclude_categories=["Cs", "Cc"],
    exclude_characters=[*BIDI_CONTROLS, *NONCHARACTERS, *ONE_LINE_BREAKS],
)
# Characters no saved text may hold, and that once made every XLSX and DOCX export fail.
REFUSED_CHARACTER = st.one_of(
    st.sampled_from(["\ufffe", "\uffff", "\U0010ffff", "\ufdd0", *BIDI_CONTROLS]),
    st.sampled_from(NONCHARACTERS),
    st.characters(categories=["Cc"], exclude_characters=LINE_ENDS),
)


def is_refused(text, one_line=False):
    """Whether the text validator must refuse `text` (as a form saves it: stripped first)."""
    refused = {*BIDI_CONTROLS, *NONCHARACTERS, *(ONE_LINE_BREAKS if one_line else ())}
    return any(
        character in refused
        or (unicodedata.category(character) == "Cc" and character not in LINE_ENDS)
        for character in text.strip()
    )


def text_with_refused_characters(max_size=60):
    """Text with at least one character the validator refuses, anywhere in it."""
    return st.builds(
        lambda before, character, after: f"{before}{character}{after}",
        st.text(ANY_CHARACTER, max_size=max_size // 2),
        REFUSED_CHARACTER,
        st.text(st.one_of(ANY_CHARACTER, REFUSED_CHARACTER), max_size=max_size // 2),
    )


def any_number():
    """What a number field may be sent: numbers in and out of every range, and not numbers."""
    return st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.sampled_from(
            ["", " ", "-0", "1e3", "1.5", "NaN", "Infinity", "0x10", "١٢", "٣.٥", "9" * 400]
        ),
        st.decimals(allow_nan=False, allow_infinity=False).map(str),
        any_text(20),
    )


def any_date():
    """What a date field may be sent: dates of any year, impossible dates and garbage."""
    return st.one_of(
        st.dates().map(lambda day: day.isoformat()),
        st.sampled_from(
            [
                "",
                "2026-02-30",
                "2026-13-01",
                "0000-01-01",
                "99999-01-01",
                "31/12/2026",
                "2026-1-1",
                "today",
            ]
        ),
        any_text(20),
    )
