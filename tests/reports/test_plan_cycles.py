"""Plan cycles: an activity begun under the previous action plan and still linked to its
expected results counts, in the current plan's figures, for the current results that continue
them (`ExpectedResult.continues`, set by administrators), marked "via the previous plan" in the
lists its figures link to; and the dashboards' option ?work=all counts all work in the year,
whatever its plan.

GEN-22 (2022 to 2025) has ASP1 with three expected results: GEN-22 ASP1.1 is continued by WTDC-25
ASP3.4, GEN-22 ASP1.2 by both ASP3.4 and ASP1.3 (many to many), GEN-22 ASP1.3 by none.
"""

import datetime
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import Activity
from initiatives.models import ActionPlan, ExpectedResult, Region
from reports.queries.region import region_figures
from reports.queries.scope import Figure
from tests.factories import ActivityFactory, expected_result, initiative_with_results
from tests.reports.dashboard_pages import add_activities, numbers, page_tree
from tests.reports.test_drill_down import (
    DrillDown,
    activities_listed,
    build_varied_data,
    mismatches,
    rolled_back_after,
)
from tests.reports.test_figures_queries import (
    REGION_FIGURES_QUERIES,
    count_queries,
    every_region_figure,
)

YEAR = 2026
DASHBOARD = "/dashboard/ASP/"
SINCE_2024 = {"start_date": datetime.date(2024, 3, 1), "end_date": None}


def make_gen22():
    """GEN-22 with ASP1's three results, mapped as the module says; returns them by code."""
    ActionPlan.objects.create(
        code="GEN-22", name="Generated earlier plan", start_year=2022, end_year=2025
    )
    initiative_with_results("ASP", "ASP1", results=3, plan_code="GEN-22")
    earlier = {
        r.code: r for r in ExpectedResult.objects.filter(initiative__action_plan__code="GEN-22")
    }
    expected_result("ASP3.4").continues.add(earlier["ASP1.1"], earlier["ASP1.2"])
    expected_result("ASP1.3").continues.add(earlier["ASP1.2"])
    return earlier


def linked_to(activity, *results):
    activity.expected_results.set(results)
    return activity


@pytest.fixture
def earlier(db):
    return make_gen22()


@pytest.fixture
def legacy(earlier):
    """An ongoing activity begun under GEN-22 in Tonga, linked to GEN-22 ASP1.1 only."""
    return linked_to(
        ActivityFactory(title="Legacy IXP in Tonga", countries=["TON"], **SINCE_2024),
        earlier["ASP1.1"],
    )


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


def figures(all_work=False):
    return region_figures(
        Region.objects.get(code="ASP"),
        ActionPlan.objects.get(code="WTDC-25"),
        YEAR,
        all_work=all_work,
    )


def result_figures(figs, code):
    return next(r for r in figs.results if r.result.code == code)


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filterset"].errors
    return response


# --- Counting through the mapping


def test_an_activity_linked_to_an_earlier_result_counts_for_the_result_continuing_it(legacy):
    figs = figures()

    asp34 = result_figures(figs, "ASP3.4")
    assert (asp34.activities.value, asp34.ongoing.value, asp34.countries_reached.value) == (
        1,
        1,
        1,
    )
    assert asp34.covered
    assert figs.activities_total.value == 1
    assert figs.countries_reach.reached.value == 1
    assert result_figures(figs, "ASP1.3").activities.value == 0
    assert figs.coverage[0].value == 1


def test_without_a_mapping_it_counts_nowhere_in_the_current_plan(earlier):
    linked_to(ActivityFactory(countries=["TON"], **SINCE_2024), earlier["ASP1.3"])

    figs = figures()

    assert figs.activities_total.value == 0
    assert figs.coverage[0].value == 0
    assert all(r.activities.value == 0 for r in figs.results)


def test_one_earlier_result_continued_by_two_counts_for_both_and_once_in_the_plan(earlier):
    linked_to(ActivityFactory(countries=["FJI"], **SINCE_2024), earlier["ASP1.2"])

    figs = figures()

    assert result_figures(figs, "ASP3.4").activities.value == 1
    assert result_figures(figs, "ASP1.3").activities.value == 1
    assert figs.activities_total.value == 1
    assert figs.coverage[0].value == 2
    fiji = next(row for row in figs.matrix if row.country.iso3 == "FJI")
    assert {c.result.code: c.activities for c in fiji.cells if c.activities} == {
        "ASP1.3": 1,
        "ASP3.4": 1,
    }


