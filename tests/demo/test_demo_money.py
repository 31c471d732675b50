"""The money of the demo data (demo.money, demo.fixture): a budget splits across an activity's
years by its days in whole units that add up to it, a report spends part of its quarter's
budget, the illustrative rates are stable, and the demo data is refused when its money breaks a
rule the database or a reader would hold it to."""

import dataclasses
import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from demo import fixture
from demo.fixture import DemoError, Funding, build, load_reference
from demo.fixture_data import ACTIVITIES, INDICATORS
from demo.money import (
    BASE_RATES,
    budget_end,
    illustrative_rate,
    spent_in_quarter,
    split,
    split_by_days,
)

FIXTURES = Path(django_settings.BASE_DIR) / "fixtures"
VANUATU = "Early warning by cell broadcast, Vanuatu"
SOLOMON_ISLANDS = "National cybersecurity strategy, Solomon Islands"


@pytest.fixture(scope="module")
def reference():
    return load_reference(FIXTURES)


def day(text):
    return datetime.date.fromisoformat(text)


def test_a_budget_splits_across_the_years_by_days_in_whole_units_adding_up():
    assert split_by_days(275_000, day("2026-01-05"), day("2027-12-31")) == {
        2026: 136_742,  # 361 of 726 days
        2027: 138_258,
    }
    assert split_by_days(30_000, day("2025-06-01"), day("2025-07-31")) == {2025: 30_000}
    parts = split_by_days(100_001, day("2025-11-15"), day("2028-02-29"))
    assert list(parts) == [2025, 2026, 2027, 2028]
    assert sum(parts.values()) == 100_001


def test_units_left_over_go_to_the_largest_remainders():
    assert split(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert split(10, {"a": 1, "b": 2}) == {"a": 3, "b": 7}  # 3.33 and 6.67


def test_an_open_ended_activity_is_budgeted_over_two_years_from_its_start():
    assert budget_end(day("2025-06-01"), None) == day("2027-05-31")
    assert budget_end(day("2025-06-01"), day("2025-09-30")) == day("2025-09-30")


def test_a_quarter_spends_part_of_its_share_of_the_year_s_budget():
    # 1 Jul to 31 Dec: a quarter's 92 days of 184, of 18,400: 9,200; 50 % of it.
    start, end = day("2026-07-01"), day("2026-12-31")
    assert spent_in_quarter(18_400, start, end, 2026, 3, 50) == 4_600
    assert spent_in_quarter(18_400, start, end, 2026, 2, 100) == 0  # before it started
    assert spent_in_quarter(18_400, start, end, 2025, 4, 100) == 0  # a year it does not run


def test_illustrative_rates_are_stable_and_near_their_base():
    month = datetime.date(2026, 7, 1)
    rate = illustrative_rate("CHF", month)
    assert rate == illustrative_rate("CHF", month)
    assert rate.as_tuple().exponent == -6
    assert abs(rate / BASE_RATES["CHF"] - 1) <= 0.03
    assert illustrative_rate("CHF", datetime.date(2026, 8, 1)) != rate


def replaced(title, **changes):
    """The demo activities, the one titled `title` changed."""
    return [
        dataclasses.replace(demo, **changes) if demo.title == title else demo for demo in ACTIVITIES
    ]


@pytest.mark.parametrize(
    ("title", "changes", "message"),
    [
        (VANUATU, {"funding_partner": ""}, "extra-budgetary money without its funding partner"),
        (VANUATU, {"currency": "EURO"}, "EURO is not an ISO 4217 currency"),
        (VANUATU, {"shares": (70, 20)}, "set shares: one per expected result, summing to 100"),
        (VANUATU, {"shares": (70,)}, "set shares: one per expected result"),
        (VANUATU, {"funding": "donation"}, "unknown funding source"),
        (
            SOLOMON_ISLANDS,
            {"cofunding": Funding("extra_budgetary", 65_000, "Someone")},
            "no money",
        ),
        (SOLOMON_ISLANDS, {"cofunding": Funding("regular_budget", 5_000)}, "is the first one"),
        (SOLOMON_ISLANDS, {"budget": None}, "without a budget"),
    ],
)
def test_it_refuses_money_that_breaks_the_rules(reference, title, changes, message):
    asp_countries, _groups, results = reference
    with pytest.raises(DemoError, match=message):
        build(replaced(title, **changes), INDICATORS, asp_countries, results)


def test_it_refuses_to_leave_out_a_rate_that_the_demo_does_not_need(reference, monkeypatch):
    asp_countries, _groups, results = reference
    monkeypatch.setattr(fixture, "MISSING_RATES", {("AUD", datetime.date(2026, 7, 1))})
    with pytest.raises(DemoError, match="does not need"):
        build(ACTIVITIES, INDICATORS, asp_countries, results)
