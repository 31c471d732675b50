"""The demo's indicators: the reference text sets no official ones, so every reported indicator
the demo ships is marked as demo; the values its reports give add up and keep the report form's
rules, and the ASP 2026 dashboard shows a mix of statuses. build_demo_fixture refuses values
that break those rules."""

import dataclasses
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from activities import services
from activities.models import IndicatorBreakdown, IndicatorValue, ProgressReport
from demo.fixture import AS_OF, BASELINE_SOURCE, DemoError, Value, build, load_reference
from demo.fixture_data import ACTIVITIES, INDICATORS
from initiatives.models import ActionPlan, Indicator, Region, Target
from reports.queries.indicators import Status
from reports.queries.region import region_figures

FIXTURES = Path(django_settings.BASE_DIR) / "fixtures"
DEMO_JSON = FIXTURES / "demo.json"
INDICATOR_MODELS = {
    "initiatives.indicator": ["expected_result"],
    "initiatives.target": ["indicator"],
    "activities.indicatorvalue": ["report", "indicator"],
    "activities.indicatorbreakdown": ["value"],
}


@pytest.fixture
def on_the_demo_day(monkeypatch):
    """The dashboard as of the demo's day, whatever the date the tests run on."""
    monkeypatch.setattr("reports.queries.indicators.timezone.localdate", lambda: AS_OF)


def asp_figures_2026():
    return region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026
    )


def reported_figures(figures):
    return [
        f
        for rows in figures.indicators_by_result.values()
        for f in rows
        if not f.indicator.is_computed
    ]


def indicator_state():
    return {
        "indicators": list(Indicator.objects.order_by("pk").values()),
        "targets": list(Target.objects.order_by("pk").values()),
        "values": list(IndicatorValue.objects.order_by("pk").values()),
        "breakdowns": list(IndicatorBreakdown.objects.order_by("pk").values()),
    }


def test_the_fixture_names_indicators_and_values_by_natural_keys_only():
    objects = [
        o
        for o in json.loads(DEMO_JSON.read_text(encoding="utf-8"))
        if o["model"] in INDICATOR_MODELS
    ]
    assert {o["model"] for o in objects} == set(INDICATOR_MODELS)
    assert not [o for o in objects if "pk" in o]
    for o in objects:
        for name in INDICATOR_MODELS[o["model"]]:
            assert isinstance(o["fields"][name], list), (o["model"], name, o["fields"][name])


