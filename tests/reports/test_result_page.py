"""An expected result's page: its full text, its figures for a year, the activities that count
for it (exactly those its activities figure counts) and the countries reached (exactly those
its countries-reached figure counts), with their groups during that year."""

import datetime
import re

import pytest
from django.utils import timezone

from activities.models import Activity
from tests.factories import ActivityFactory, ProgressReportFactory, approved_report
from tests.reports.progress_pages import (
    activity_list_total,
    links_to,
    listed_activities,
    queries_with_10_and_with_200_activities,
)

Status = Activity.Status
URL = "/initiatives/WTDC-25/ASP3/results/4/"


@pytest.fixture
def asp34_work():
    """Activities around ASP3.4 whose right answers are known."""
    ongoing = ActivityFactory(
        title="IXP in Lao PDR and Tonga",
        countries=["LAO", "TON"],
        expected_results=["ASP3.4", "ASP3.1"],
        end_date=datetime.date(2027, 6, 30),
    )
    ActivityFactory(
        title="Completed IPv6 training in Fiji",
        status=Status.COMPLETED,
        countries=["FJI"],
        expected_results=["ASP3.4"],
    )
    ActivityFactory(
        title="Planned IXP in Samoa",
        status=Status.PLANNED,
        countries=["WSM"],
        expected_results=["ASP3.4"],
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    ActivityFactory(
        title="Suspended IXP in Vanuatu",
        status=Status.SUSPENDED,
        countries=["VUT"],
        expected_results=["ASP3.4"],
    )
    ActivityFactory(
        title="Cancelled IXP in Nepal",
        status=Status.CANCELLED,
        countries=["NPL"],
        expected_results=["ASP3.4"],
    )
    ActivityFactory(
        title="Archived IXP in Bhutan",
        countries=["BTN"],
        expected_results=["ASP3.4"],
        archived_at=timezone.now(),
    )
    ActivityFactory(title="Another result's in Kiribati", countries=["KIR"])
    ActivityFactory(
        title="Finished in 2025 in Palau",
        status=Status.COMPLETED,
        countries=["PLW"],
        expected_results=["ASP3.4"],
        start_date=datetime.date(2025, 2, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    approved_report(ongoing, 2026, 1, percent_complete=30)
    approved_report(ongoing, 2026, 2, percent_complete=55)
    ProgressReportFactory(
        activity=ongoing, year=2026, quarter=3, percent_complete=95, achievements="Draft words"
    )


def reached_list(page):
    """The countries reached, as listed: name → the badges shown beside it."""
    listed = re.search(r'<ul class="page-countries">(.*?)</ul>', page, re.DOTALL)
    if listed is None:
        return {}
    return {
        name.replace("&#x27;", "'"): re.findall(r'class="badge badge-\w+"[^>]*>(\w+)<', badges)
        for name, badges in re.findall(
            r'<li><a href="[^"]+">(.*?)</a>(.*?)</li>', listed.group(1), re.DOTALL
        )
    }


def test_it_shows_the_full_text_and_its_initiative(client, viewer):
    client.force_login(viewer)
    response = client.get(f"{URL}?year=2026")
    assert response.status_code == 200
    page = response.text
    assert "Expected result ASP3.4" in page
    assert "Promotion of Internet exchange points and community-centred connectivity" in page
    assert "facilitation of the transition from IPv4 to IPv6." in page
    assert 'href="/initiatives/WTDC-25/ASP3/?year=2026"' in page
    assert "No activity advances ASP3.4 in 2026." in page
    assert "No country is reached for ASP3.4 in 2026." in page


def test_it_lists_exactly_the_activities_that_count(client, viewer, asp34_work):
    client.force_login(viewer)
    response = client.get(f"{URL}?year=2026")
    figures = response.context["result_figures"]

    assert listed_activities(response.text) == {
        "IXP in Lao PDR and Tonga",
        "Completed IPv6 training in Fiji",
        "Planned IXP in Samoa",
        "Suspended IXP in Vanuatu",
    }
    assert figures.activities.value == 4
    assert activity_list_total(client, figures.activities) == 4
    for figure in [figures.activities, figures.ongoing, figures.completed]:
        assert links_to(response.text, figure)
    assert "Covered" in response.text
    assert "Not covered" not in response.text


def test_a_planned_activity_shows_only_in_its_start_year(client, viewer, asp34_work):
    client.force_login(viewer)
    in_2027 = client.get(f"{URL}?year=2027")
    assert listed_activities(in_2027.text) == {"IXP in Lao PDR and Tonga"}
    assert in_2027.context["result_figures"].activities.value == 1
    in_2025 = client.get(f"{URL}?year=2025")
    assert listed_activities(in_2025.text) == {"Finished in 2025 in Palau"}


def test_it_lists_exactly_the_countries_reached_with_their_groups_that_year(
    client, viewer, asp34_work
):
    client.force_login(viewer)
    response = client.get(f"{URL}?year=2026")
    figures = response.context["result_figures"]
    # Ongoing and completed activities reach; planned, suspended, cancelled, archived do not.
    assert reached_list(response.text) == {
        "Fiji": ["SIDS", "PIC"],
        "Lao People's Democratic Republic": ["LDC", "LLDC"],
        "Tonga": ["SIDS", "PIC"],
    }
    assert figures.countries_reached.value == 3
    assert links_to(response.text, figures.countries_reached)
    assert 'href="/countries/LAO/?plan=WTDC-25&amp;year=2026"' in response.text

    # Lao PDR left the LDCs on 24 Nov 2026: not an LDC in 2027's figures.
    in_2027 = client.get(f"{URL}?year=2027")
    assert reached_list(in_2027.text) == {
        "Lao People's Democratic Republic": ["LLDC"],
        "Tonga": ["SIDS", "PIC"],
    }


def test_the_activities_show_their_countries_status_and_latest_approved_percent(
    client, viewer, asp34_work
):
    client.force_login(viewer)
    page = client.get(f"{URL}?year=2026").text
    row = re.search(r"IXP in Lao PDR and Tonga</a></th>(.*?)</tr>", page, re.DOTALL).group(1)
    assert "Lao People&#x27;s Democratic Republic</a>" in row
    assert 'class="badge badge-ldc"' in row
    assert "Ongoing" in row
    assert "55%" in row  # the latest approved report, not the draft's 95%
    assert "95%" not in page
    assert "Draft words" not in page


def test_unknown_results_are_404(client, viewer):
    client.force_login(viewer)
    assert client.get("/initiatives/WTDC-25/ASP3/results/9/").status_code == 404
    assert client.get("/initiatives/WTDC-25/ASP9/results/1/").status_code == 404
    assert client.get("/initiatives/NOPE/ASP3/results/1/").status_code == 404


def test_a_bad_year_is_a_bad_request_said_so(client, viewer):
    client.force_login(viewer)
    response = client.get(URL, {"year": "twenty"})
    assert response.status_code == 400
    assert "The year is a number such as 2026." in response.text
    assert "Promotion of Internet exchange points" in response.text


def test_the_queries_are_as_many_with_200_activities_as_with_10(client, viewer):
    client.force_login(viewer)
    url = "/initiatives/WTDC-25/ASP3/results/1/?year=2026"
    with_10, with_200 = queries_with_10_and_with_200_activities(
        client, url, countries=["TON", "LAO"], expected_results=["ASP3.1"]
    )
    assert client.get(url).context["result_figures"].activities.value > 10
    assert with_200 == with_10
