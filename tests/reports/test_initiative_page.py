"""An initiative's page: its plan, region, title and objective; its figures for a year and a row
per expected result, every number a link to the list of what it counts, covered or not said in
words; the same figures as its region's dashboard, in a fixed number of queries."""

import datetime
import re

import pytest
from django.utils import timezone

from activities.models import Activity
from initiatives.models import ActionPlan, Region
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    approved_report,
    initiative_with_results,
)
from tests.reports.progress_pages import (
    activity_list_total,
    links_to,
    queries_with_10_and_with_200_activities,
)

Status = Activity.Status
URL = "/initiatives/WTDC-25/ASP3/"


@pytest.fixture
def asp3_work():
    """ASP3's activities, whose figures are known: in 2026, 4 activities count (ongoing TON on
    ASP3.1, completed LAO+FJI on ASP3.1 and ASP3.2, planned WSM on ASP3.3, suspended VUT on
    ASP3.3), 1 ongoing, 1 completed, 3 countries reached, 2 of 8 results covered; in 2027 only
    the open-ended suspended one counts."""
    ongoing = ActivityFactory(
        title="Ongoing in Tonga", countries=["TON"], expected_results=["ASP3.1"]
    )
    completed = ActivityFactory(
        title="Completed in Lao PDR and Fiji",
        status=Status.COMPLETED,
        countries=["LAO", "FJI"],
        expected_results=["ASP3.1", "ASP3.2"],
    )
    ActivityFactory(
        title="Planned in Samoa",
        status=Status.PLANNED,
        countries=["WSM"],
        expected_results=["ASP3.3"],
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    ActivityFactory(
        title="Suspended in Vanuatu",
        status=Status.SUSPENDED,
        countries=["VUT"],
        expected_results=["ASP3.3"],
        end_date=None,
    )
    ActivityFactory(title="Cancelled", status=Status.CANCELLED, expected_results=["ASP3.4"])
    ActivityFactory(title="Archived", expected_results=["ASP3.5"], archived_at=timezone.now())
    ActivityFactory(title="Another initiative's", countries=["NPL"], expected_results=["ASP1.1"])
    approved_report(ongoing, 2026, 2, percent_complete=40)
    ProgressReportFactory(activity=completed, year=2026, quarter=3, percent_complete=90)  # draft


def row_of(page, code):
    """The table row of the expected result `code`."""
    return re.search(rf'<tr id="{re.escape(code)}">(.*?)</tr>', page, re.DOTALL).group(1)


def test_it_shows_the_plan_region_title_objective_and_every_expected_result(client, viewer):
    client.force_login(viewer)
    response = client.get(f"{URL}?year=2026")
    assert response.status_code == 200
    page = response.text
    assert "Baku Action Plan" in page
    assert "Asia and the Pacific (ASP)" in page
    assert "<h1>ASP3: " in page
    assert "To assist Member States in developing telecommunication" in page
    for number in range(1, 9):
        assert f'<tr id="ASP3.{number}">' in page
        assert f'href="/initiatives/WTDC-25/ASP3/results/{number}/?year=2026"' in page
    assert "ASP3.9" not in page


def test_it_counts_the_years_activities_as_the_rules_say(client, viewer, asp3_work):
    client.force_login(viewer)
    response = client.get(f"{URL}?year=2026")
    figures = response.context["initiative_figures"]
    assert figures.activities.value == 4  # neither the cancelled, the archived nor ASP1's
    assert figures.ongoing.value == 1
    assert figures.completed.value == 1
    assert figures.countries_reached.value == 3  # TON, LAO, FJI; not planned WSM, suspended VUT
    assert (figures.covered.value, figures.results_total.value) == (2, 8)
    assert figures.percent_complete == 40  # the approved report; never the draft's 90

    page = response.text
    for figure in [
        figures.activities,
        figures.ongoing,
        figures.completed,
        figures.countries_reached,
        figures.covered,
        figures.results_total,
    ]:
        assert links_to(page, figure), figure
    assert "90%" not in page
    assert "Cancelled" not in page
    assert "Archived" not in page


def test_each_expected_result_shows_its_figures_and_whether_it_is_covered(
    client, viewer, asp3_work
):
    client.force_login(viewer)
    response = client.get(f"{URL}?year=2026")
    page = response.text
    results = {r.result.code: r for r in response.context["initiative_figures"].results}

    assert [results[code].activities.value for code in ["ASP3.1", "ASP3.2", "ASP3.3"]] == [2, 1, 2]
    assert "Covered" in row_of(page, "ASP3.1")
    assert "40%" in row_of(page, "ASP3.1")
    assert "Covered" in row_of(page, "ASP3.2")
    assert "no approved report" in row_of(page, "ASP3.2")  # its only report is a draft
    assert "Not covered" in row_of(page, "ASP3.3")  # planned and suspended do not cover
    assert "Not covered" in row_of(page, "ASP3.4")  # the cancelled activity does not count
    for result in results.values():
        for figure in [
            result.activities,
            result.ongoing,
            result.completed,
            result.countries_reached,
        ]:
            assert links_to(row_of(page, result.result.code), figure)


def test_every_activity_figure_opens_a_list_of_its_size(client, viewer, asp3_work):
    client.force_login(viewer)
    figures = client.get(f"{URL}?year=2026").context["initiative_figures"]
    activity_figures = [figures.activities, figures.ongoing, figures.completed]
    for result in figures.results:
        activity_figures += [result.activities, result.ongoing, result.completed]
    for figure in activity_figures:
        assert activity_list_total(client, figure) == figure.value, figure.url


def test_another_year_counts_that_years_activities(client, viewer, asp3_work):
    client.force_login(viewer)
    response = client.get(f"{URL}?year=2027")
    figures = response.context["initiative_figures"]
    # Only the open-ended suspended activity: the planned one counts in its start year only.
    assert figures.activities.value == 1
    assert figures.covered.value == 0
    assert "Progress in 2027" in response.text


def test_the_same_figures_as_the_regions_dashboard(client, viewer, asp3_work):
    from reports.queries.region import region_figures

    client.force_login(viewer)
    shown = client.get(f"{URL}?year=2026").context["initiative_figures"]
    plan = ActionPlan.objects.get(code="WTDC-25")
    dashboard = region_figures(Region.objects.get(code="ASP"), plan, 2026)
    asp3 = next(i for i in dashboard.initiatives if i.initiative.code == "ASP3")
    assert shown == asp3


def test_an_initiative_of_another_region_and_plan_has_its_page(client, viewer):
    ActionPlan.objects.create(code="WTDC-29", name="Next Plan", start_year=2030, end_year=2033)
    initiative_with_results("AFR", "AFR1", results=2, plan_code="WTDC-29")
    client.force_login(viewer)
    response = client.get("/initiatives/WTDC-29/AFR1/")
    assert response.status_code == 200
    assert response.context["year"] == 2030  # today is before the plan: its first year
    assert "Expected result 2 of AFR1." in response.text
    assert "Africa (AFR)" in response.text


def test_unknown_initiatives_are_404(client, viewer):
    client.force_login(viewer)
    assert client.get("/initiatives/WTDC-25/ASP9/").status_code == 404
    assert client.get("/initiatives/NOPE/ASP1/").status_code == 404
    assert client.get("/initiatives/WTDC-25/asp1/").status_code == 404
    assert client.get("/initiatives/WTDC-25/ASP%00/").status_code == 404  # PostgreSQL refuses NUL


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "2026.5", "-1"])
def test_a_bad_year_is_a_bad_request_said_so(client, viewer, year):
    client.force_login(viewer)
    response = client.get(URL, {"year": year})
    assert response.status_code == 400
    assert "year" in response.text.lower()


def test_the_queries_are_as_many_with_200_activities_as_with_10(client, viewer):
    client.force_login(viewer)
    with_10, with_200 = queries_with_10_and_with_200_activities(
        client, f"{URL}?year=2026", expected_results=["ASP3.1"]
    )
    assert with_200 == with_10
