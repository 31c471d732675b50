"""The counting rules of indicators (reports/queries/indicators.py): how approved report values
add up — summed per period, cumulative, latest value, distinct countries — across year
boundaries; computed indicators equal to the dashboard's own figures (Lao PDR an LDC in 2026,
the year it graduated, not in 2027); the status against the target, and its roll-up."""

import datetime
from decimal import Decimal

import pytest

from activities.models import Activity, IndicatorBreakdown, IndicatorValue
from initiatives.models import ActionPlan, ExpectedResult, Indicator, Region, Target
from reports.queries.indicators import (
    Status,
    indicator_status,
    progress,
    rolled_up,
    year_elapsed,
)
from reports.queries.region import region_figures
from tests.factories import ActivityFactory, ProgressReportFactory, approved_report

pytestmark = pytest.mark.django_db

Aggregation = Indicator.Aggregation


def result(code="ASP1.3"):
    initiative, number = code.split(".")
    return ExpectedResult.objects.get_by_natural_key("WTDC-25", initiative, int(number))


def indicator(aggregation=Aggregation.SUM, **fields):
    return Indicator.objects.create(
        expected_result=result(),
        code=fields.pop("code", "1"),
        name="People trained",
        aggregation=aggregation,
        **fields,
    )


def activity(countries=("TON",), **fields):
    fields.setdefault("start_date", datetime.date(2026, 1, 15))
    fields.setdefault("end_date", datetime.date(2027, 12, 31))
    return ActivityFactory(countries=list(countries), expected_results=["ASP1.3"], **fields)


def value(activity, indicator, year, quarter, amount, countries=None):
    """An approved report of `activity` for the quarter giving `amount` for `indicator`; with
    `countries` ({"TON": 3}), its breakdown by country."""
    report = approved_report(activity, year, quarter)
    row = IndicatorValue.objects.create(report=report, indicator=indicator, value=amount)
    for iso3, part in (countries or {}).items():
        IndicatorBreakdown.objects.create(
            value=row, dimension="country", category=iso3, amount=part
        )
    return row


def figures_of(indicator, year=2026):
    figures = region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), year
    )
    return next(
        f for f in figures.indicators_by_result[indicator.expected_result_id]
        if f.indicator.pk == indicator.pk
    )  # fmt: skip


def actual(indicator, year=2026):
    return figures_of(indicator, year).actual


# --- Reported indicators: how values add up -----------------------------------------------------


def test_summed_per_period_adds_the_years_quarters_and_starts_afresh_each_year():
    people = indicator(Aggregation.SUM)
    first, second = activity(), activity(countries=["FJI"])
    value(first, people, 2026, 1, 10)
    value(first, people, 2026, 2, 15)
    value(second, people, 2026, 4, 5)
    value(first, people, 2027, 1, 7)

    assert actual(people, 2026) == 30
    assert actual(people, 2027) == 7


def test_cumulative_adds_every_year_since_the_plan_began():
    cirts = indicator(Aggregation.CUMULATIVE)
    work = activity()
    value(work, cirts, 2026, 2, 2)
    value(work, cirts, 2026, 4, 1)
    value(work, cirts, 2027, 1, 3)

    assert actual(cirts, 2026) == 3
    assert actual(cirts, 2027) == 6
    assert actual(cirts, 2028) == 6  # nothing new, nothing lost


def test_latest_value_takes_each_activitys_latest_and_sums_numbers():
    policies = indicator(Aggregation.LATEST)
    first, second = activity(), activity(countries=["FJI"])
    value(first, policies, 2026, 1, 1)
    value(first, policies, 2026, 3, 4)  # first's latest
    value(second, policies, 2026, 2, 2)
    value(first, policies, 2027, 1, 9)  # after 2026: not in 2026's actual

    assert actual(policies, 2026) == 6
    assert actual(policies, 2027) == 11  # 9 and second's 2 of 2026, still its latest


def test_latest_value_averages_percents_and_any_yes_is_yes():
    coverage = indicator(Aggregation.LATEST, unit=Indicator.Unit.PERCENT)
    adopted = indicator(Aggregation.LATEST, unit=Indicator.Unit.YES_NO, code="2")
    first, second = activity(), activity(countries=["FJI"])
    value(first, coverage, 2026, 1, 40)
    value(second, coverage, 2026, 1, 61)
    value(first, adopted, 2026, 2, 0)
    value(second, adopted, 2026, 2, 1)

    assert actual(coverage) == Decimal("50.50")
    assert actual(adopted) == 1


