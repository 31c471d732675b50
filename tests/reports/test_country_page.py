"""A country's page: its profile and designations over time; for a year of an action plan its
groups during that year, the activities that count there, the expected results they advance
(grouped by initiative) and whether it is reached — the same figures as its region's dashboard."""

import datetime
import re

import pytest
from django.utils import timezone

from activities.models import Activity
from initiatives.models import ActionPlan, Region
from reports.queries.region import region_figures
from tests.factories import ActivityFactory, ProgressReportFactory, approved_report
from tests.reports.progress_pages import (
    activity_list_total,
    links_to,
    listed_activities,
    queries_with_10_and_with_200_activities,
)

Status = Activity.Status


@pytest.fixture
def lao_work():
    """Activities in Lao PDR whose right answers are known: in 2026, a suspended one (ASP3.4)
    and a completed one (ASP3.4, ASP1.1) count; a cancelled, an archived and Tonga's do not."""
    completed = ActivityFactory(
        title="Completed broadband plan",
        status=Status.COMPLETED,
        countries=["LAO", "KHM"],
        expected_results=["ASP3.4", "ASP1.1"],
    )
    ActivityFactory(
        title="Suspended IXP study",
        status=Status.SUSPENDED,
        countries=["LAO"],
        expected_results=["ASP3.4"],
        end_date=None,
    )
    ActivityFactory(title="Cancelled survey", status=Status.CANCELLED, countries=["LAO"])
    ActivityFactory(title="Archived workshop", countries=["LAO"], archived_at=timezone.now())
    ActivityFactory(title="Tonga's training", countries=["TON"], expected_results=["ASP2.1"])
    approved_report(completed, 2026, 3, percent_complete=100)
    ProgressReportFactory(activity=completed, year=2026, quarter=4, achievements="Draft words")


def advanced_results(page):
    """The expected results listed as advanced: code → reached or not, as the page says."""
    return dict(
        re.findall(
            r'<th scope="row"><a href="/initiatives/WTDC-25/\w+/results/\d+/\?year=\d+">'
            r"([\w.]+)</a>.*?(Not reached|Reached)",
            page,
            re.DOTALL,
        )
    )


def test_it_shows_the_profile_and_the_designations_over_time(client, viewer):
    client.force_login(viewer)
    response = client.get("/countries/LAO/?year=2026")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Lao People&#x27;s Democratic Republic</h1>" in page
    assert "LAO / LA" in page
    assert "418" in page
    assert "Asia and the Pacific (ASP)" in page
    assert "graduation on 2026-11-24" in page  # the note
    designations = re.search(r"<h2>Designations over time</h2>(.*?)</table>", page, re.DOTALL)
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>",
        designations.group(1),
    )
    assert [
        (group, re.sub("<.*?>", "", start), re.sub("<.*?>", "", end)) for group, start, end in rows
    ] == [
        ("Least developed country (LDC)", "since before records", "24 Nov 2026"),
        ("Landlocked developing country (LLDC)", "since before records", "still in force"),
    ]


def test_a_country_never_in_a_group_says_so(client, viewer):
    client.force_login(viewer)
    page = client.get("/countries/AUS/").text
    assert "Australia has never been in a country group." in page
    assert "in none of the country groups" in page


def test_the_groups_are_those_of_the_year(client, viewer):
    client.force_login(viewer)
    in_2026 = client.get("/countries/LAO/?year=2026")
    in_2027 = client.get("/countries/LAO/?year=2027")
    assert in_2026.context["country_figures"].group_codes == ["LDC", "LLDC"]
    assert in_2027.context["country_figures"].group_codes == ["LLDC"]
    groups_line = re.compile(r"<p>Groups during \d+:(.*?)</p>", re.DOTALL)
    assert "badge-ldc" in groups_line.search(in_2026.text).group(1)
    assert "badge-ldc" not in groups_line.search(in_2027.text).group(1)


def test_it_lists_the_activities_that_count_and_the_results_they_advance(client, viewer, lao_work):
    client.force_login(viewer)
    response = client.get("/countries/LAO/?year=2026")
    page = response.text
    figures = response.context["country_figures"]

    assert listed_activities(page) == {"Completed broadband plan", "Suspended IXP study"}
    assert figures.activities.value == 2
    assert links_to(page, figures.activities)
    assert activity_list_total(client, figures.activities) == 2
    assert figures.results_advanced == 2
    assert figures.reached  # the completed activity works here
    # Grouped by initiative, in the plan's order: ASP1 then ASP3.
    assert advanced_results(page) == {"ASP1.1": "Reached", "ASP3.4": "Reached"}
    assert page.index('href="/initiatives/WTDC-25/ASP1/?year=2026"') < page.index(
        'href="/initiatives/WTDC-25/ASP3/?year=2026"'
    )
    for advanced in response.context["results_advanced"]:
        assert links_to(page, advanced.activities)
        assert activity_list_total(client, advanced.activities) == advanced.activities.value
    assert "Draft words" not in page
    assert "Cancelled survey" not in page
    assert "Archived workshop" not in page


def test_a_country_with_only_suspended_work_is_not_reached(client, viewer, lao_work):
    client.force_login(viewer)
    response = client.get("/countries/LAO/?year=2027")  # the completed one ended in 2026
    assert listed_activities(response.text) == {"Suspended IXP study"}
    assert not response.context["country_figures"].reached
    assert advanced_results(response.text) == {"ASP3.4": "Not reached"}
    assert "Not reached" in response.text


def test_a_planned_activity_shows_only_in_its_start_year(client, viewer):
    ActivityFactory(
        title="Planned spectrum review",
        status=Status.PLANNED,
        countries=["BTN"],
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2028, 3, 31),
    )
    client.force_login(viewer)
    assert listed_activities(client.get("/countries/BTN/?year=2026").text) == {
        "Planned spectrum review"
    }
    assert listed_activities(client.get("/countries/BTN/?year=2027").text) == set()


def test_the_same_figures_as_the_regions_dashboard(client, viewer, lao_work):
    client.force_login(viewer)
    shown = client.get("/countries/LAO/?plan=WTDC-25&year=2026").context["country_figures"]
    dashboard = region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026
    )
    assert shown == next(c for c in dashboard.countries if c.country.iso3 == "LAO")


def test_a_lower_case_code_works_and_an_unknown_one_is_404(client, viewer):
    client.force_login(viewer)
    assert client.get("/countries/ton/").status_code == 200
    assert client.get("/countries/XYZ/").status_code == 404
    assert client.get("/countries/TONGA/").status_code == 404
    assert client.get("/countries/T%00N/").status_code == 404  # PostgreSQL refuses NUL


def test_an_unknown_plan_is_404_and_a_bad_year_400(client, viewer):
    client.force_login(viewer)
    assert client.get("/countries/TON/?plan=NOPE").status_code == 404
    response = client.get("/countries/TON/?year=3000")
    assert response.status_code == 400
    assert "Year" in response.text
    assert "Designations over time" in response.text  # the profile still shows


def test_the_queries_are_as_many_with_200_activities_as_with_10(client, viewer):
    client.force_login(viewer)
    url = "/countries/TON/?year=2026"
    with_10, with_200 = queries_with_10_and_with_200_activities(
        client, url, countries=["TON", "FJI"], expected_results=["ASP3.1"]
    )
    assert client.get(url).context["country_figures"].activities.value > 10
    assert with_200 == with_10
