"""The region dashboard as JSON (?format=json), for Power BI and Excel: its shape, its values on
known data, and every number the same as the page shows; bad input answers 400 or 404."""

import pytest
from django.core.management import call_command

from activities.models import Activity
from initiatives.models import Country
from reports.queries.indicators import Status
from tests.factories import UserFactory
from tests.reports.dashboard_pages import (
    assert_needs_login,
    build_asp_2026,
    numbers,
    page_tree,
    text,
)

PAGE = "/dashboard/ASP/?plan=WTDC-25&year=2026"
JSON = PAGE + "&format=json"


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def activities(db):
    return build_asp_2026()


def test_it_needs_a_login(client):
    assert_needs_login(client, JSON)


def test_it_answers_the_documented_shape_with_the_known_figures(signed_in, activities):
    response = signed_in.get(JSON)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    figures = response.json()
    assert list(figures) == [
        "region",
        "plan",
        "year",
        "all_work",
        "activities_by_status",
        "expected_results",
        "coverage",
        "countries",
        "unreached",
        "finances",
    ]
    assert (figures["region"], figures["plan"], figures["year"]) == ("ASP", "WTDC-25", 2026)
    assert figures["all_work"] is False  # ?work=all counts all work in the year: True
    # Statuses are plain strings, every counted status present, cancelled never.
    assert figures["activities_by_status"] == {
        "planned": 1,
        "ongoing": 2,
        "suspended": 1,
        "completed": 1,
    }
    results = {result["code"]: result for result in figures["expected_results"]}
    assert len(results) == 35
    indicators = results["ASP1.3"].pop("indicators")
    assert results["ASP1.3"].pop("status") == "no_target"
    assert [i["code"] for i in indicators] == [
        "ASP1.3-CR",
        "ASP1.3-LDC",
        "ASP1.3-SIDS",
        "ASP1.3-LLDC",
        "ASP1.3-AC",
        "ASP1.3-PR",
    ]
    assert indicators[0] == {
        "code": "ASP1.3-CR",
        "name": "Countries reached",
        "measure": "countries_reached",
        "unit": "number",
        "direction": "up",
        "aggregation": "countries",
        "baseline": None,
        "baseline_year": None,
        "target": None,
        "actual": 2.0,
        "percent_of_target": None,
        "status": "no_target",
        "change_since_last_quarter": None,
        "planned_by_activities": None,
    }
    # People reached: the approved Q2 report of the cable activity, 25 women and 10 men.
    assert (indicators[-1]["measure"], indicators[-1]["actual"]) == ("people_reached", 35.0)
    assert results["ASP1.3"] == {
        "code": "ASP1.3",
        "activities": 2,
        "ongoing": 1,
        "completed": 0,
        "countries_reached": 2,
        "covered": True,
        "percent_complete": 40,
        "activities_reported": 1,
    }
    assert results["ASP3.1"]["covered"] is False
    assert results["ASP3.1"]["percent_complete"] is None
    assert figures["coverage"] == {"covered": 4, "total": 35}
    assert figures["countries"] == {
        "total": 39,
        "reached": 5,
        "ldc_total": 10,
        "ldc_reached": 3,
        "sids_total": 15,
        "sids_reached": 2,
        "lldc_total": 5,
        "lldc_reached": 2,
        "pic_total": 12,
        "pic_reached": 2,
    }
    assert figures["unreached"]["LLDC"] == ["BTN", "MNG", "NPL"]  # by name
    assert "KIR" in figures["unreached"]["LDC"] and "KIR" in figures["unreached"]["SIDS"]
    assert "LAO" not in figures["unreached"]["LDC"]