def test_distinct_countries_counts_each_country_once_by_breakdown_or_activity():
    countries = indicator(Aggregation.COUNTRIES, by_country=True)
    broken_down = activity(countries=["TON", "FJI", "WSM"])
    whole = activity(countries=["FJI", "VUT"])
    nothing = activity(countries=["NPL"])
    value(broken_down, countries, 2026, 1, 5, countries={"TON": 3, "FJI": 2, "WSM": 0})
    value(whole, countries, 2026, 2, 1)  # no breakdown: the activity's countries
    value(nothing, countries, 2026, 2, 0)  # zero: no country
    value(whole, countries, 2025, 4, 1)  # another year

    figures = figures_of(countries)

    assert figures.actual == 3  # Tonga, Fiji, Vanuatu; not Samoa (0), not Nepal
    region = region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026
    )
    counted = region.indicator_actual(countries)
    assert {c.iso3 for c in _countries(counted.countries)} == {"TON", "FJI", "VUT"}


def _countries(ids):
    from initiatives.models import Country

    return Country.objects.filter(pk__in=ids)


def test_only_approved_reports_of_activities_that_count_and_advance_the_result():
    people = indicator(Aggregation.SUM)
    counted = activity()
    value(counted, people, 2026, 1, 10)
    draft = ProgressReportFactory(activity=counted, year=2026, quarter=2)
    IndicatorValue.objects.create(report=draft, indicator=people, value=100)
    archived = activity(archived_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))
    value(archived, people, 2026, 1, 1000)
    cancelled = activity(status=Activity.Status.CANCELLED)
    value(cancelled, people, 2026, 1, 1000)
    moved = activity()
    value(moved, people, 2026, 1, 1000)
    moved.expected_results.set([result("ASP2.1")])  # no longer advances ASP1.3

    assert actual(people) == 10


def test_nothing_reported_is_no_actual_rather_than_zero():
    people = indicator(Aggregation.SUM)
    activity()

    assert actual(people) is None


@pytest.mark.parametrize("aggregation", [Aggregation.SUM, Aggregation.CUMULATIVE])
def test_the_rows_of_an_actual_add_up_to_it(aggregation):
    measure = indicator(aggregation)
    work, other = activity(start_date=datetime.date(2025, 1, 1)), activity(countries=["FJI"])
    value(work, measure, 2025, 4, 2)
    value(work, measure, 2026, 1, 4)
    value(other, measure, 2026, 2, 6)
    region = region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026
    )

    made_of = region.indicator_actual(measure)

    assert sum(row.value for row in made_of.rows) == made_of.value == actual(measure)
    assert made_of.value == 10  # 2025 is before the plan: in neither


def test_the_trend_gives_the_actual_at_the_end_of_each_quarter_and_the_change():
    people = indicator(Aggregation.SUM)
    work = activity(start_date=datetime.date(2025, 1, 1))
    value(work, people, 2025, 1, 3)
    value(work, people, 2025, 2, 4)
    value(work, people, 2025, 4, 5)

    figures = figures_of(people, 2025)

    assert figures.trend == [(1, 3), (2, 7), (3, 7), (4, 12)]
    assert figures.change == 5


# --- Computed indicators: the dashboard's own figures -------------------------------------------


def computed(measure, code="ASP1.3"):
    return Indicator.objects.get(expected_result=result(code), measure=measure)


def test_every_expected_result_has_the_computed_indicators():
    measures = set(Indicator.Measure.values) - {"reported"}
    for expected in ExpectedResult.objects.all():
        assert set(expected.indicators.values_list("measure", flat=True)) == measures


def test_computed_indicators_equal_the_dashboards_figures():
    ActivityFactory(countries=["TON", "FJI"], expected_results=["ASP1.3"])
    ActivityFactory(
        countries=["NPL"], expected_results=["ASP1.3"], status=Activity.Status.COMPLETED
    )
    ActivityFactory(countries=["BTN"], expected_results=["ASP1.3"], status=Activity.Status.PLANNED)
    region = region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026
    )
    result_figures = next(r for r in region.results if r.result.code == "ASP1.3")

    by_measure = {f.indicator.measure: f.actual for f in region.indicators_by_result[result().pk]}

    assert by_measure["countries_reached"] == result_figures.countries_reached.value == 3
    assert by_measure["activities_completed"] == result_figures.completed.value == 1
    assert by_measure["sids_reached"] == 2  # Tonga, Fiji
    assert by_measure["lldc_reached"] == 1  # Nepal; not Bhutan, planned
    assert by_measure["ldc_reached"] == 1  # Nepal


def test_lao_pdr_is_an_ldc_reached_in_2026_not_in_2027():
    ActivityFactory(
        countries=["LAO"],
        expected_results=["ASP1.3"],
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2027, 6, 30),
    )

    assert actual(computed("ldc_reached"), 2026) == 1  # graduated on 24 Nov 2026
    assert actual(computed("ldc_reached"), 2027) == 0
    assert actual(computed("countries_reached"), 2027) == 1


