"""A region's dashboard: headline figures, activities by status, per initiative and expected
result, the matrix of countries by expected results, the LDC/SIDS/LLDC countries not reached,
budgets, people reached, stale activities; links to the report and the downloads; bad input;
the same number of queries with 10 and with 200 activities.

The counting rules and the drill-down totals have their own tests (test_counting_rules.py,
test_drill_down.py); these check what the page shows and links to.
"""

import datetime

import pytest
from django.urls import reverse

from initiatives.models import ActionPlan, Country, ExpectedResult
from tests.factories import ActivityFactory
from tests.reports.dashboard_pages import (
    assert_needs_login,
    build_asp_2026,
    get_with_as_many_queries_at_200_activities_as_at_10,
    links,
    numbers,
    page_tree,
    text,
)

URL = "/dashboard/ASP/?plan=WTDC-25&year=2026"
ASP_RESULTS, ASP_COUNTRIES = 35, 39
LDC, SIDS, LLDC, PIC = 10, 15, 5, 12  # Asia-Pacific's countries in each group during 2026


@pytest.fixture
def signed_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def activities(db):
    return build_asp_2026()


def section(tree, heading_id):
    return tree.xpath(f"//section[@aria-labelledby='{heading_id}']")[0]


def test_it_needs_a_login(client):
    assert_needs_login(client, URL)


def test_headline_tiles_show_activities_coverage_and_countries_reached(signed_in, activities):
    response = signed_in.get(URL)

    assert response.status_code == 200
    tiles = page_tree(response).xpath("//ul[@class='tiles']/li")
    assert [(text(tile), numbers(tile)) for tile in tiles] == [
        ("5 activities", [5]),
        (f"4 of {ASP_RESULTS} expected results covered", [4, ASP_RESULTS]),
        (f"5 of {ASP_COUNTRIES} countries reached", [5, ASP_COUNTRIES]),
        (f"3 of {LDC} LDC countries reached", [3, LDC]),
        (f"2 of {SIDS} SIDS countries reached", [2, SIDS]),
        (f"2 of {LLDC} LLDC countries reached", [2, LLDC]),
        (f"2 of {PIC} PIC countries reached", [2, PIC]),
    ]


def test_activities_by_status_show_as_a_chart_and_as_linked_numbers(signed_in, activities):
    tree = page_tree(signed_in.get(URL))

    by_status = section(tree, "by-status")
    rows = by_status.xpath(".//table/tbody/tr")
    assert [(text(row.xpath("th")[0]), numbers(row)) for row in rows] == [
        ("Planned", [1]),
        ("Ongoing", [2]),
        ("Suspended", [1]),
        ("Completed", [1]),
    ]
    assert numbers(by_status.xpath(".//table/tfoot")[0]) == [5]
    # The planned figure links to the planned activities of the region, plan and year.
    assert links(rows[0]) == ["/activities/?region=ASP&plan=WTDC-25&year=2026&status=planned"]
    chart = by_status.xpath(".//svg")[0]
    assert chart.get("role") == "img"
    assert chart.xpath("title")[0].text == "Activities by status, 2026"
    assert "Planned: 1; Ongoing: 2; Suspended: 1; Completed: 1." in chart.xpath("desc")[0].text
    assert chart.get("aria-labelledby") == "chart-status-title chart-status-desc"


def test_each_expected_result_shows_its_figures_and_whether_it_is_covered(signed_in, activities):
    tree = page_tree(signed_in.get(URL))

    rows = {text(row.xpath("th//abbr")[0]): row for row in tree.xpath("//tr[@class='result-row']")}
    assert len(rows) == ASP_RESULTS

    def shown(code):
        cells = rows[code].xpath("td")
        return numbers(rows[code]), text(cells[4]), text(cells[5])

    # A mean says how many activities it rests on.
    assert shown("ASP1.3") == ([2, 1, 0, 2], "40% (1 of 2 activities reported)", "✓ Covered")
    assert shown("ASP2.1") == ([1, 0, 1, 2], "100% (1 of 1 activity reported)", "✓ Covered")
    no_report = "— no approved report (0 of 1 activity reported)"
    assert shown("ASP4.1") == ([1, 1, 0, 1], no_report, "✓ Covered")
    # A gap: planned work does not cover a result, nor does cancelled work.
    assert shown("ASP3.1") == ([1, 0, 0, 0], no_report, "✗ Not covered")
    assert shown("ASP5.1") == ([0, 0, 0, 0], "— no approved report", "✗ Not covered")
    # Covered or not is said in words, with a mark; the colour only repeats it.
    assert rows["ASP5.1"].xpath(".//span[@class='flag flag-no']")
    assert rows["ASP1.3"].xpath(".//span[@class='flag flag-yes']")


def test_each_initiative_shows_its_totals_and_results_covered(signed_in, activities):
    tree = page_tree(signed_in.get(URL))

    rows = tree.xpath("//tr[@class='initiative-row']")
    assert [text(row.xpath("th//a")[0]) for row in rows] == ["ASP1", "ASP2", "ASP3", "ASP4", "ASP5"]
    asp1 = rows[0]
    # activities, ongoing, completed, countries reached, then 1 of its 5 results covered.
    assert numbers(asp1) == [2, 1, 0, 2, 1, 5]
    assert "1 of 5 covered" in text(asp1)
    assert asp1.xpath("th//a")[0].get("href") == "/initiatives/WTDC-25/ASP1/?plan=WTDC-25&year=2026"


