"""The dashboard's list of a region's countries (/dashboard/ASP/countries/): what a country
figure counts — by group, reached or not, reached by an expected result's or an initiative's
activities — titled with what it lists; its count equals the figure that links to it; bad
filters answer 400 with a message; queries."""

import pytest

from tests.reports.dashboard_pages import (
    assert_needs_login,
    build_asp_2026,
    get_with_as_many_queries_at_200_activities_as_at_10,
    numbers,
    page_tree,
    text,
)

URL = "/dashboard/ASP/countries/?plan=WTDC-25&year=2026"


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def activities(db):
    return build_asp_2026()


def listed(response):
    """(country name, badges, activities, reached) of each row of the list."""
    rows = page_tree(response).xpath("//table[contains(@class, 'country-list')]/tbody/tr")
    return [
        (
            text(row.xpath("th/a")[0]),
            [text(badge) for badge in row.xpath(".//abbr[contains(@class, 'badge')]")],
            numbers(row)[0],
            text(row.xpath("td")[2]),
        )
        for row in rows
    ]


def test_it_needs_a_login(client):
    assert_needs_login(client, URL)


def test_it_lists_the_ldc_countries_reached_with_a_title_that_says_so(signed_in, activities):
    response = signed_in.get(URL + "&group=LDC&reached=yes")

    assert response.status_code == 200
    assert listed(response) == [
        ("Afghanistan", ["LDC", "LLDC"], 1, "✓ Reached"),
        ("Cambodia", ["LDC"], 1, "✓ Reached"),
        ("Lao People's Democratic Republic", ["LDC", "LLDC"], 1, "✓ Reached"),
    ]
    tree = page_tree(response)
    assert text(tree.xpath("//h1")[0]) == "LDC countries reached in 2026 — Asia and the Pacific"
    assert text(tree.xpath("//p[@class='result-count']")[0]) == "3 countries"


def test_the_ldc_countries_not_reached_include_the_suspended_and_cancelled_ones(
    signed_in, activities
):
    response = signed_in.get(URL + "&group=LDC&reached=no")

    names = [name for name, *_ in listed(response)]
    assert "Kiribati" in names and "Myanmar" in names
    assert len(names) == 10 - 3
    assert all(reached == "✗ Not reached" for *_, reached in listed(response))
    assert text(page_tree(response).xpath("//h1")[0]).startswith("LDC countries not reached")


def test_lao_pdr_is_an_ldc_in_2026_and_not_in_2027(signed_in, activities):
    def ldc_names(year):
        response = signed_in.get(f"/dashboard/ASP/countries/?plan=WTDC-25&year={year}&group=LDC")
        return [name for name, *_ in listed(response)]

    assert "Lao People's Democratic Republic" in ldc_names(2026)
    assert "Lao People's Democratic Republic" not in ldc_names(2027)


def test_reached_by_an_expected_result_counts_its_ongoing_and_completed_activities_only(
    signed_in, activities
):
    # ASP1.3: the ongoing Pacific activity (Tonga, Fiji) and the suspended one in Kiribati.
    response = signed_in.get(URL + "&result=ASP1.3&reached=yes")

    assert [name for name, *_ in listed(response)] == ["Fiji", "Tonga"]
    assert text(page_tree(response).xpath("//h1")[0]) == (
        "Countries reached by ASP1.3 in 2026 — Asia and the Pacific"
    )


def test_reached_by_an_initiative_counts_the_activities_of_all_its_results(signed_in, activities):
    response = signed_in.get(URL + "&initiative=ASP2&reached=yes")

    assert [name for name, *_ in listed(response)] == [
        "Cambodia",
        "Lao People's Democratic Republic",
    ]


def test_without_filters_it_lists_every_country_of_the_region(signed_in, activities):
    response = signed_in.get(URL)

    rows = listed(response)
    assert len(rows) == 39
    assert ("Tonga", ["SIDS", "PIC"], 1, "✓ Reached") in rows
    assert ("Kiribati", ["LDC", "SIDS", "PIC"], 1, "✗ Not reached") in rows


def test_its_count_equals_each_reach_figure_of_the_dashboard_that_links_here(signed_in, activities):
    dashboard = signed_in.get("/dashboard/ASP/?plan=WTDC-25&year=2026")
    figures = dashboard.context["figures"]
    linked = [f for reach in figures.reach for f in (reach.total, reach.reached)]
    linked += [r.countries_reached for r in figures.results if r.countries_reached.value]
    linked += [i.countries_reached for i in figures.initiatives]

    for figure in linked:
        response = signed_in.get(figure.url)
        count = text(page_tree(response).xpath("//p[@class='result-count']")[0])
        assert len(response.context["countries"]) == figure.value, figure.url
        assert count.split()[0] == str(figure.value), figure.url


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("group=XYZ", "Group “XYZ”: Select a valid choice."),
        ("reached=maybe", "Reached “maybe”: Select a valid choice."),
        ("result=ASP9.9", "Expected result “ASP9.9”: Select a valid choice."),
        ("initiative=AFR1", "Initiative “AFR1”: Select a valid choice."),
        ("result=ASP1.3&initiative=ASP1", "Choose an expected result or an initiative, not both."),
    ],
)
def test_an_unknown_filter_answers_400_with_a_message(signed_in, query, message):
    response = signed_in.get(f"{URL}&{query}")

    assert response.status_code == 400
    assert message in text(page_tree(response).xpath("//div[@role='alert']")[0])
    assert "countries" not in response.context


def test_a_bad_year_answers_400_and_an_unknown_plan_or_region_404(signed_in):
    assert signed_in.get("/dashboard/ASP/countries/?year=20x6").status_code == 400
    assert signed_in.get("/dashboard/ASP/countries/?plan=NOPE").status_code == 404
    assert signed_in.get("/dashboard/QQQ/countries/").status_code == 404


def test_it_takes_as_many_queries_with_200_activities_as_with_10(
    signed_in, django_assert_num_queries
):
    url = URL + "&group=SIDS&reached=no"
    response = get_with_as_many_queries_at_200_activities_as_at_10(
        signed_in, url, django_assert_num_queries
    )

    assert response.context["figures"].activities_total.value == 200