def test_every_number_of_the_json_is_the_number_the_page_shows(signed_in, activities):
    figures = signed_in.get(JSON).json()
    tree = page_tree(signed_in.get(PAGE))

    # Activities by status, from the status table.
    status_of = {str(Activity.Status(s).label): s for s in Activity.COUNTED_STATUSES}
    status_rows = tree.xpath("//section[@aria-labelledby='by-status']//table/tbody/tr")
    shown_by_status = {status_of[text(row.xpath("th")[0])]: numbers(row)[0] for row in status_rows}
    assert shown_by_status == figures["activities_by_status"]

    # Each expected result, from its row of the table.
    shown_results = []
    for row in tree.xpath("//tr[@class='result-row']"):
        cells = row.xpath("td")
        activities_, ongoing, completed, reached = numbers(row)
        percent, _, base = text(cells[4]).partition(" (")
        status = text(cells[6]).split(" ", 1)[1]  # after its mark: "◌ No target"
        shown_results.append(
            {
                "code": text(row.xpath("th//abbr")[0]),
                "activities": activities_,
                "ongoing": ongoing,
                "completed": completed,
                "countries_reached": reached,
                "covered": text(cells[5]) == "✓ Covered",
                "percent_complete": int(percent.rstrip("%")) if percent.endswith("%") else None,
                "activities_reported": int(base.split(" of ")[0]) if base else 0,
                "status": status,
            }
        )
    assert shown_results == [
        {key: value for key, value in result.items() if key != "indicators"}
        | {"status": Status(result["status"]).label}
        for result in figures["expected_results"]
    ]

    # Coverage and countries reached, from the headline tiles.
    tiles = [numbers(tile) for tile in tree.xpath("//ul[@class='tiles']/li")]
    assert tiles[1] == [figures["coverage"]["covered"], figures["coverage"]["total"]]
    countries = figures["countries"]
    assert tiles[2:] == [
        [countries["reached"], countries["total"]],
        [countries["ldc_reached"], countries["ldc_total"]],
        [countries["sids_reached"], countries["sids_total"]],
        [countries["lldc_reached"], countries["lldc_total"]],
        [countries["pic_reached"], countries["pic_total"]],
    ]

    # The countries not reached, by name on the page, by ISO code in the JSON.
    name_of = dict(Country.objects.values_list("iso3", "name"))
    unreached_rows = tree.xpath("//table[contains(@class, 'unreached-table')]/tbody/tr")
    shown_unreached = {
        text(row.xpath("th")[0]): [text(a) for a in row.xpath("td[2]//a")] for row in unreached_rows
    }
    assert shown_unreached == {
        group: [name_of[iso3] for iso3 in codes] for group, codes in figures["unreached"].items()
    }


def test_json_and_page_of_the_demo_data_agree_and_show_its_gaps(signed_in, db):
    # The demo fixture names its authors and reviewers: the demo users (seed_demo).
    for username in ("asp.editor", "asp.reviewer"):
        UserFactory(username=username)
    call_command("loaddata", "demo", verbosity=0)

    figures = signed_in.get(JSON).json()
    response = signed_in.get(PAGE)

    assert figures == response.context["figures"].as_json()
    # The demo's gaps: expected results not covered, LDC, SIDS and LLDC countries not reached.
    assert figures["coverage"]["covered"] < figures["coverage"]["total"]
    assert all(figures["unreached"][group] for group in ("LDC", "SIDS", "LLDC"))
    page = response.content.decode()
    assert "Not covered" in page
    for iso3 in figures["unreached"]["LDC"]:
        assert f'href="/countries/{iso3}/?plan=WTDC-25&amp;year=2026"' in page


@pytest.mark.parametrize("value", ["xml", "csv", "JSON", ""])
def test_any_other_format_answers_400(signed_in, value):
    response = signed_in.get(f"{PAGE}&format={value}")

    assert response.status_code == 400
    assert b"Unknown format" in response.content


def test_a_bad_year_answers_400_in_json(signed_in):
    response = signed_in.get("/dashboard/ASP/?year=19x6&format=json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"year": [{"message": "The year is a number such as 2026.", "code": "invalid"}]}
    }


@pytest.mark.parametrize(
    "url", ["/dashboard/ASP/?plan=NOPE&format=json", "/dashboard/ZZZ/?format=json"]
)
def test_an_unknown_plan_or_region_is_404(signed_in, url):
    assert signed_in.get(url).status_code == 404