def test_an_activity_linked_both_directly_and_through_the_mapping_counts_once(earlier):
    both = ActivityFactory(countries=["TON"], expected_results=["ASP3.4"], **SINCE_2024)
    both.expected_results.add(earlier["ASP1.1"], earlier["ASP1.2"])

    figs = figures()

    assert result_figures(figs, "ASP3.4").activities.value == 1
    assert figs.activities_total.value == 1
    assert figs.counted_via(expected_result("ASP3.4")) == {}  # it counts directly
    assert set(figs.counted_via(expected_result("ASP1.3"))) == {both.pk}


def test_the_dashboard_the_json_and_the_matrix_count_it(signed_in, legacy):
    page = page_tree(signed_in.get(DASHBOARD, {"year": YEAR}))
    row = page.xpath("//table[contains(@class, 'results-table')]//tr[th//abbr[text()='ASP3.4']]")
    assert numbers(row[0])[:2] == [1, 1]  # activities, ongoing

    data = signed_in.get(DASHBOARD, {"year": YEAR, "format": "json"}).json()
    asp34 = next(r for r in data["expected_results"] if r["code"] == "ASP3.4")
    assert (asp34["activities"], asp34["covered"]) == (1, True)
    assert sum(data["activities_by_status"].values()) == 1
    assert data["coverage"]["covered"] == 1

    tonga = next(row for row in figures().matrix if row.country.iso3 == "TON")
    assert [c.activities for c in tonga.cells if c.result.code == "ASP3.4"] == [1]


def test_its_list_holds_as_many_as_the_figure_and_marks_the_row_via_the_previous_plan(
    signed_in, legacy
):
    asp34 = result_figures(figures(), "ASP3.4")

    response = listed(signed_in, asp34.activities.url)

    assert response.context["paginator"].count == asp34.activities.value == 1
    row = page_tree(response).xpath("//tr[th//a[text()='Legacy IXP in Tonga']]")[0]
    cell = " ".join(row.text_content().split())
    assert "Counts for ASP3.4 via the previous plan: GEN-22 ASP1.1" in cell
    assert "GEN-22 ASP1.1" in cell  # its own link, with its plan


def test_the_list_by_initiative_and_by_plan_holds_it_too(signed_in, legacy):
    for query in ({"initiative": "ASP3"}, {"plan": "WTDC-25"}, {"result": "ASP3.4"}):
        response = listed(
            signed_in, "/activities/?" + "&".join(f"{k}={v}" for k, v in query.items())
        )
        assert [a.title for a in response.context["page"].object_list] == ["Legacy IXP in Tonga"], (
            query
        )
    response = listed(signed_in, "/activities/?result=ASP1.3")
    assert response.context["paginator"].count == 0


def test_a_directly_linked_row_is_not_marked(signed_in, earlier):
    ActivityFactory(title="Direct", countries=["TON"], expected_results=["ASP3.4"])

    response = listed(signed_in, "/activities/?result=ASP3.4")

    assert b"via the previous plan" not in response.content


def test_the_list_marks_its_rows_in_a_fixed_number_of_queries(signed_in, earlier):
    def add(count):
        for n in range(count):
            linked_to(
                ActivityFactory(countries=["TON"], **SINCE_2024), earlier[f"ASP1.{n % 2 + 1}"]
            )

    add(3)
    with CaptureQueriesContext(connection) as with_3:
        listed(signed_in, "/activities/?plan=WTDC-25&year=2026")
    add(30)
    cache.clear()  # the filter choices are kept until reference data changes
    with CaptureQueriesContext(connection) as with_33:
        response = listed(signed_in, "/activities/?plan=WTDC-25&year=2026&page=1")
    assert response.content.count(b"via the previous plan") == 33 + 33 // 2
    assert len(with_33) == len(with_3)