# --- Targets and status -------------------------------------------------------------------------


def test_the_target_is_the_years_or_in_the_last_year_the_end_of_plan_one():
    people = indicator(Aggregation.CUMULATIVE)
    Target.objects.create(indicator=people, year=2026, value=10)
    Target.objects.create(indicator=people, year=None, value=50)

    assert figures_of(people, 2026).target == 10
    assert figures_of(people, 2027).target is None
    assert figures_of(people, 2029).target == 50


@pytest.mark.parametrize(
    ("actual_value", "elapsed", "expected"),
    [
        (None, Decimal("0.5"), Status.NOT_STARTED),
        (Decimal(50), Decimal(0), Status.NOT_STARTED),  # the year has not begun
        (Decimal(45), Decimal("0.5"), Status.ON_TRACK),  # 90 % of the way expected by now
        (Decimal(44), Decimal("0.5"), Status.AT_RISK),
        (Decimal(30), Decimal("0.5"), Status.AT_RISK),  # 60 %
        (Decimal(29), Decimal("0.5"), Status.OFF_TRACK),
        (Decimal(100), Decimal(1), Status.ON_TRACK),
        (Decimal(150), Decimal(1), Status.ON_TRACK),  # beyond the target
    ],
)
def test_the_status_compares_progress_with_the_share_of_the_year_elapsed(
    actual_value, elapsed, expected
):
    people = Indicator(aggregation=Aggregation.SUM)

    assert indicator_status(people, actual_value, Decimal(100), elapsed) == expected
    assert indicator_status(people, actual_value, None, elapsed) == Status.NO_TARGET


def test_progress_starts_from_the_baseline_and_down_can_be_good():
    cumulative = Indicator(aggregation=Aggregation.CUMULATIVE, baseline_value=Decimal(20))
    assert progress(cumulative, Decimal(60), Decimal(100)) == Decimal("0.5")
    down = Indicator(
        aggregation=Aggregation.LATEST,
        direction=Indicator.Direction.DOWN,
        baseline_value=Decimal(40),
    )
    assert progress(down, Decimal(30), Decimal(20)) == Decimal("0.5")
    assert progress(down, Decimal(50), Decimal(20)) == 0  # worse than the baseline


def test_the_share_of_the_year_elapsed():
    assert year_elapsed(2026, datetime.date(2025, 12, 31)) == 0
    assert year_elapsed(2026, datetime.date(2026, 12, 31)) == 1
    assert year_elapsed(2026, datetime.date(2026, 7, 2)) == Decimal(183) / Decimal(365)


def test_a_result_takes_the_worst_status_of_its_indicators_with_a_target():
    assert rolled_up([Status.ON_TRACK, Status.AT_RISK, Status.NO_TARGET]) == Status.AT_RISK
    assert rolled_up([Status.ON_TRACK, Status.NOT_STARTED]) == Status.ON_TRACK
    assert rolled_up([Status.NOT_STARTED, Status.NO_TARGET]) == Status.NOT_STARTED
    assert rolled_up([Status.NO_TARGET]) == Status.NO_TARGET
    assert rolled_up([]) == Status.NO_TARGET


def test_the_region_rolls_statuses_up_to_results_and_initiatives():
    people = indicator(Aggregation.SUM, code="1")
    Target.objects.create(indicator=people, year=2026, value=100)
    value(activity(), people, 2026, 1, 2)
    region = region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026
    )

    # 2 of 100 by the end of Q1 2026 at the earliest (today): off track.
    assert figures_of(people, 2026).status == Status.OFF_TRACK
    assert region.result_status(result()) == Status.OFF_TRACK
    assert region.initiative_status(result().initiative) == Status.OFF_TRACK
    assert region.result_status(result("ASP2.1")) == Status.NO_TARGET


def test_the_indicator_figures_take_a_fixed_number_of_queries(django_assert_max_num_queries):
    def count_queries():
        region = region_figures(
            Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026
        )
        region.results  # noqa: B018  (the dashboard's own figures, counted before)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            region.indicators_by_result  # noqa: B018
        return len(queries)

    # One of each way the dashboard reads values: one by one, and summed by period.
    people = indicator(Aggregation.COUNTRIES, by_country=True)
    value(activity(), people, 2026, 1, 1, countries={"TON": 1})
    value(activity(), indicator(Aggregation.SUM, code="S"), 2026, 1, 1)
    few = count_queries()
    for number in range(2, 6):
        more = indicator(Aggregation.SUM, code=str(number))
        for quarter in (1, 2, 3):
            value(activity(countries=["FJI"]), more, 2026, quarter, 3)
    assert count_queries() == few
