"""The counting rules of the dashboards, each on hand-built data where the right answer is known:
which activities count for a year, what covers an expected result and reaches a country, which
countries are LDC, SIDS or LLDC in a year, and that only approved progress reports count.

Every test calls `reports.queries.region.region_figures` (or `all_region_figures`) directly; the
drill-down tests check that each figure links to a list of the same size.
"""

import datetime

import pytest
from django.utils import timezone

from activities.models import Activity, ProgressReport
from initiatives.models import ActionPlan, Country, Designation, Region
from reports.queries.matrix import MATRIX_SHADES
from reports.queries.region import all_region_figures, region_figures
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    approved_report,
    initiative_with_results,
)

pytestmark = pytest.mark.django_db

Status = Activity.Status
State = ProgressReport.State
# Asia-Pacific's LDCs during 2026, from fixtures/countries.json: Lao PDR graduates on 24 Nov 2026;
# Bhutan (2023), Maldives (2011), Samoa (2014) and Vanuatu (2020) left before.
ASP_LDCS_2026 = ["AFG", "BGD", "KHM", "KIR", "LAO", "MMR", "NPL", "SLB", "TLS", "TUV"]


def figures(year=2026, region="ASP"):
    """Asia-Pacific's (or `region`'s) figures for the Baku Action Plan in `year`."""
    return region_figures(
        Region.objects.get(code=region), ActionPlan.objects.get(code="WTDC-25"), year
    )


def total(year):
    return figures(year).activities_total.value


def by_status(figs):
    return {status: figure.value for status, _, figure in figs.activities_by_status}


def result_of(figs, code):
    return next(r for r in figs.results if r.result.code == code)


def initiative_of(figs, code):
    return next(i for i in figs.initiatives if i.initiative.code == code)


def country_of(figs, iso3):
    return next(c for c in figs.countries if c.country.iso3 == iso3)


def reach_of(figs, group):
    """GroupReach of `group` ("" for all countries)."""
    return next(r for r in figs.reach if r.code == group)


def unreached(figs, group):
    return [country.iso3 for country in reach_of(figs, group).unreached]


def cells(figs):
    """{(ISO3, result code): activities} of every matrix cell."""
    return {
        (row.country.iso3, cell.result.code): cell.activities
        for row in figs.matrix
        for cell in row.cells
    }


def shades(figs):
    return {
        (row.country.iso3, cell.result.code): cell.shade
        for row in figs.matrix
        for cell in row.cells
    }


def every_count(figs):
    """Each figure one activity in Tuvalu (an LDC and SIDS) for ASP1.3, ongoing, funded by the
    ICT Development Fund and with an approved report for 2026, adds 1 to."""
    return {
        "total": figs.activities_total.value,
        "by status": sum(by_status(figs).values()),
        "ongoing": by_status(figs)[Status.ONGOING],
        "result activities": result_of(figs, "ASP1.3").activities.value,
        "result ongoing": result_of(figs, "ASP1.3").ongoing.value,
        "result countries reached": result_of(figs, "ASP1.3").countries_reached.value,
        "initiative activities": initiative_of(figs, "ASP1").activities.value,
        "initiative countries reached": initiative_of(figs, "ASP1").countries_reached.value,
        "initiative covered": initiative_of(figs, "ASP1").covered.value,
        "covered": figs.coverage[0].value,
        "country activities": country_of(figs, "TUV").activities.value,
        "country results advanced": country_of(figs, "TUV").results_advanced,
        "countries reached": reach_of(figs, "").reached.value,
        "LDCs reached": reach_of(figs, "LDC").reached.value,
        "SIDS reached": reach_of(figs, "SIDS").reached.value,
        "matrix": sum(cells(figs).values()),
        "budget (USD)": figs.finances.total.budget.usd,
        "people reached, activities": figs.people_reached["activities"].value,
        "people reached, women": figs.people_reached["women"],
    }


# --- Which activities count for a year


def test_an_activity_counts_in_each_year_its_dates_overlap():
    ActivityFactory(start_date=datetime.date(2025, 10, 1), end_date=datetime.date(2026, 1, 31))

    assert (total(2025), total(2026), total(2027)) == (1, 1, 0)


