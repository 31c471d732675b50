"""Honest averages: a mean percent complete is only of the activities with an approved report,
so wherever one is shown — the region dashboard, the initiative and expected result pages, the
regional report, the table downloads, the JSON and the Word document — it says how many of the
activities it rests on: "100% complete on average (2 of 4 activities reported)"."""

import csv
import io

import docx
import openpyxl
import pytest
from django.urls import reverse
from lxml import html

from activities.models import Activity
from initiatives.models import ActionPlan, Region
from reports.queries.region import region_figures
from tests.factories import ActivityFactory, ProgressReportFactory, approved_report
from tests.reports.dashboard_pages import text

pytestmark = pytest.mark.django_db

BASE = "2 of 4 activities reported"
PERIOD = {"plan": "WTDC-25", "year": 2026}


@pytest.fixture
def activities():
    """Four activities that count in 2026 and advance ASP2.1, two of them with an approved
    report (100 each); of the two others, one has a draft only. ASP2.2 has one activity, not
    reported. The mean of ASP2.1 is 100, but of half its activities."""
    reported = [ActivityFactory(title=f"Reported {n}", expected_results=["ASP2.1"]) for n in (1, 2)]
    for activity in reported:
        approved_report(activity, 2026, 2, percent_complete=100)
    with_draft = ActivityFactory(title="Draft only", expected_results=["ASP2.1"])
    ProgressReportFactory(activity=with_draft, year=2026, quarter=3, percent_complete=90)
    ActivityFactory(title="Not reported", expected_results=["ASP2.1"])
    ActivityFactory(title="Alone", status=Activity.Status.PLANNED, expected_results=["ASP2.2"])
    return reported


def figures():
    return region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), 2026
    )


def page(client, url, params=PERIOD):
    response = client.get(url, params)
    assert response.status_code == 200
    return html.fromstring(response.content)


def tiles(tree):
    """The page's tiles as (value, label)."""
    return [
        (
            text(tile.xpath(".//*[@class='tile-value']")[0]),
            text(tile.xpath(".//*[@class='tile-label']")[0]),
        )
        for tile in tree.xpath("//ul[@class='tiles']/li")
    ]


# --- The figures ------------------------------------------------------------------------------


def test_each_mean_knows_the_activities_it_rests_on(activities):
    figs = figures()
    result = next(r for r in figs.results if r.result.code == "ASP2.1")
    initiative = next(i for i in figs.initiatives if i.initiative.code == "ASP2")

    assert (result.percent_complete, result.activities_reported) == (100, 2)
    assert result.percent_complete_base == BASE
    # The initiative: the five activities of its results, each once.
    assert (initiative.percent_complete, initiative.activities_reported) == (100, 2)
    assert initiative.percent_complete_base == "2 of 5 activities reported"
    alone = next(r for r in figs.results if r.result.code == "ASP2.2")
    assert (alone.percent_complete, alone.percent_complete_base) == (
        None,
        "0 of 1 activity reported",
    )
    nothing = next(r for r in figs.results if r.result.code == "ASP5.1")
    assert nothing.percent_complete_base == ""


def test_the_base_costs_no_query_of_its_own(activities, django_assert_num_queries):
    figs = figures()
    figs.initiatives  # noqa: B018  (the figures, counted)

    with django_assert_num_queries(0):
        bases = [r.percent_complete_base for r in figs.results]
        bases += [i.percent_complete_base for i in figs.initiatives]

    assert BASE in bases


# --- The pages --------------------------------------------------------------------------------


def test_the_dashboard_says_the_base_of_each_mean(viewer_client, activities):
    tree = page(viewer_client, "/dashboard/ASP/")

    result_row = next(
        row
        for row in tree.xpath("//tr[@class='result-row']")
        if text(row.xpath("th//abbr")[0]) == "ASP2.1"
    )
    assert text(result_row.xpath("td")[4]) == f"100% ({BASE})"
    initiative_row = next(
        row for row in tree.xpath("//tr[@class='initiative-row']") if "ASP2:" in text(row)
    )
    assert text(initiative_row.xpath("td")[4]) == "100% (2 of 5 activities reported)"


def test_the_initiative_page_says_the_base_of_each_mean(viewer_client, activities):
    tree = page(viewer_client, "/initiatives/WTDC-25/ASP2/")

    assert (
        "100%",
        "complete on average, by the latest approved reports (2 of 5 activities reported)",
    ) in tiles(tree)
    row = tree.xpath("//tr[@id='ASP2.1']")[0]
    assert text(row.xpath("td")[4]) == f"100% ({BASE})"


def test_the_result_page_says_the_base_of_its_mean(viewer_client, activities):
    tree = page(viewer_client, "/initiatives/WTDC-25/ASP2/results/1/")

    assert (
        "100%",
        f"complete on average, by the latest approved reports ({BASE})",
    ) in tiles(tree)


def test_the_regional_report_says_the_base_of_each_mean(viewer_client, activities):
    tree = page(viewer_client, "/reports/ASP/2026/", {"plan": "WTDC-25", "initiative": "ASP2"})

    figures_line = text(tree.xpath("//h3[starts-with(., 'ASP2.1:')]/../p")[0])
    assert figures_line.endswith(f"· 100% complete on average ({BASE})")


# --- The files --------------------------------------------------------------------------------


def table(client, name, file_format):
    url = reverse("reports:table_download", args=["ASP", name, file_format])
    response = client.get(url, PERIOD)
    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, *rows = rows
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_table_downloads_put_the_base_beside_each_mean(viewer_client, activities, file_format):
    results = {row["expected result"]: row for row in table(viewer_client, "results", file_format)}
    initiatives = {
        row["initiative"]: row for row in table(viewer_client, "initiatives", file_format)
    }

    def shown(row, *columns):  # as text: the CSV's cells are text, the XLSX's numbers
        return ["" if row[column] is None else str(row[column]) for column in columns]

    columns = ("activities", "percent complete", "activities reported")
    assert shown(results["ASP2.1"], *columns) == ["4", "100", "2"]
    assert shown(results["ASP2.2"], *columns) == ["1", "", "0"]
    assert shown(initiatives["ASP2"], *columns) == ["5", "100", "2"]


def test_the_json_gives_the_base_beside_each_mean(viewer_client, activities):
    response = viewer_client.get("/dashboard/ASP/", {**PERIOD, "format": "json"})

    results = {r["code"]: r for r in response.json()["expected_results"]}
    assert {k: results["ASP2.1"][k] for k in ("activities", "percent_complete")} == {
        "activities": 4,
        "percent_complete": 100,
    }
    assert results["ASP2.1"]["activities_reported"] == 2
    assert results["ASP2.2"]["activities_reported"] == 0


def test_the_word_document_says_the_base_of_each_mean(viewer_client, activities):
    response = viewer_client.get(
        reverse("reports:regional_report_download", args=["ASP", 2026, "docx"])
    )

    paragraphs = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    heading = next(i for i, p in enumerate(paragraphs) if p.startswith("ASP2.1:"))
    assert paragraphs[heading + 1] == f"In figures: 100 % complete on average ({BASE})"
    # No mean, no line: ASP2.2's one activity has no approved report.
    heading = next(i for i, p in enumerate(paragraphs) if p.startswith("ASP2.2:"))
    assert not paragraphs[heading + 1].startswith("In figures")
