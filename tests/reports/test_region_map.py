"""The map of a region's countries on its dashboard and in its regional report: every country of
the region drawn once (a dot when it is too small to see: Tuvalu, Nauru), each a link to its
page, reached as the dashboard counts it, LDC/SIDS/LLDC marked by more than colour; every
country of every region has an outline or a point in the asset; the map costs no query."""

import json

import pytest
from django.template import Context, Template

from initiatives.models import ActionPlan, Country, Region
from reports import maps
from reports.queries.region import region_figures
from tests.factories import ActivityFactory
from tests.reports.dashboard_pages import page_tree, text

DASHBOARD = "/dashboard/ASP/?plan=WTDC-25&year=2026"
REPORT = "/reports/ASP/2026/"
PERIOD = "?plan=WTDC-25&year=2026"
ASP_COUNTRIES = 39


@pytest.fixture
def reach(db):
    """Tonga, Nepal and Tuvalu reached (ongoing, completed); Afghanistan only planned and
    Kiribati only suspended: not reached."""
    ActivityFactory(countries=["TON", "NPL"], expected_results=["ASP3.4"], status="ongoing")
    ActivityFactory(countries=["TUV"], expected_results=["ASP3.4"], status="completed")
    ActivityFactory(countries=["AFG"], expected_results=["ASP3.4"], status="planned")
    ActivityFactory(countries=["KIR"], expected_results=["ASP3.4"], status="suspended")


def map_links(response):
    """{ISO3: <a> element} of the countries the page's map draws, after checking that each is
    drawn once."""
    links = page_tree(response).xpath("//svg[@class='region-map-svg']//a")
    by_country = {a.get("href").split("/")[2]: a for a in links}
    assert len(by_country) == len(links), "a country is drawn twice"
    return by_country


def classes(element):
    return set(element.get("class").split())


def test_the_dashboard_map_draws_every_country_of_the_region_once(viewer_client, reach):
    links = map_links(viewer_client.get(DASHBOARD))

    asp = Country.objects.filter(region__code="ASP")
    assert len(links) == ASP_COUNTRIES
    assert set(links) == set(asp.values_list("iso3", flat=True))
    for iso3, link in links.items():
        assert link.get("href") == f"/countries/{iso3}/{PERIOD}"


def test_tuvalu_and_nauru_are_dots_and_large_countries_outlines(viewer_client, reach):
    links = map_links(viewer_client.get(DASHBOARD))

    for iso3 in ["TUV", "NRU", "TON", "KIR"]:
        assert links[iso3].xpath("circle"), iso3
        assert not links[iso3].xpath("path"), iso3
    for iso3 in ["AUS", "CHN", "IND", "NPL", "PNG"]:
        path = links[iso3].xpath("path")[0]
        assert path.get("d").startswith("M"), iso3


def test_reached_countries_are_marked_as_the_dashboard_counts_them(viewer_client, reach):
    response = viewer_client.get(DASHBOARD)
    links = map_links(response)

    reached = {c.country.iso3 for c in response.context["figures"].countries if c.reached}
    assert reached == {"TON", "NPL", "TUV"}
    for iso3, link in links.items():
        state = "map-reached" if iso3 in reached else "map-not-reached"
        assert state in classes(link), iso3
    assert text(links["TON"].xpath("title")[0]) == "Tonga: reached in 2026, SIDS, PIC"
    assert text(links["AFG"].xpath("title")[0]) == "Afghanistan: not reached in 2026, LDC, LLDC"


def test_ldc_sids_and_lldc_are_marked_by_class_and_named_in_the_title(viewer_client, reach):
    response = viewer_client.get(DASHBOARD)
    links = map_links(response)

    for figures in response.context["figures"].countries:
        link = links[figures.country.iso3]
        marked = {name for name in classes(link) if name in ("map-ldc", "map-sids", "map-lldc")}
        assert marked == {f"map-{code.lower()}" for code in figures.group_codes} - {"map-pic"}
        for code in figures.group_codes:
            assert code in text(link.xpath("title")[0])
    assert {"map-ldc", "map-sids"} <= classes(links["KIR"])
    # Lao PDR graduates from LDC in November 2026: still an LDC in 2026, not in 2027.
    assert {"map-ldc", "map-lldc"} <= classes(links["LAO"])
    in_2027 = map_links(viewer_client.get("/dashboard/ASP/?plan=WTDC-25&year=2027"))
    assert "map-ldc" not in classes(in_2027["LAO"])


def test_the_legend_names_each_mark_in_words(viewer_client, reach):
    legend = page_tree(viewer_client.get(DASHBOARD)).xpath("//ul[contains(@class, 'map-legend')]")[
        0
    ]

    items = [text(item) for item in legend.xpath("li")]
    assert items == [
        "Reached in 2026: at least one ongoing or completed activity",
        "Not reached in 2026",
        "LDC: thick outline",
        "SIDS: dotted outline",
        "LLDC: dashed outline",
        "PIC: named in each member's title (on hover)",
        "A country too small to see at this scale: a dot where it lies",
    ]