def test_the_matrix_has_a_row_per_country_and_a_column_per_result_grouped_by_initiative(
    signed_in, activities
):
    tree = page_tree(signed_in.get(URL))

    matrix = tree.xpath("//table[@class='matrix']")[0]
    assert text(matrix.xpath("caption")[0]) == "Activities per country and expected result, 2026"
    initiative_heads = matrix.xpath("thead/tr[1]/th[@scope='colgroup']")
    assert [(text(th), th.get("colspan")) for th in initiative_heads] == [
        ("ASP1", "5"),
        ("ASP2", "6"),
        ("ASP3", "8"),
        ("ASP4", "6"),
        ("ASP5", "10"),
    ]
    result_heads = matrix.xpath("thead/tr[2]/th[@scope='col']")
    assert [text(th) for th in result_heads[:3]] == ["ASP1.1", "ASP1.2", "ASP1.3"]
    short_label = ExpectedResult.objects.get(initiative__code="ASP1", number=3).short_label
    assert result_heads[2].xpath("abbr")[0].get("title") == short_label
    rows = matrix.xpath("tbody/tr")
    assert len(rows) == ASP_COUNTRIES
    row_of = {text(row.xpath("th/a")[0]): row for row in rows}

    # Tonga, ASP1.3: one activity, a link to exactly it, shaded.
    tonga = row_of["Tonga"].xpath("td")
    cell = tonga[2]
    assert text(cell) == "1 activity in Tonga for ASP1.3"
    assert cell.xpath("a")[0].get("href") == (
        "/activities/?region=ASP&plan=WTDC-25&year=2026&status=counted&country=TON&result=ASP1.3"
    )
    assert cell.get("class") == "shade-4"
    # An empty cell says so in more than colour: a dash, and "none" for screen readers.
    empty = tonga[0]
    assert empty.get("class") == "shade-0"
    assert text(empty) == "– none" and not empty.xpath("a")
    # Myanmar's only activity is cancelled: its row is all empty.
    assert all(td.get("class") == "shade-0" for td in row_of["Myanmar"].xpath("td"))


def test_matrix_rows_carry_the_groups_of_the_year_lao_pdr_graduating_in_2026(signed_in, activities):
    def lao_badges(year):
        tree = page_tree(signed_in.get(f"/dashboard/ASP/?plan=WTDC-25&year={year}"))
        row = tree.xpath("//table[@class='matrix']/tbody/tr[th/a[contains(., 'Lao')]]")[0]
        return [text(badge) for badge in row.xpath("th/abbr[contains(@class, 'badge')]")]

    assert lao_badges(2026) == ["LDC", "LLDC"]
    assert lao_badges(2027) == ["LLDC"]


def test_it_lists_the_ldc_sids_and_lldc_countries_not_reached_with_links(signed_in, activities):
    tree = page_tree(signed_in.get(URL))

    rows = section(tree, "reach").xpath(".//table[contains(@class, 'unreached-table')]/tbody/tr")
    by_group = {text(row.xpath("th")[0]): row for row in rows}
    assert list(by_group) == ["LDC", "SIDS", "LLDC", "PIC"]
    assert numbers(by_group["LDC"]) == [3, LDC]
    unreached_ldc = [text(a) for a in by_group["LDC"].xpath("td[2]//a")]
    expected = Country.objects.in_region("ASP").in_group_during("LDC", 2026)
    expected = expected.exclude(iso3__in=["LAO", "KHM", "AFG"]).order_by("name")
    assert unreached_ldc == [c.name for c in expected]
    assert "Kiribati" in unreached_ldc  # its only activity is suspended
    assert "Myanmar" in unreached_ldc  # its only activity is cancelled
    kiribati = by_group["LDC"].xpath("td[2]//a[. = 'Kiribati']")[0]
    assert kiribati.get("href") == "/countries/KIR/?plan=WTDC-25&year=2026"
    assert [text(a) for a in by_group["LLDC"].xpath("td[2]//a")] == [
        "Bhutan",
        "Mongolia",
        "Nepal",
    ]


def test_the_financial_table_shows_budget_per_initiative_and_source_in_dollars(
    signed_in, activities
):
    """5,000 USD of the regular budget for ASP3.1; 120,000 USD of the ICT-DF for ASP1.3 and
    ASP3.4, 60,000 each; 80,000 EUR for ASP2.1 that no rate converts."""
    tree = page_tree(signed_in.get(URL))

    rows = section(tree, "finances").xpath(".//tbody/tr")
    shown = [[text(cell) for cell in row.xpath("th|td")] for row in rows]
    assert shown[:3] == [
        [shown[0][0], "All funding sources", "60,000", "0", "0.0%"],
        ["ASP1", "ICT Development Fund", "60,000", "0", "0.0%"],  # its code, its title a hint
        [shown[2][0], "All funding sources", "0 incomplete", "0", "—no budget"],
    ]
    assert [row[0][:5] for row in shown[:3]] == ["ASP1:", "ASP1", "ASP2:"]
    assert shown[-1] == [
        "All initiatives",
        "All funding sources",
        "125,000 incomplete",
        "0",
        "0.0%",
    ]
    assert "80,000 EUR: no rate for January 2026" in text(section(tree, "finances"))