@pytest.mark.usefixtures("demo_loaded", "db")
class TestTheDemoIndicators:
    def test_every_reported_indicator_is_a_demo_one(self):
        reported = Indicator.objects.reported()
        assert 12 <= reported.count() <= 20
        assert not reported.filter(is_demo=False).exists()
        assert not reported.exclude(expected_result__initiative__region__code="ASP").exists()

    def test_only_computed_indicators_are_not_marked_demo(self):
        official = Indicator.objects.filter(is_demo=False)
        assert official.exists()  # every expected result's computed indicators
        assert not official.filter(measure=Indicator.Measure.REPORTED).exists()

    def test_each_has_an_illustrative_baseline_and_targets_for_2026_2027_and_the_end(self):
        for indicator in Indicator.objects.reported().prefetch_related("targets"):
            assert indicator.baseline_value is not None, indicator
            assert indicator.baseline_year == 2025, indicator
            assert indicator.baseline_source == BASELINE_SOURCE, indicator
            assert {t.year for t in indicator.targets.all()} == {2026, 2027, None}, indicator
            limit = indicator.max_value
            if limit is not None:
                assert all(t.value <= limit for t in indicator.targets.all()), indicator

    def test_every_breakdown_adds_up_to_its_value(self):
        values = IndicatorValue.objects.select_related("indicator").prefetch_related("breakdown")
        broken_down = 0
        for value in values:
            totals = defaultdict(Decimal)
            for part in value.breakdown.all():
                totals[part.dimension] += part.amount
            assert set(totals) <= set(value.indicator.disaggregations), value
            assert all(total == value.value for total in totals.values()), (value, totals)
            broken_down += bool(totals)
        assert broken_down >= 10

    def test_every_value_keeps_the_rules_of_the_report_form(self):
        reports = ProgressReport.objects.filter(indicator_values__isnull=False).distinct()
        for report in reports.prefetch_related("activity__countries", "activity__expected_results"):
            activity = report.activity
            codes = {country.iso3 for country in activity.countries.all()}
            entries = services.indicator_entries(report)
            indicators = Indicator.objects.in_bulk(entries)
            for pk, entry in entries.items():
                indicator = indicators[pk]
                assert indicator.expected_result in activity.expected_results.all(), (
                    report,
                    indicator,
                )
                assert services.indicator_value_errors(indicator, entry, codes) == [], (
                    report,
                    indicator,
                )

    def test_approved_reports_and_others_give_values(self):
        states = set(IndicatorValue.objects.values_list("report__state", flat=True))
        assert ProgressReport.State.APPROVED in states
        assert states - {ProgressReport.State.APPROVED}, "no unapproved value to leave out"

    @pytest.mark.usefixtures("on_the_demo_day")
    def test_the_asp_2026_dashboard_shows_a_mix_of_statuses(self):
        figures = asp_figures_2026()
        reported = reported_figures(figures)
        statuses = {f.status for f in reported}
        assert Status.ON_TRACK in statuses
        assert statuses & {Status.OFF_TRACK, Status.AT_RISK}
        assert Status.NOT_STARTED in statuses
        assert [f for f in reported if f.actual is not None]
        all_statuses = {f.status for rows in figures.indicators_by_result.values() for f in rows}
        assert Status.NO_TARGET in all_statuses  # the computed indicators have no target

    @pytest.mark.usefixtures("on_the_demo_day")
    def test_values_of_reports_not_approved_do_not_count(self):
        before = {
            f.indicator.pk: (f.actual, f.status) for f in reported_figures(asp_figures_2026())
        }
        IndicatorValue.objects.exclude(report__state=ProgressReport.State.APPROVED).delete()
        after = {f.indicator.pk: (f.actual, f.status) for f in reported_figures(asp_figures_2026())}
        assert after == before

    def test_loading_it_a_second_time_changes_nothing(self):
        before = indicator_state()
        call_command("loaddata", "demo", verbosity=0)
        assert indicator_state() == before


# --- build_demo_fixture refuses values that break the rules ---------------------------------


@pytest.fixture(scope="module")
def reference():
    return load_reference(FIXTURES)


def with_values(title, year, quarter, values):
    """The demo activities, with `values` given by the report of `title` for that quarter."""
    demos = []
    for demo in ACTIVITIES:
        if demo.title == title:
            reports = [
                dataclasses.replace(r, values=values)
                if (r.year, r.quarter) == (year, quarter)
                else r
                for r in demo.reports
            ]
            demo = dataclasses.replace(demo, reports=reports)
        demos.append(demo)
    return demos


SRI_LANKA = "Digital literacy for persons with disabilities, Sri Lanka"


def test_the_demo_data_builds(reference):
    asp_countries, _groups, results = reference
    assert build(ACTIVITIES, INDICATORS, asp_countries, results)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ASP2.4-1": Value(160, sex={"women": 88, "men": 70})}, "add up to 158"),
        ({"ASP2.4-1": Value(160, country={"LKA": 160})}, "not broken down by country"),
        ({"ASP2.4-1": Value(160, age={"teens": 160})}, "unknown age parts"),
        ({"ASP2.4-2": 104}, "outside 0 to 100"),
        ({"ASP3.4-1": 1}, "a result the activity does not advance"),
        ({"ASP9.9-1": 1}, "no such demo indicator"),
    ],
)
def test_it_refuses_a_value_that_breaks_the_rules(reference, values, message):
    asp_countries, _groups, results = reference
    demos = with_values(SRI_LANKA, 2026, 2, values)
    with pytest.raises(DemoError, match=message):
        build(demos, INDICATORS, asp_countries, results)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "EUR1.1-1"}, "not an ASP expected result"),
        ({"targets": (200, 150, 250), "aggregation": "cumulative"}, "targets go the wrong way"),
        ({"unit": "percent", "targets": (50, 80, 120)}, "outside 0 to 100"),
        ({"by": ("sex", "sex")}, "dimensions must be distinct"),
    ],
)
def test_it_refuses_an_indicator_that_makes_no_sense(reference, change, message):
    asp_countries, _groups, results = reference
    indicators = [dataclasses.replace(INDICATORS[0], **change), *INDICATORS[1:]]
    with pytest.raises(DemoError, match=message):
        build(ACTIVITIES, indicators, asp_countries, results)