def test_the_result_page_says_what_it_continues_and_how_many_count_through_it(signed_in, legacy):
    ActivityFactory(title="Direct IXP in Fiji", countries=["FJI"], expected_results=["ASP3.4"])

    response = signed_in.get("/initiatives/WTDC-25/ASP3/results/4/", {"year": YEAR})

    assert response.status_code == 200
    text = " ".join(page_tree(response).text_content().split())
    assert "Continues GEN-22 ASP1.1" in text
    assert "GEN-22 ASP1.2" in text
    assert "1 of these 2 activities counts for ASP3.4 via the previous plan" in text
    row = page_tree(response).xpath("//tr[th//a[text()='Legacy IXP in Tonga']]")[0]
    assert "via the previous plan: GEN-22 ASP1.1" in " ".join(row.text_content().split())


def test_the_earlier_result_page_says_what_continues_it(signed_in, legacy):
    response = signed_in.get("/initiatives/GEN-22/ASP1/results/2/", {"year": 2024})

    text = " ".join(page_tree(response).text_content().split())
    assert "Continued by WTDC-25 ASP1.3" in text
    assert "WTDC-25 ASP3.4" in text


def test_the_activity_page_says_what_it_counts_for(signed_in, legacy):
    response = signed_in.get(legacy.get_absolute_url())

    text = " ".join(page_tree(response).text_content().split())
    assert "Counts for WTDC-25 ASP3.4 via the previous plan" in text


def test_the_figures_take_as_many_queries_with_the_mapping_whatever_the_activities(earlier):
    asp, plan = Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25")
    add_activities(10)
    with_10 = count_queries(every_region_figure, asp, plan)
    for activity in Activity.objects.all()[:5]:
        activity.expected_results.add(earlier["ASP1.2"])
    add_activities(40)
    for _ in range(20):
        linked_to(ActivityFactory(countries=["TON"], **SINCE_2024), earlier["ASP1.1"])

    with_70 = count_queries(every_region_figure, asp, plan)

    assert every_region_figure(asp, plan)["total"] == 70
    assert with_70 == with_10 <= REGION_FIGURES_QUERIES


# --- All work in the year, whatever its plan


@pytest.fixture
def unmapped(earlier):
    """An ongoing activity in Samoa linked to GEN-22 ASP1.3, which nothing continues."""
    return linked_to(
        ActivityFactory(title="Unmapped work in Samoa", countries=["WSM"], **SINCE_2024),
        earlier["ASP1.3"],
    )


def test_all_work_counts_every_activity_of_the_year_whatever_its_plan(legacy, unmapped):
    ActivityFactory(countries=["FJI"], expected_results=["ASP1.3"])
    ActivityFactory(
        countries=["FJI"],
        expected_results=["ASP1.3"],
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )  # not in 2026

    plan_only, all_work = figures(), figures(all_work=True)

    assert plan_only.activities_total.value == 2
    assert all_work.activities_total.value == 3
    assert all_work.countries_reach.reached.value == plan_only.countries_reach.reached.value + 1
    # The expected results' figures count the plan's results only, either way.
    assert [r.activities.value for r in all_work.results] == [
        r.activities.value for r in plan_only.results
    ]


def test_under_all_work_each_figure_links_to_a_list_of_its_size(signed_in, legacy, unmapped):
    figs = figures(all_work=True)
    named = [
        ("total", figs.activities_total),
        *((status, figure) for status, _, figure in figs.activities_by_status),
        *((c.country.iso3, c.activities) for c in figs.countries if c.activities.value),
        *((r.result.code, r.activities) for r in figs.results if r.activities.value),
    ]

    assert "plan=" not in figs.activities_total.url
    sizes = [
        (name, figure.value, listed(signed_in, figure.url).context["paginator"].count)
        for name, figure in named
    ]
    assert [size for size in sizes if size[1] != size[2]] == []
    assert figs.activities_total.value == 2


def test_the_dashboard_page_and_its_json_offer_all_work_and_cache_each_apart(
    signed_in, legacy, unmapped
):
    plain = signed_in.get(DASHBOARD, {"year": YEAR})
    everything = signed_in.get(DASHBOARD, {"year": YEAR, "work": "all"})

    assert plain.status_code == everything.status_code == 200
    assert plain.context["figures"].activities_total.value == 1
    assert everything.context["figures"].activities_total.value == 2
    assert b'name="work"' in plain.content
    assert b"All work in the year counts, whatever its plan" in everything.content
    assert "work=all" in everything.context["figures"].scope.country_list_url()
    # Each cached apart: the same page asked again gives its own figures.
    again = signed_in.get(DASHBOARD, {"year": YEAR})
    assert numbers(page_tree(again)) == numbers(page_tree(plain))
    assert numbers(page_tree(again)) != numbers(page_tree(everything))

    data = signed_in.get(DASHBOARD, {"year": YEAR, "work": "all", "format": "json"}).json()
    assert data["all_work"] is True
    assert sum(data["activities_by_status"].values()) == 2
    data = signed_in.get(DASHBOARD, {"year": YEAR, "format": "json"}).json()
    assert (data["all_work"], sum(data["activities_by_status"].values())) == (False, 1)