def test_people_reached_count_approved_reports_only(signed_in, activities):
    tree = page_tree(signed_in.get(URL))

    people = section(tree, "people")
    cells = [text(td) for td in people.xpath(".//table//td")]
    assert cells == ["34", "10", "44"]  # the draft's 99 women do not count
    assert numbers(people) == [2]
    assert links(people) == [
        "/activities/?region=ASP&plan=WTDC-25&year=2026&status=counted&reported=2026"
    ]
    assert people.xpath(".//svg/desc")[0].text.endswith("Women: 34; Men: 10.")


def test_stale_activities_show_their_number_and_the_first_twenty(signed_in, activities):
    for n in range(20):
        ActivityFactory(
            title=f"Forgotten {n:02}", start_date=datetime.date(2021, 1, 1), end_date=None
        )

    tree = page_tree(signed_in.get(URL))

    stale = section(tree, "stale")
    titles = [text(a) for a in stale.xpath(".//tbody/tr/th/a")]
    count = numbers(stale)[0]
    assert count >= 21  # the 20 forgotten ones and the Afghanistan one, at least
    assert len(titles) == 20
    assert titles[0] == "Afghanistan emergency telecoms"  # oldest first
    assert "Planned PNG spectrum study" not in titles
    first = stale.xpath(".//tbody/tr/th/a")[0]
    assert first.get("href") == activities["stale"].get_absolute_url()
    assert links(stale)[0] == "/activities/?region=ASP&plan=WTDC-25&stale=1"


def test_it_links_to_the_regional_report_the_json_and_every_table_download(signed_in, activities):
    response = signed_in.get(URL)

    page = response.content.decode()
    assert 'href="/reports/ASP/2026/?plan=WTDC-25"' in page
    assert 'href="?plan=WTDC-25&amp;year=2026&amp;format=json"' in page
    tables = ("initiatives", "results", "matrix", "countries", "unreached", "finances", "stale")
    for table in tables:
        for file_format in ("csv", "xlsx"):
            url = reverse("reports:table_download", args=["ASP", table, file_format])
            assert f'href="{url}?plan=WTDC-25&amp;year=2026"' in page, (table, file_format)


def test_the_picker_shows_the_plan_and_year_and_defaults_to_the_current_ones(signed_in):
    response = signed_in.get("/dashboard/ASP/")

    assert response.status_code == 200
    today = datetime.date.today()
    year = today.year if 2026 <= today.year <= 2029 else 2026
    assert response.context["figures"].year == year
    assert response.context["figures"].plan.code == "WTDC-25"
    tree = page_tree(response)
    assert tree.xpath("//select[@name='plan']/option[@selected]")[0].get("value") == "WTDC-25"
    assert tree.xpath("//input[@name='year']")[0].get("value") == str(year)


def test_another_plan_defaults_to_its_first_year(signed_in):
    ActionPlan.objects.create(
        code="WTDC-22", name="Kigali Action Plan", start_year=2023, end_year=2025
    )

    response = signed_in.get("/dashboard/ASP/?plan=WTDC-22")

    assert response.status_code == 200
    assert response.context["figures"].year == 2023
    assert response.context["figures"].initiatives == []  # the fixtures hold no Kigali ones


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=twenty", "The year is a number such as 2026."),
        ("year=1999", "The year is between 2000 and 2100."),
        ("year=2101", "The year is between 2000 and 2100."),
    ],
)
def test_a_bad_year_answers_400_saying_what_is_wrong(signed_in, query, message):
    response = signed_in.get(f"/dashboard/ASP/?{query}")

    assert response.status_code == 400
    alert = page_tree(response).xpath("//div[@role='alert']")[0]
    assert message in text(alert)
    assert "figures" not in response.context


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/ASP/?plan=WTDC-99",  # no such plan
        "/dashboard/XYZ/",  # no such region
        "/dashboard/asp/",  # region codes are upper case
    ],
)
def test_an_unknown_plan_or_region_is_404(signed_in, url):
    assert signed_in.get(url).status_code == 404


def test_the_main_navigation_marks_dashboards_as_current(signed_in):
    tree = page_tree(signed_in.get(URL))

    link = tree.xpath("//nav[@aria-label='Main']//a[. = 'Dashboards']")[0]
    assert link.get("href") == "/dashboard/"
    assert link.get("aria-current") == "page"


def test_it_takes_as_many_queries_with_200_activities_as_with_10(
    signed_in, django_assert_num_queries
):
    response = get_with_as_many_queries_at_200_activities_as_at_10(
        signed_in, URL, django_assert_num_queries
    )

    assert response.context["figures"].activities_total.value == 200
