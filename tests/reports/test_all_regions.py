"""The all-regions dashboard: a row per region with initiatives in the plan — initiatives,
expected results covered, activities by status, countries reached of all and of the LDC, SIDS
and LLDC — each number a link; the region's code opens its dashboard; bad input; queries."""

import datetime

import pytest

from initiatives.models import ActionPlan, Region
from tests.factories import ActivityFactory, initiative_with_results
from tests.reports.dashboard_pages import (
    assert_needs_login,
    build_asp_2026,
    get_with_as_many_queries_at_200_activities_as_at_10,
    links,
    numbers,
    page_tree,
    text,
)

URL = "/dashboard/?plan=WTDC-25&year=2026"


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


def region_rows(response):
    """{region code: row} of the page's table."""
    rows = page_tree(response).xpath("//table[contains(@class, 'all-regions')]/tbody/tr")
    return {text(row.xpath("th//abbr")[0]): row for row in rows}


def test_it_needs_a_login(client):
    assert_needs_login(client, URL)


def test_it_shows_a_row_per_region_of_the_plan_with_its_figures(signed_in):
    build_asp_2026()
    initiative_with_results("AFR", "AFR1", results=2)
    ActivityFactory(
        region=Region.objects.get(code="AFR"),
        countries=["KEN", "ETH"],
        expected_results=["AFR1.2"],
        status="completed",
    )

    response = signed_in.get(URL)

    assert response.status_code == 200
    rows = region_rows(response)
    assert list(rows) == ["AFR", "ASP"]  # the regions without initiatives are left out
    # initiatives; covered of results; planned, ongoing, suspended, completed, all;
    # countries reached of all, of LDC, of SIDS, of LLDC.
    assert numbers(rows["ASP"]) == [5, 4, 35, 1, 2, 1, 1, 5, 5, 39, 3, 10, 2, 15, 2, 5]
    afr = numbers(rows["AFR"])
    assert afr[:8] == [1, 1, 2, 0, 0, 0, 1, 1]
    assert afr[8] == 2  # Kenya and Ethiopia reached
    assert afr[12] == 0  # no SIDS among them


def test_every_number_links_to_its_list_and_the_code_to_the_region_dashboard(signed_in):
    build_asp_2026()

    row = region_rows(signed_in.get(URL))["ASP"]

    cells = row.xpath("td")
    assert all(cell.xpath(".//a[@class='figure-link']") for cell in cells)
    assert links(row)[1:4] == [
        "/dashboard/ASP/results/?plan=WTDC-25&year=2026&covered=yes",
        "/dashboard/ASP/results/?plan=WTDC-25&year=2026",
        "/activities/?region=ASP&plan=WTDC-25&year=2026&status=planned",
    ]
    assert links(row)[-2:] == [
        "/dashboard/ASP/countries/?plan=WTDC-25&year=2026&reached=yes&group=LLDC",
        "/dashboard/ASP/countries/?plan=WTDC-25&year=2026&group=LLDC",
    ]
    code = row.xpath("th/a")[0]
    assert code.get("href") == "/dashboard/ASP/?plan=WTDC-25&year=2026"
    assert "Asia and the Pacific" in text(row.xpath("th")[0])


def test_the_year_changes_the_figures(signed_in):
    build_asp_2026()

    rows = region_rows(signed_in.get("/dashboard/?plan=WTDC-25&year=2027"))

    # In 2027 the others have ended, and the planned PNG study counts in its start year (2026)
    # only: the open-ended Afghanistan one is left, ongoing.
    assert numbers(rows["ASP"])[3:8] == [0, 1, 0, 0, 1]


def test_it_defaults_to_the_current_plan_and_year(signed_in):
    response = signed_in.get("/dashboard/")

    assert response.status_code == 200
    today = datetime.date.today()
    assert response.context["plan"].code == "WTDC-25"
    assert response.context["year"] == (today.year if 2026 <= today.year <= 2029 else 2026)


def test_a_plan_without_initiatives_says_so(signed_in):
    ActionPlan.objects.create(
        code="WTDC-22", name="Kigali Action Plan", start_year=2023, end_year=2025
    )

    response = signed_in.get("/dashboard/?plan=WTDC-22")

    assert response.status_code == 200
    assert response.context["year"] == 2023  # the plan's first year
    assert "No region has initiatives in this action plan yet." in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "2026.5"])
def test_a_bad_year_answers_400_with_a_message(signed_in, year):
    response = signed_in.get(f"/dashboard/?year={year}")

    assert response.status_code == 400
    alert = page_tree(response).xpath("//div[@role='alert']")[0]
    assert "Year:" in text(alert)
    assert "regions" not in response.context


def test_an_unknown_plan_is_404(signed_in):
    assert signed_in.get("/dashboard/?plan=WTDC-99").status_code == 404


def test_it_takes_as_many_queries_with_200_activities_as_with_10(
    signed_in, django_assert_num_queries
):
    response = get_with_as_many_queries_at_200_activities_as_at_10(
        signed_in, URL, django_assert_num_queries
    )

    assert response.context["regions"][0].activities_total.value == 200