def test_an_activity_with_no_end_date_runs_on():
    ActivityFactory(start_date=datetime.date(2024, 5, 1), end_date=None)

    assert (total(2026), total(2027), total(2029)) == (1, 1, 1)


def test_an_activity_that_ended_on_31_december_2025_does_not_count_in_2026():
    ActivityFactory(start_date=datetime.date(2025, 3, 1), end_date=datetime.date(2025, 12, 31))

    assert (total(2025), total(2026)) == (1, 0)


def test_an_activity_that_starts_on_1_january_2027_does_not_count_in_2026():
    ActivityFactory(start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2027, 6, 30))

    assert (total(2026), total(2027)) == (0, 1)


def test_a_planned_activity_counts_in_its_start_year_only():
    ActivityFactory(
        status=Status.PLANNED,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2028, 6, 30),
    )

    assert by_status(figures(2026))[Status.PLANNED] == 1
    assert (total(2026), total(2027), total(2028)) == (1, 0, 0)


def test_an_ongoing_activity_of_2025_to_2027_counts_in_2026():
    ActivityFactory(
        status=Status.ONGOING,
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2027, 3, 31),
    )

    figs = figures(2026)
    assert figs.activities_total.value == 1
    assert by_status(figs)[Status.ONGOING] == 1


# --- Cancelled and archived activities


@pytest.mark.parametrize(
    ("changes", "counted"),
    [
        ({}, 1),  # the same activity, neither cancelled nor archived, adds 1 to each
        ({"status": Status.CANCELLED}, 0),
        ({"archived_at": datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)}, 0),
    ],
    ids=["counted", "cancelled", "archived"],
)
def test_cancelled_and_archived_activities_count_in_no_figure(changes, counted):
    activity = ActivityFactory(
        countries=["TUV"],
        expected_results=["ASP1.3"],
        budget=("1", Activity.FundingSource.ICT_DF),
        **changes,
    )
    approved_report(activity, 2026, 2, percent_complete=30, people_reached_women=12)

    figs = figures(2026)

    counts = every_count(figs)
    assert counts == {name: counted * (12 if "women" in name else 1) for name in counts}
    assert result_of(figs, "ASP1.3").percent_complete == (30 if counted else None)
    assert ("TUV" in unreached(figs, "LDC")) is not counted


# --- Coverage of expected results


@pytest.mark.parametrize(
    ("status", "covered"),
    [
        (Status.PLANNED, False),
        (Status.SUSPENDED, False),
        (Status.ONGOING, True),
        (Status.COMPLETED, True),
    ],
)
def test_an_expected_result_is_covered_only_by_an_ongoing_or_completed_activity(status, covered):
    ActivityFactory(status=status, expected_results=["ASP3.4"])

    figs = figures(2026)

    result = result_of(figs, "ASP3.4")
    assert result.activities.value == 1  # counted in "activities" whatever its status
    assert result.covered is covered
    assert initiative_of(figs, "ASP3").covered.value == int(covered)
    assert figs.coverage[0].value == int(covered)
    assert figs.coverage[1].value == len(figs.results) == 35  # ASP1 to ASP5: 5 + 6 + 8 + 6 + 10
    assert figs.as_json()["expected_results"][result_index(figs, "ASP3.4")]["covered"] is covered


def result_index(figs, code):
    return [r.result.code for r in figs.results].index(code)


# --- Countries reached


@pytest.mark.parametrize(
    ("status", "reached"),
    [
        (Status.PLANNED, False),
        (Status.SUSPENDED, False),
        (Status.ONGOING, True),
        (Status.COMPLETED, True),
    ],
)
def test_a_country_is_reached_only_by_an_ongoing_or_completed_activity(status, reached):
    ActivityFactory(status=status, countries=["KIR"], expected_results=["ASP1.3"])

    figs = figures(2026)

    kiribati = country_of(figs, "KIR")
    assert kiribati.activities.value == 1  # its activity counts, reaching it or not
    assert kiribati.reached is reached
    assert reach_of(figs, "").reached.value == int(reached)
    assert reach_of(figs, "LDC").reached.value == int(reached)
    assert ("KIR" in unreached(figs, "SIDS")) is not reached
    assert result_of(figs, "ASP1.3").countries_reached.value == int(reached)
    assert initiative_of(figs, "ASP1").countries_reached.value == int(reached)


