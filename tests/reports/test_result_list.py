"""The dashboard's list of a region's expected results (/dashboard/ASP/results/): covered or
not, of one initiative, with their figures; its count equals the coverage figure that links to
it; bad filters answer 400 with a message; queries."""

import pytest

from tests.reports.dashboard_pages import (
    assert_needs_login,
    build_asp_2026,
    get_with_as_many_queries_at_200_activities_as_at_10,
    page_tree,
    text,
)

URL = "/dashboard/ASP/results/?plan=WTDC-25&year=2026"


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def activities(db):
    return build_asp_2026()


def codes(response):
    rows = page_tree(response).xpath("//tr[@class='result-row']")
    return [text(row.xpath("th//abbr")[0]) for row in rows]


def test_it_needs_a_login(client):
    assert_needs_login(client, URL)


def test_it_lists_the_covered_results_with_their_figures(signed_in, activities):
    response = signed_in.get(URL + "&covered=yes")

    assert response.status_code == 200
    assert codes(response) == ["ASP1.3", "ASP2.1", "ASP3.4", "ASP4.1"]
    tree = page_tree(response)
    assert text(tree.xpath("//h1")[0]) == "Expected results covered in 2026 — Asia and the Pacific"
    assert text(tree.xpath("//p[@class='result-count']")[0]) == "4 expected results"
    # Each under its initiative's row; the initiatives without a covered result are left out.
    initiatives = [
        text(row.xpath("th/a")[0]) for row in tree.xpath("//tr[@class='initiative-row']")
    ]
    assert initiatives == ["ASP1", "ASP2", "ASP3", "ASP4"]


def test_it_lists_an_initiatives_results_not_covered(signed_in, activities):
    response = signed_in.get(URL + "&covered=no&initiative=ASP3")

    assert codes(response) == ["ASP3.1", "ASP3.2", "ASP3.3", "ASP3.5", "ASP3.6", "ASP3.7", "ASP3.8"]
    assert text(page_tree(response).xpath("//h1")[0]) == (
        "Expected results of ASP3 not covered in 2026 — Asia and the Pacific"
    )
    rows = page_tree(response).xpath("//tr[@class='result-row']")
    assert {text(row.xpath("td")[5]) for row in rows} == {"✗ Not covered"}


def test_without_filters_it_lists_every_result_of_the_region(signed_in, activities):
    response = signed_in.get(URL)

    assert len(codes(response)) == 35
    assert codes(response)[:2] == ["ASP1.1", "ASP1.2"]


def test_a_region_with_no_covered_result_lists_none(signed_in):
    response = signed_in.get(URL + "&covered=yes")

    assert response.status_code == 200
    assert codes(response) == []
    assert "0 expected results" in response.content.decode()


def test_its_count_equals_each_coverage_figure_of_the_dashboard_that_links_here(
    signed_in, activities
):
    figures = signed_in.get("/dashboard/ASP/?plan=WTDC-25&year=2026").context["figures"]
    linked = [*figures.coverage]
    linked += [f for i in figures.initiatives for f in (i.covered, i.results_total)]

    for figure in linked:
        response = signed_in.get(figure.url)
        assert len(response.context["results"]) == figure.value, figure.url
        assert len(codes(response)) == figure.value, figure.url


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("covered=perhaps", "Covered “perhaps”: Select a valid choice."),
        ("initiative=ASP9", "Initiative “ASP9”: Select a valid choice."),
    ],
)
def test_an_unknown_filter_answers_400_with_a_message(signed_in, query, message):
    response = signed_in.get(f"{URL}&{query}")

    assert response.status_code == 400
    assert message in text(page_tree(response).xpath("//div[@role='alert']")[0])
    assert "results" not in response.context


def test_a_bad_year_answers_400_and_an_unknown_plan_or_region_404(signed_in):
    assert signed_in.get("/dashboard/ASP/results/?year=3000").status_code == 400
    assert signed_in.get("/dashboard/ASP/results/?plan=NOPE").status_code == 404
    assert signed_in.get("/dashboard/Asp/results/").status_code == 404


def test_it_takes_as_many_queries_with_200_activities_as_with_10(
    signed_in, django_assert_num_queries
):
    url = URL + "&covered=yes"
    response = get_with_as_many_queries_at_200_activities_as_at_10(
        signed_in, url, django_assert_num_queries
    )

    assert response.context["figures"].activities_total.value == 200
