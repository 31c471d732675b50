"""The activity list's filters, fuzzed (hypothesis): random query strings over the real filter
names, each value either one the filter offers or one it must refuse, on the list and on its
CSV and XLSX exports.

Never a 500. A query with a value refused lists nothing and says why (never everything), and
its exports make no file; a query of valid values lists without an error, and its CSV has the
rows the list counts. The filters come from `ActivityFilter` itself, so a new filter is fuzzed
as soon as it exists (or the fuzzer asks to be taught its kind of field).
"""

import csv
import io

import pytest
from django import forms
from django.core.cache import cache
from django.utils.choices import flatten_choices
from hypothesis import event, given
from hypothesis import strategies as st

from activities.filters import ActivityFilter
from tests.fuzzing import ANY_CHARACTER, FUZZ, NASTY, one_example
from tests.url_samples import build_world, described, status_of
from tests.url_samples import request as send

LIST, CSV, XLSX = "/activities/", "/activities/export.csv", "/activities/export.xlsx"
TEXT_CHARACTER = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
NOT_A_WHOLE_NUMBER = st.one_of(
    st.text(ANY_CHARACTER, max_size=10).filter(lambda s: any(c.isalpha() for c in s)),
    st.sampled_from(["\x00", "2026\x00", "1e3", "20 26", "--1", "2026.5", "½", "NaN"]),
)
BAD_PAGES = ["abc", "0", "-1", "999999", "99999999999999999999", "\x00", "1.5"]


def filter_values(name, field):
    """(values `field` takes, values it must refuse) for the filter `name`."""
    if isinstance(field, forms.MultipleChoiceField):
        offered = [str(key) for key, _ in flatten_choices(field.choices) if key != ""]
        refused = st.text(ANY_CHARACTER, max_size=12).filter(lambda v: v not in offered)
        return (
            st.lists(st.sampled_from(offered), max_size=3, unique=True),
            st.lists(st.one_of(refused, st.sampled_from(offered)), max_size=3).filter(
                lambda values: any(v not in offered for v in values)
            ),
        )
    if isinstance(field, forms.ChoiceField):
        offered = [str(key) for key, _ in flatten_choices(field.choices) if key != ""]
        offered += list(getattr(field, "aliases", {}))  # the focal point's ids
        # Near misses: the right code in the wrong case, or with a space.
        misses = list({o.swapcase() for o in offered} | {f" {o}" for o in offered})
        refused = st.one_of(
            st.text(ANY_CHARACTER, min_size=1, max_size=12), st.sampled_from([*NASTY, *misses])
        )
        return (
            st.sampled_from(["", *offered]),
            refused.filter(lambda v: v not in offered),
        )
    if isinstance(field, forms.IntegerField):
        low, high = field.min_value, field.max_value
        return (
            st.one_of(st.just(""), st.integers(low, high).map(str)),
            st.one_of(
                st.integers(max_value=low - 1).map(str),
                st.integers(min_value=high + 1).map(str),
                NOT_A_WHOLE_NUMBER,
            ),
        )
    if isinstance(field, forms.CharField):
        limit = field.max_length
        return (
            st.one_of(st.text(TEXT_CHARACTER, max_size=40), st.sampled_from(NASTY[:10])).filter(
                lambda v: "\x00" not in v and len(v.strip()) <= limit
            ),
            st.one_of(
                st.text(ANY_CHARACTER, max_size=20).map(lambda v: f"{v}\x00"),
                st.text(TEXT_CHARACTER, min_size=1, max_size=3).map(lambda v: v * (limit + 1)),
            ).filter(lambda v: "\x00" in v or len(v.strip()) > limit),
        )
    raise AssertionError(
        f"The filter {name!r} is a {type(field).__name__}: teach tests/test_fuzz_filters.py "
        "which values it takes and which it refuses."
    )


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def filters(world):
    """{filter name: (values it takes, values it refuses)}, from the list's own filter form."""
    form = ActivityFilter({}).form
    return {name: filter_values(name, field) for name, field in form.fields.items()}


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[1:]


@FUZZ
@given(data=st.data())
def test_filters_list_what_they_say_or_nothing_with_a_message(world, filters, data):
    used = data.draw(st.sets(st.sampled_from(sorted(filters)), max_size=5), label="filters")
    refused = data.draw(st.sets(st.sampled_from(sorted(used))) if used else st.just(set()))
    query = {
        name: data.draw(filters[name][1] if name in refused else filters[name][0], label=name)
        for name in used
    }
    page = data.draw(st.sampled_from(["", "1", *BAD_PAGES]), label="page")
    if page:
        query["page"] = page
    query |= data.draw(
        st.dictionaries(st.text(ANY_CHARACTER, max_size=8).map(lambda k: f"x{k}"), st.text()),
        label="unknown parameters",
    )
    with one_example(world.users["viewer"]) as client:
        cache.clear()  # the list is computed, not read from the cache: its filters are checked
        outcome = send(client, "get", LIST, query)
        assert status_of(outcome) == 200, described(outcome)
        filterset, paginator = outcome.context["filterset"], outcome.context["paginator"]
        event("a value refused" if refused else f"valid values, {paginator.count} listed")
        if refused:
            assert set(filterset.errors) >= refused, filterset.errors
            assert paginator.count == 0, "a refused filter value lists activities"
            assert "Some filters are not valid, so no activities are listed." in outcome.text
        else:
            assert not filterset.errors, (query, filterset.errors)
        if page in BAD_PAGES:  # the list has one page at most
            assert outcome.context["page"] is None, "rows of a page that does not exist"
            assert "This page does not exist" in outcome.text
        else:
            assert not outcome.context["page_error"]

        outcome = send(client, "get", CSV, query)
        assert status_of(outcome) in (200, 302), described(outcome)
        if refused:
            assert status_of(outcome) == 302, "a file of a refused filter"
            assert outcome["Location"].startswith(LIST)
        else:
            assert status_of(outcome) == 200
            assert len(csv_rows(outcome)) == paginator.count

        if data.draw(st.booleans(), label="xlsx too"):
            outcome = send(client, "get", XLSX, query)
            assert status_of(outcome) == (302 if refused else 200), described(outcome)


def test_every_filter_is_fuzzed(filters):
    """The fuzzer knows every filter of the list, the new ones included."""
    assert set(filters) == set(ActivityFilter.base_filters)
    assert {"q", "region", "status", "year", "sort"} <= set(filters)