def test_countries_reached_count_each_country_once():
    ActivityFactory(countries=["TON"], expected_results=["ASP1.3"])
    ActivityFactory(countries=["TON", "FJI"], expected_results=["ASP1.3", "ASP1.2"])
    ActivityFactory(countries=["TON"], expected_results=["ASP1.2"])

    figs = figures(2026)

    assert result_of(figs, "ASP1.3").countries_reached.value == 2  # Tonga and Fiji
    assert result_of(figs, "ASP1.2").countries_reached.value == 2
    assert initiative_of(figs, "ASP1").countries_reached.value == 2
    assert initiative_of(figs, "ASP1").activities.value == 3  # each activity once too
    assert reach_of(figs, "").reached.value == 2
    assert reach_of(figs, "SIDS").reached.value == 2
    assert country_of(figs, "TON").activities.value == 3
    assert country_of(figs, "TON").results_advanced == 2
    assert figs.reached_by_result[result_of(figs, "ASP1.3").result.pk] == set(
        Country.objects.filter(iso3__in=["TON", "FJI"]).values_list("pk", flat=True)
    )


# --- LDC, SIDS and LLDC during the year


def test_lao_pdr_is_an_ldc_in_2026s_figures_and_not_in_2027s():
    figs_2026, figs_2027 = figures(2026), figures(2027)

    assert unreached(figs_2026, "LDC") == sorted(
        ASP_LDCS_2026, key=lambda iso3: Country.objects.get(iso3=iso3).name
    )
    assert reach_of(figs_2026, "LDC").total.value == len(ASP_LDCS_2026)
    assert "LAO" not in unreached(figs_2027, "LDC")
    assert reach_of(figs_2027, "LDC").total.value == len(ASP_LDCS_2026) - 1
    assert figs_2026.as_json()["countries"]["ldc_total"] == len(ASP_LDCS_2026)
    assert "LAO" in figs_2026.as_json()["unreached"]["LDC"]
    assert "LAO" not in figs_2027.as_json()["unreached"]["LDC"]
    # Landlocked all along.
    assert "LAO" in unreached(figs_2027, "LLDC")
    assert country_of(figs_2026, "LAO").group_codes == ["LDC", "LLDC"]
    assert country_of(figs_2027, "LAO").group_codes == ["LLDC"]


def test_an_activity_in_lao_pdr_reaches_an_ldc_in_2026_and_not_in_2027():
    ActivityFactory(
        countries=["LAO"], start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2027, 6, 30)
    )

    assert reach_of(figures(2026), "LDC").reached.value == 1
    assert reach_of(figures(2027), "LDC").reached.value == 0
    assert reach_of(figures(2027), "LLDC").reached.value == 1


def designate(iso3, group, start=None, end=None):
    return Designation.objects.create(
        country=Country.objects.get(iso3=iso3), group_id=group, start_date=start, end_date=end
    )


def test_a_country_designated_from_a_day_of_the_year_counts_in_that_year():
    # Thailand is in no group in the fixtures: here it becomes an LDC on 1 Dec 2026.
    designate("THA", "LDC", start=datetime.date(2026, 12, 1))

    assert "THA" not in unreached(figures(2025), "LDC")
    assert "THA" in unreached(figures(2026), "LDC")
    assert "THA" in unreached(figures(2027), "LDC")
    assert country_of(figures(2026), "THA").group_codes == ["LDC"]


@pytest.mark.parametrize(
    ("end", "ldc_in_2027"),
    [
        (datetime.date(2027, 1, 1), False),  # no longer an LDC on its graduation day
        (datetime.date(2027, 1, 2), True),  # an LDC on 1 Jan 2027
    ],
)
def test_the_end_date_of_a_designation_is_exclusive(end, ldc_in_2027):
    designate("THA", "LDC", end=end)

    assert "THA" in unreached(figures(2026), "LDC")
    assert ("THA" in unreached(figures(2027), "LDC")) is ldc_in_2027
    assert ("LDC" in country_of(figures(2027), "THA").group_codes) is ldc_in_2027


# --- Only approved progress reports count