def test_the_all_regions_page_and_the_lists_keep_the_option(signed_in, legacy, unmapped):
    response = signed_in.get("/dashboard/", {"year": YEAR, "work": "all"})
    assert response.status_code == 200
    asp = next(f for f in response.context["regions"] if f.region.code == "ASP")
    assert asp.activities_total.value == 2

    response = signed_in.get("/dashboard/ASP/countries/", {"year": YEAR, "work": "all"})
    assert response.status_code == 200
    reached = [c.country.iso3 for c, is_reached in response.context["countries"] if is_reached]
    assert sorted(reached) == ["TON", "WSM"]


def test_an_unknown_work_option_is_an_error_shown_on_the_page(signed_in):
    response = signed_in.get(DASHBOARD, {"year": YEAR, "work": "everything"})

    assert response.status_code == 400
    assert b"Choose the plan&#x27;s expected results or all work." in response.content


# --- The drill-down of every figure, on data with plan cycles


def build_plan_cycle_data():
    """The varied data of test_drill_down, and activities begun under GEN-22: mapped ones,
    split ones, ones linked both ways, an unmapped one."""
    build_varied_data()
    earlier = make_gen22()
    linked_to(ActivityFactory(countries=["TON", "LAO"], **SINCE_2024), earlier["ASP1.1"])
    linked_to(
        ActivityFactory(
            countries=["FJI"],
            status=Activity.Status.COMPLETED,
            start_date=datetime.date(2025, 5, 1),
            end_date=datetime.date(2026, 6, 30),
        ),
        earlier["ASP1.2"],
    )
    both = ActivityFactory(countries=["KIR"], expected_results=["ASP3.4"], **SINCE_2024)
    both.expected_results.add(earlier["ASP1.1"])
    linked_to(ActivityFactory(countries=["WSM"], **SINCE_2024), earlier["ASP1.3"])
    linked_to(
        ActivityFactory(countries=["NPL"], status=Activity.Status.SUSPENDED, **SINCE_2024),
        earlier["ASP1.2"],
    )


@pytest.fixture(scope="class")
def plan_cycle_data(django_db_setup, django_db_blocker):
    yield from rolled_back_after(django_db_blocker, build_plan_cycle_data)


@pytest.mark.usefixtures("plan_cycle_data")
class TestPlanCycleData(DrillDown):
    """Every figure of the plan links to a list of its size, with the mapping."""


@pytest.mark.usefixtures("plan_cycle_data")
class TestPlanCycleDataAllWork(DrillDown):
    """Every figure under ?work=all links to a list of its size."""

    @pytest.fixture
    def figures(self):
        return figures(all_work=True)

    def test_each_matrix_cell_links_to_a_list_of_its_size(self, signed_in, figures):
        """The filled cells (the empty ones' lists name the plan, for the result's code: the
        plain drill-down checks them)."""
        filled = [
            (f"{row.country.iso3} × {cell.result.code}", Figure(cell.activities, cell.url))
            for row in figures.matrix
            for cell in row.cells
            if cell.activities
        ]
        assert mismatches(signed_in, filled, activities_listed) == []


def test_generated_data_counts_the_earlier_plans_work(settings, signed_in):
    """On generate_demo_data's data, the activities begun under GEN-22 and still active count
    in WTDC-25's 2026 figures, and the dashboard's total equals its list."""
    settings.DEBUG = True
    call_command(
        "generate_demo_data", "--activities", "200", "--as-of", "2026-11-27", stdout=StringIO()
    )
    figs = figures()
    counted = Activity.objects.counted_in(YEAR).filter(region__code="ASP")
    assert figs.activities_total.value == counted.count()
    assert figs.activities_total.value > counted.filter(start_date__year=YEAR).count()
    assert listed(signed_in, figs.activities_total.url).context["paginator"].count == (
        figs.activities_total.value
    )