def test_the_map_sits_in_the_countries_reached_section_before_its_table(viewer_client, reach):
    tree = page_tree(viewer_client.get(DASHBOARD))

    reach = tree.xpath("//section[@aria-labelledby='reach']")[0]
    figure = reach.xpath(".//figure[@class='region-map']")[0]
    assert "list the same countries" in text(figure.xpath("figcaption")[0])
    assert figure.getnext().get("class") == "table unreached-table"


def test_the_regional_report_carries_the_same_map(viewer_client, reach):
    on_dashboard = map_links(viewer_client.get(DASHBOARD))
    in_report = map_links(viewer_client.get(REPORT))

    assert len(in_report) == ASP_COUNTRIES
    assert {iso3: classes(a) for iso3, a in in_report.items()} == {
        iso3: classes(a) for iso3, a in on_dashboard.items()
    }
    assert {iso3: a.get("href") for iso3, a in in_report.items()} == {
        iso3: a.get("href") for iso3, a in on_dashboard.items()
    }


def test_the_map_draws_the_year_asked_for(viewer_client, reach):
    links = map_links(viewer_client.get("/dashboard/ASP/?plan=WTDC-25&year=2028"))

    assert not [iso3 for iso3, a in links.items() if "map-reached" in classes(a)]
    assert links["TON"].get("href") == "/countries/TON/?plan=WTDC-25&year=2028"


def test_asia_pacific_is_drawn_in_one_piece_across_the_antimeridian(viewer_client, reach):
    links = map_links(viewer_client.get(DASHBOARD))

    def dot_x(iso3):
        return float(links[iso3].xpath("circle")[0].get("cx"))

    # Tuvalu lies at 179°E, Samoa at 172°W: Samoa is just east of it, not at the far west.
    assert dot_x("TUV") < dot_x("WSM")
    assert dot_x("WSM") - dot_x("TUV") < 100


def test_every_country_of_every_region_has_an_outline_or_a_point(db):
    for region in Region.objects.all():
        countries = list(Country.objects.filter(region=region))
        geometry = maps.region_geometry(tuple(sorted(c.m49 for c in countries)))
        missing = [c.name for c in countries if c.m49 not in geometry.outlines]
        assert not missing, f"{region.code}: no outline or point for {missing}"
        for country in countries:
            outline = geometry.outlines[country.m49]
            if outline.is_dot:
                assert 0 <= outline.dot_x <= geometry.width, country.name
                assert 0 <= outline.dot_y <= geometry.height, country.name


def test_a_country_missing_from_the_asset_is_named_under_the_map(viewer_client, reach):
    Country.objects.filter(iso3="TON").update(m49="999")

    tree = page_tree(viewer_client.get(DASHBOARD))

    links = tree.xpath("//svg[@class='region-map-svg']//a")
    assert len(links) == ASP_COUNTRIES - 1
    caption = tree.xpath("//figure[@class='region-map']/figcaption")[0]
    assert "Not on the map, for want of an outline: Tonga." in text(caption)
    assert caption.xpath("a")[0].get("href") == f"/countries/TON/{PERIOD}"


def test_drawing_the_map_makes_no_query(reach, django_assert_num_queries):
    region = Region.objects.get(code="ASP")
    figures = region_figures(region, ActionPlan.objects.get(code="WTDC-25"), 2026)
    figures.countries  # noqa: B018 - the page has counted them already for its tables

    with django_assert_num_queries(0):
        html = Template("{% load map_tags %}{% region_map figures q %}").render(
            Context({"figures": figures, "q": "plan=WTDC-25&year=2026"})
        )
    assert html.count("<a href=") == ASP_COUNTRIES


def test_the_asset_names_its_source_and_licence_and_stays_small():
    asset = json.loads(maps.SHAPES_FILE.read_text())

    assert "Natural Earth" in asset["source"]
    assert "world-atlas 2.0.2" in asset["source"]
    assert "Public domain" in asset["licence"]
    assert maps.SHAPES_FILE.stat().st_size < 1_000_000


def test_no_regions_map_weighs_down_its_pages(db):
    """Whole pixels and no point closer than a pixel to the one before: the largest region's
    outlines stay well under the 150 KB the whole dashboard should weigh (issue #18)."""
    for region in Region.objects.prefetch_related("countries"):
        codes = tuple(sorted(country.m49 for country in region.countries.all()))
        outlines = maps.region_geometry(codes).outlines.values()
        assert sum(len(outline.path) for outline in outlines) < 70_000, region.code