@pytest.mark.parametrize(
    ("later_state", "percent"),
    [
        (State.DRAFT, 40),
        (State.SUBMITTED, 40),
        (State.RETURNED, 40),
        (State.APPROVED, 90),  # the same report, approved, is the latest that counts
    ],
)
def test_the_percent_complete_is_the_latest_approved_reports(later_state, percent):
    activity = ActivityFactory(expected_results=["ASP2.1"])
    approved_report(activity, 2026, 2, percent_complete=40)
    approved_report(activity, 2026, 1, percent_complete=20)
    reviewed = {}
    if later_state in (State.APPROVED, State.RETURNED):
        reviewed = {"reviewer": UserFactory(), "reviewed_at": timezone.now()}
    ProgressReportFactory(
        activity=activity, year=2026, quarter=3, state=later_state, percent_complete=90, **reviewed
    )

    figs = figures(2026)

    assert result_of(figs, "ASP2.1").percent_complete == percent
    assert initiative_of(figs, "ASP2").percent_complete == percent
    assert figs.as_json()["expected_results"][result_index(figs, "ASP2.1")]["percent_complete"] == (
        percent
    )


def test_a_report_of_a_later_year_than_the_dashboards_is_ignored():
    activity = ActivityFactory(
        expected_results=["ASP2.1"],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    approved_report(activity, 2026, 4, percent_complete=50)
    approved_report(activity, 2027, 1, percent_complete=80)

    assert result_of(figures(2026), "ASP2.1").percent_complete == 50
    assert result_of(figures(2027), "ASP2.1").percent_complete == 80


def test_the_percent_complete_of_a_result_is_the_mean_of_its_activities_rounded():
    for percent in (10, 20, 20):
        approved_report(
            ActivityFactory(expected_results=["ASP2.1"]), 2026, 2, percent_complete=percent
        )
    ActivityFactory(expected_results=["ASP2.1"])  # no approved report: not in the mean
    only_a_draft = ActivityFactory(expected_results=["ASP2.1"])
    ProgressReportFactory(activity=only_a_draft, percent_complete=100)
    approved_report(ActivityFactory(expected_results=["ASP2.2"]), 2026, 2, percent_complete=70)

    figs = figures(2026)

    assert result_of(figs, "ASP2.1").percent_complete == 17  # (10 + 20 + 20) / 3 = 16.7
    assert result_of(figs, "ASP2.2").percent_complete == 70
    assert result_of(figs, "ASP2.3").percent_complete is None  # no activity at all
    assert initiative_of(figs, "ASP2").percent_complete == 30  # (10 + 20 + 20 + 70) / 4


def test_people_reached_add_up_the_approved_reports_of_the_year_only():
    training = ActivityFactory(start_date=datetime.date(2025, 6, 1), end_date=None)
    approved_report(training, 2026, 1, people_reached_women=10, people_reached_men=5)
    approved_report(training, 2026, 2, people_reached_women=3, people_reached_men=2)
    approved_report(training, 2025, 4, people_reached_women=1000, people_reached_men=1000)
    ProgressReportFactory(
        activity=training, year=2026, quarter=3, people_reached_women=500, people_reached_men=500
    )
    workshop = ActivityFactory()
    approved_report(workshop, 2026, 3, people_reached_women=7, people_reached_men=0)
    ProgressReportFactory(activity=ActivityFactory(), people_reached_women=99)  # a draft only

    people = figures(2026).people_reached

    assert (people["women"], people["men"]) == (20, 7)
    assert people["activities"].value == 2  # the training and the workshop
    assert figures(2025).people_reached["women"] == 1000


# --- What Asia-Pacific's figures of the Baku Action Plan hold


def test_activities_of_another_plan_or_region_do_not_count():
    ActionPlan.objects.create(
        code="WTDC-22", name="Kigali Action Plan", start_year=2023, end_year=2025
    )
    kigali_initiative = initiative_with_results("ASP", "ASP9", plan_code="WTDC-22")
    initiative_with_results("AFR", "AFR1")
    ActivityFactory(expected_results=[]).expected_results.set(
        kigali_initiative.expected_results.all()
    )
    ActivityFactory(
        title="In Africa",
        region=Region.objects.get(code="AFR"),
        countries=["KEN"],
        expected_results=["AFR1.1"],
    )
    ActivityFactory(title="For no expected result", expected_results=[])
    ActivityFactory(title="Counted", countries=["TON"], expected_results=["ASP1.3"])

    figs = figures(2026)

    assert figs.activities_total.value == 1
    assert sum(cells(figs).values()) == 1
    assert country_of(figs, "TON").activities.value == 1
    assert [r.result.code for r in figs.results if r.activities.value] == ["ASP1.3"]
    assert "ASP9.1" not in [r.result.code for r in figs.results]
    assert figures(2026, region="AFR").activities_total.value == 1


# --- The matrix of countries by expected results


def test_a_two_country_two_result_activity_adds_one_to_each_of_its_four_cells():
    ActivityFactory(countries=["TON", "FJI"], expected_results=["ASP1.3", "ASP3.4"])

    figs = figures(2026)
    matrix = cells(figs)

    filled = {key: count for key, count in matrix.items() if count}
    assert filled == {
        ("TON", "ASP1.3"): 1,
        ("TON", "ASP3.4"): 1,
        ("FJI", "ASP1.3"): 1,
        ("FJI", "ASP3.4"): 1,
    }
    # One row per country of the region, one column per expected result, in the results' order.
    assert [row.country.iso3 for row in figs.matrix] == [c.country.iso3 for c in figs.countries]
    assert len(figs.matrix) == Country.objects.filter(region__code="ASP").count()
    assert all(
        [cell.result.code for cell in row.cells] == [r.result.code for r in figs.results]
        for row in figs.matrix
    )


def test_the_fullest_cell_has_the_top_shade_and_empty_cells_none():
    for _ in range(4):
        ActivityFactory(countries=["TON"], expected_results=["ASP1.3"])
    for _ in range(2):
        ActivityFactory(countries=["TON"], expected_results=["ASP3.4"])
    ActivityFactory(countries=["FJI"], expected_results=["ASP1.3"])
    ActivityFactory(countries=["FJI"], expected_results=["ASP1.3"], status=Status.CANCELLED)

    figs = figures(2026)
    shade = shades(figs)

    assert shade["TON", "ASP1.3"] == MATRIX_SHADES == 4
    assert shade["TON", "ASP3.4"] == 2
    assert shade["FJI", "ASP1.3"] == 1  # a single activity still shows
    assert shade["FJI", "ASP3.4"] == 0
    assert sum(1 for value in shade.values() if value) == 3


def test_an_empty_matrix_has_no_shade():
    assert set(shades(figures(2026)).values()) == {0}


# --- All regions at once


def test_all_region_figures_give_the_same_numbers_as_region_figures():
    initiative_with_results("AFR", "AFR1", results=2)
    africa = Region.objects.get(code="AFR")
    ActivityFactory(region=africa, countries=["KEN", "UGA"], expected_results=["AFR1.1"])
    ActivityFactory(
        region=africa, countries=["UGA"], expected_results=["AFR1.2"], status=Status.PLANNED
    )
    ActivityFactory(countries=["TON", "FJI"], expected_results=["ASP1.3", "ASP3.4"])
    ActivityFactory(countries=["LAO"], expected_results=["ASP1.3"], status=Status.COMPLETED)
    ActivityFactory(countries=["TUV"], expected_results=["ASP2.1"], status=Status.SUSPENDED)
    ActivityFactory(countries=["NPL"], expected_results=["ASP2.1"], status=Status.CANCELLED)

    plan = ActionPlan.objects.get(code="WTDC-25")
    every_region = all_region_figures(plan, 2026)

    assert [figs.region.code for figs in every_region] == ["AFR", "ASP"]
    for figs in every_region:
        alone = region_figures(figs.region, plan, 2026)
        assert without_percent(figs.as_json()) == without_percent(alone.as_json())
        assert figs.activities_total == alone.activities_total
        assert figs.activities_by_status == alone.activities_by_status
        assert cells(figs) == cells(alone)
        assert [(c.country, c.activities, c.reached) for c in figs.countries] == [
            (c.country, c.activities, c.reached) for c in alone.countries
        ]
        assert [
            (i.activities, i.ongoing, i.completed, i.countries_reached, i.covered)
            for i in figs.initiatives
        ] == [
            (i.activities, i.ongoing, i.completed, i.countries_reached, i.covered)
            for i in alone.initiatives
        ]
    assert every_region[0].activities_total.value == 2
    assert every_region[1].activities_total.value == 3


def without_percent(figures_json):
    for result in figures_json["expected_results"]:
        result.pop("percent_complete")
    return figures_json
