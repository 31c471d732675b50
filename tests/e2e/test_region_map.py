"""The map of Asia-Pacific's countries in a real browser: all 39 drawn, each with the reached
state the dashboard counts for 2026, Tuvalu and Nauru visible as dots, the same map in the
printed regional report; the map fits a phone; no serious accessibility violation."""

import re

import pytest
from playwright.sync_api import expect

from initiatives.models import ActionPlan, Country, Region
from reports.queries.region import region_figures
from tests import factories
from tests.factories import DEFAULT_PASSWORD

DASHBOARD = "/dashboard/ASP/?plan=WTDC-25&year=2026"
REPORT = "/reports/ASP/2026/?plan=WTDC-25"
MAP_LINKS = "svg.region-map-svg a"
REACHED_FILL = "rgb(0, 114, 178)"


@pytest.fixture
def viewer(reference_data):
    return factories.UserFactory(username="viewer", role="Viewer")


@pytest.fixture
def reached(reference_data):
    """Activities that reach Tonga, Nepal and Tuvalu in 2026, and two that reach nobody (a
    planned one in Afghanistan, a suspended one in Kiribati); the ISO3 codes of the countries
    reached as the dashboard counts them."""
    factories.ActivityFactory(countries=["TON", "NPL"], expected_results=["ASP3.4"])
    factories.ActivityFactory(countries=["TUV"], expected_results=["ASP3.4"], status="completed")
    factories.ActivityFactory(countries=["AFG"], expected_results=["ASP3.4"], status="planned")
    factories.ActivityFactory(countries=["KIR"], expected_results=["ASP3.4"], status="suspended")
    figures = region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026
    )
    return {item.country.iso3 for item in figures.countries if item.reached}


def drawn_countries(page):
    """{ISO3: (reached?, shape: "path" or "circle", bounding box)} of the countries the
    page's map draws, reached when drawn in the colour of the reached."""
    drawn = {}
    for link in page.locator(MAP_LINKS).all():
        iso3 = re.search(r"/countries/([A-Z]{3})/", link.get_attribute("href")).group(1)
        assert iso3 not in drawn, f"{iso3} is drawn twice"
        shape = link.locator("path, circle").first
        fill = shape.evaluate("element => getComputedStyle(element).fill")
        tag = shape.evaluate("element => element.tagName")
        drawn[iso3] = (fill == REACHED_FILL, tag, shape.bounding_box())
    return drawn


def assert_every_country_drawn_as_counted(page, reached):
    drawn = drawn_countries(page)
    asp = set(Country.objects.filter(region__code="ASP").values_list("iso3", flat=True))
    assert len(asp) == 39
    assert set(drawn) == asp
    assert {iso3 for iso3, (is_reached, _, _) in drawn.items() if is_reached} == reached
    map_box = page.locator("svg.region-map-svg").bounding_box()
    for iso3, (_, _, box) in drawn.items():
        assert box is not None and box["width"] > 0 and box["height"] > 0, iso3
        assert map_box["x"] <= box["x"] + box["width"] / 2 <= map_box["x"] + map_box["width"]
        assert map_box["y"] <= box["y"] + box["height"] / 2 <= map_box["y"] + map_box["height"]
    for iso3 in ["TUV", "NRU"]:
        _, tag, box = drawn[iso3]
        assert tag == "circle", iso3
        assert box["width"] >= 5 and box["height"] >= 5, iso3  # a dot one can see and click


def test_the_asp_map_shows_all_39_countries_as_the_dashboard_counts_them(
    page, live_server, viewer, reached, login, assert_accessible
):
    assert reached == {"TON", "NPL", "TUV"}
    login(page, live_server, "viewer", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{DASHBOARD}")

    expect(page.locator("figure.region-map")).to_be_visible()
    expect(page.locator(MAP_LINKS)).to_have_count(39)
    assert_every_country_drawn_as_counted(page, reached)
    expect(page.get_by_role("link", name=re.compile(r"^Tuvalu: reached in 2026"))).to_be_visible()
    nauru = page.get_by_role("link", name=re.compile(r"^Nauru: not reached in 2026"))
    expect(nauru).to_be_visible()
    assert_accessible(page)

    nauru.click()
    expect(page).to_have_url(re.compile(r"/countries/NRU/\?plan=WTDC-25&year=2026$"))


def test_the_printed_report_carries_the_map(
    page, live_server, viewer, reached, login, assert_accessible
):
    login(page, live_server, "viewer", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{REPORT}")
    assert_accessible(page)
    page.emulate_media(media="print")

    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("figure.region-map")).to_be_visible()
    expect(page.locator(MAP_LINKS)).to_have_count(39)
    assert_every_country_drawn_as_counted(page, reached)
    assert page.pdf(format="A4").startswith(b"%PDF")


def test_the_map_fits_a_phone_screen(page, live_server, viewer, login):
    page.set_viewport_size({"width": 320, "height": 640})
    login(page, live_server, "viewer", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{DASHBOARD}")

    figure = page.locator("figure.region-map")
    expect(figure).to_be_visible()
    box = figure.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    tuvalu = page.locator(f'{MAP_LINKS}[href^="/countries/TUV/"] circle')
    assert tuvalu.bounding_box()["width"] > 0
