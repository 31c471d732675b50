"""Downloads: each dashboard table as CSV and XLSX (/dashboard/<REGION>/tables/<table>.<fmt>) and
the regional report as XLSX and DOCX (/reports/<REGION>/<YEAR>/report.<fmt>). Each file holds
exactly the figures, read back with `csv`, openpyxl and python-docx; text that starts like a
formula is escaped, never run; bad names answer 404; anonymous visitors log in first."""

import csv
import datetime
import decimal
import io

import docx
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, FundingSource, ProgressReport
from initiatives.models import ActionPlan, Country, ExpectedResult, Initiative, Region
from reports.exports import TABLES
from reports.queries.region import region_figures
from tests.factories import (
    ActivityFactory,
    ExchangeRateFactory,
    ProgressReportFactory,
    approved_report,
    expected_result,
)

pytestmark = pytest.mark.django_db

Status = Activity.Status
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def table_url(table, file_format, **params):
    url = reverse("reports:table_download", args=["ASP", table, file_format])
    return url, {"plan": "WTDC-25", "year": 2026, **params}


def report_url(file_format, year=2026):
    return reverse("reports:regional_report_download", args=["ASP", year, file_format])


def csv_rows(response):
    """The rows of a CSV download, the header first; the file must start with a BOM."""
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def download_table(client, table):
    """The table's rows from its CSV and from its XLSX download (header first)."""
    url, params = table_url(table, "csv")
    from_csv = csv_rows(client.get(url, params))
    url, params = table_url(table, "xlsx")
    book = workbook(client.get(url, params))
    assert len(book.sheetnames) == 1
    return from_csv, sheet_rows(book.active)


def as_csv(value):
    """An XLSX cell's value as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


@pytest.fixture
def activities():
    """Three activities of 2026 in Asia-Pacific whose figures are known."""
    return {
        "ongoing": ActivityFactory(
            title="IXP feasibility study",
            countries=["TON", "FJI"],
            expected_results=["ASP1.3", "ASP3.4"],
            budget=("1000.00", FundingSource.ICT_DF, "USD"),
        ),
        "completed": ActivityFactory(
            title="Spectrum training",
            status=Status.COMPLETED,
            countries=["TON"],
            expected_results=["ASP1.3"],
            budget=("500.00", FundingSource.ICT_DF, "EUR"),
        ),
        "planned": ActivityFactory(
            title="Broadband plan",
            status=Status.PLANNED,
            countries=["AFG"],
            expected_results=["ASP2.1"],
        ),
    }


def asp_figures(year=2026):
    return region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), year
    )


# --- Each table's content equals the figures


def test_the_matrix_holds_the_number_of_activities_per_country_and_result(
    viewer_client, activities
):
    from_csv, from_xlsx = download_table(viewer_client, "matrix")

    codes = [r.result.code for r in asp_figures().results]
    assert len(codes) == 35
    assert from_csv[0] == ["country", "ISO alpha-3", "groups", *codes]
    assert from_xlsx[0] == from_csv[0]
    rows = {row[1]: dict(zip(from_xlsx[0], row, strict=True)) for row in from_xlsx[1:]}
    assert len(rows) == Country.objects.filter(region__code="ASP").count()
    assert rows["TON"]["ASP1.3"] == 2
    assert rows["TON"]["ASP3.4"] == 1
    assert rows["FJI"]["ASP1.3"] == 1
    assert rows["AFG"]["ASP2.1"] == 1
    assert rows["AFG"]["groups"] == "LDC; LLDC"
    assert rows["AFG"]["country"] == "Afghanistan"
    total = sum(value for row in rows.values() for value in list(row.values())[3:])
    assert total == 6  # Tonga 2 + 1, Fiji 1 + 1, Afghanistan 1
    assert [[as_csv(value) for value in row] for row in from_xlsx] == from_csv


def test_the_results_table_holds_each_result_with_its_figures(viewer_client, activities):
    from_csv, from_xlsx = download_table(viewer_client, "results")

    header = from_xlsx[0]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in from_xlsx[1:]}
    assert len(rows) == 35
    assert rows["ASP1.3"] | {"text": None} == {
        "expected result": "ASP1.3",
        "initiative": "ASP1",
        "text": None,
        "activities": 2,
        "ongoing": 1,
        "completed": 1,
        "countries reached": 2,
        "covered": "yes",
        "percent complete": None,
        "activities reported": 0,
    }
    assert rows["ASP1.3"]["text"] == expected_result("ASP1.3").text
    assert rows["ASP2.1"]["activities"] == 1
    assert rows["ASP2.1"]["countries reached"] == 0  # a planned activity reaches nobody yet
    assert rows["ASP2.1"]["covered"] == "no"
    assert [[as_csv(value) for value in row] for row in from_xlsx] == from_csv


def test_the_initiatives_table_counts_each_activity_once(viewer_client, activities):
    approved_report(activities["ongoing"], 2026, 2, percent_complete=40)
    approved_report(activities["completed"], 2026, 1, percent_complete=100)

    from_csv, from_xlsx = download_table(viewer_client, "initiatives")

    rows = {row[0]: dict(zip(from_xlsx[0], row, strict=True)) for row in from_xlsx[1:]}
    assert list(rows) == ["ASP1", "ASP2", "ASP3", "ASP4", "ASP5"]
    assert rows["ASP1"]["activities"] == 2
    assert rows["ASP1"]["countries reached"] == 2
    assert rows["ASP1"]["expected results covered"] == 1
    assert rows["ASP1"]["expected results"] == 5
    assert rows["ASP1"]["percent complete"] == 70
    assert rows["ASP3"]["percent complete"] == 40
    assert rows["ASP4"]["activities"] == 0
    assert rows["ASP4"]["percent complete"] is None
    assert [[as_csv(value) for value in row] for row in from_xlsx] == from_csv


def test_the_countries_table_says_which_countries_are_reached(viewer_client, activities):
    from_csv, from_xlsx = download_table(viewer_client, "countries")

    rows = {row[1]: dict(zip(from_xlsx[0], row, strict=True)) for row in from_xlsx[1:]}
    assert rows["TON"]["activities"] == 2
    assert rows["TON"]["expected results advanced"] == 2
    assert rows["TON"]["reached"] == "yes"
    assert rows["AFG"]["activities"] == 1
    assert rows["AFG"]["reached"] == "no"
    assert rows["NPL"]["activities"] == 0
    assert [[as_csv(value) for value in row] for row in from_xlsx] == from_csv


def test_the_unreached_table_lists_the_group_countries_not_reached(viewer_client, activities):
    from_csv, from_xlsx = download_table(viewer_client, "unreached")

    rows = {(group, iso3) for group, _, iso3 in from_xlsx[1:]}
    assert ("LDC", "AFG") in rows
    assert ("LLDC", "AFG") in rows
    assert ("SIDS", "TON") not in rows
    assert ("SIDS", "FJI") not in rows
    expected = {
        (reach.code, country.iso3)
        for reach in asp_figures().group_reach
        for country in reach.unreached
    }
    assert rows == expected
    assert len(from_xlsx) == len(expected) + 1
    assert [[as_csv(value) for value in row] for row in from_xlsx] == from_csv


def test_the_finances_table_holds_the_dashboards_figures(viewer_client, activities):
    """1,000 USD of the ICT-DF for ASP1.3 and ASP3.4 (500 each), 500 EUR for ASP1.3 at 0.5
    EUR a dollar (1,000 USD); no rate for the EUR in the CSV's second run."""
    ExchangeRateFactory(currency="EUR", rate=decimal.Decimal("0.5"))
    from_csv, from_xlsx = download_table(viewer_client, "finances")

    assert from_xlsx[0] == [
        "initiative",
        "funding source",
        "budget (USD)",
        "spent (USD)",
        "execution rate (%)",
        "complete",
    ]
    rows = {(row[0][:4], row[1]): row[2:] for row in from_xlsx[1:]}
    assert rows["ASP1", "ICT Development Fund"] == [1500, 0, 0, "yes"]
    assert rows["ASP3", "ICT Development Fund"] == [500, 0, 0, "yes"]
    assert rows["All ", "All funding sources"] == [2000, 0, 0, "yes"]
    assert ["All initiatives", "All funding sources", "2000.00", "0.00", "0.0", "yes"] in from_csv


def test_the_finances_table_names_the_amounts_without_a_rate(viewer_client, activities):
    _from_csv, from_xlsx = download_table(viewer_client, "finances")

    assert from_xlsx[-1] == [
        "Missing exchange rate",
        "EUR 2026-01",
        None,
        None,
        None,
        "500.00 EUR not converted",
    ]


def test_the_stale_table_lists_every_stale_activity(viewer_client):
    for index in range(25):  # more than the dashboard shows
        ActivityFactory(
            title=f"Stale {index:02}", start_date=datetime.date(2025, 1, 6), end_date=None
        )
    reported = ActivityFactory(title="Reported", start_date=datetime.date(2025, 1, 6))
    for year, quarter in [(2025, 4), (2026, 1), (2026, 2), (2026, 3), (2026, 4)]:
        approved_report(reported, year, quarter)

    from_csv, from_xlsx = download_table(viewer_client, "stale")

    assert from_xlsx[0] == ["activity", "reference", "start date", "end date", "focal point"]
    titles = [row[0] for row in from_xlsx[1:]]
    assert titles == [f"Stale {index:02}" for index in range(25)]
    assert from_xlsx[1][2] == datetime.datetime(2025, 1, 6)
    assert from_csv[1][:4] == ["Stale 00", "", "2025-01-06", ""]


def test_every_table_downloads_with_a_file_name_and_as_an_attachment(viewer_client, activities):
    for table in TABLES:
        for file_format, content_type in [("csv", "text/csv"), ("xlsx", XLSX_TYPE)]:
            url, params = table_url(table, file_format)
            response = viewer_client.get(url, params)
            assert response.status_code == 200, table
            assert response["Content-Type"].startswith(content_type)
            assert response["Content-Disposition"] == (
                f'attachment; filename="ASP-2026-{table}.{file_format}"'
            )


def test_the_year_and_plan_choose_the_figures(viewer_client, activities):
    url, params = table_url("matrix", "csv", year=2027)
    rows = csv_rows(viewer_client.get(url, params))

    tonga = next(row for row in rows if row[1] == "TON")
    assert set(tonga[3:]) == {"0"}  # the activities end in 2026
    response = viewer_client.get(url, params)
    assert 'filename="ASP-2027-matrix.csv"' in response["Content-Disposition"]


# --- Formula injection: text that starts like a formula is escaped, never run

DANGEROUS_TITLE = '=HYPERLINK("http://evil.example","Click")'
DANGEROUS_RESULT = "+cmd|' /C calc'!A0"
DANGEROUS_COUNTRY = "@SUM(1+1)*cmd"
DANGEROUS_INITIATIVE = "-2+3"


@pytest.fixture
def dangerous():
    """An activity, an expected result, a country and an initiative whose texts start like
    formulas (reference data can be edited in the admin)."""
    result = expected_result("ASP1.3")
    ExpectedResult.objects.filter(pk=result.pk).update(text=DANGEROUS_RESULT)
    Initiative.objects.filter(pk=result.initiative_id).update(title=DANGEROUS_INITIATIVE)
    Country.objects.filter(iso3="TON").update(name=DANGEROUS_COUNTRY)
    activity = ActivityFactory(
        title=DANGEROUS_TITLE,
        countries=["TON"],
        expected_results=["ASP1.3"],
        start_date=datetime.date(2025, 1, 6),
        end_date=None,
    )
    approved_report(activity, 2026, 1, achievements="@achieved", challenges="\tTabbed")
    return activity


ESCAPED = {
    "matrix": [DANGEROUS_COUNTRY],
    "results": [DANGEROUS_RESULT],
    "initiatives": [DANGEROUS_INITIATIVE],
    "countries": [DANGEROUS_COUNTRY],
    "stale": [DANGEROUS_TITLE],
}


@pytest.mark.parametrize("table", ESCAPED)
def test_text_that_starts_like_a_formula_is_escaped_in_csv_and_xlsx(
    viewer_client, dangerous, table
):
    url, params = table_url(table, "csv")
    from_csv = csv_rows(viewer_client.get(url, params))
    url, params = table_url(table, "xlsx")
    sheet = workbook(viewer_client.get(url, params)).active
    csv_cells = {cell for row in from_csv for cell in row}
    xlsx_cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    for text in ESCAPED[table]:
        assert "'" + text in csv_cells
        assert text not in csv_cells
        cell = xlsx_cells["'" + text]
        assert cell.data_type == "s"  # text, never a formula
        assert text not in xlsx_cells
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    if table != "stale":  # numbers stay numbers
        assert any(cell.data_type == "n" and cell.value for cell in xlsx_cells.values())


def test_the_report_workbook_escapes_text_that_starts_like_a_formula(viewer_client, dangerous):
    book = workbook(viewer_client.get(report_url("xlsx")))

    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    values = {cell.value for cell in cells}
    for text in [DANGEROUS_TITLE, "@achieved", "\tTabbed", DANGEROUS_COUNTRY]:
        assert "'" + text in values
        assert text not in values
    assert all(cell.data_type != "f" for cell in cells)


# --- The regional report's files


@pytest.fixture
def reported(activities):
    approved_report(
        activities["ongoing"],
        2026,
        1,
        achievements="Approved: the study's first draft went to the regulator.",
        challenges="Approved: the consultant left.",
        percent_complete=30,
    )
    ProgressReportFactory(
        activity=activities["ongoing"],
        year=2026,
        quarter=2,
        state=ProgressReport.State.DRAFT,
        achievements="Draft: not for anyone's eyes.",
    )
    ProgressReportFactory(
        activity=activities["completed"],
        year=2026,
        quarter=3,
        state=ProgressReport.State.SUBMITTED,
        achievements="Submitted: not reviewed yet.",
    )
    return activities


def test_the_report_workbook_has_a_summary_the_activities_and_the_matrix(viewer_client, reported):
    response = viewer_client.get(report_url("xlsx"), {"plan": "WTDC-25"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="ASP-2026-regional-report.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == ["Summary", "Indicators", "Activities", "Matrix", "Finances"]

    summary = {row[0]: tuple(row[1:]) for row in sheet_rows(book["Summary"])[1:]}
    assert summary["Year"] == (2026, None)
    assert summary["Activities"] == (3, None)
    assert summary["Activities: Planned"] == (1, None)
    assert summary["Activities: Ongoing"] == (1, None)
    assert summary["Activities: Completed"] == (1, None)
    assert summary["Expected results covered"] == (2, 35)
    assert summary["Countries reached: LDC"][0] == 0

    header, *rows = sheet_rows(book["Activities"])
    assert header[:3] == ["initiative", "expected result", "activity"]
    by_key = {(row[1], row[2]): dict(zip(header, row, strict=True)) for row in rows}
    study = by_key["ASP1.3", "IXP feasibility study"]
    assert study["countries"] == "FJI; TON"
    assert study["status"] == "Ongoing"
    assert study["latest approved report"] == "2026 Q1"
    assert study["percent complete"] == 30
    assert study["achievements"] == "Approved: the study's first draft went to the regulator."
    assert by_key["ASP3.4", "IXP feasibility study"]["percent complete"] == 30
    assert by_key["ASP1.3", "Spectrum training"]["latest approved report"] is None
    # 35 results: 3 with activities (4 rows), 32 without (one empty row each).
    assert len(rows) == 4 + 32
    assert by_key["ASP1.1", None]["status"] is None
    texts = {value for row in rows for value in row}
    assert "Draft: not for anyone's eyes." not in texts
    assert "Submitted: not reviewed yet." not in texts

    matrix = sheet_rows(book["Matrix"])
    tonga = next(row for row in matrix if row[1] == "TON")
    assert tonga[matrix[0].index("ASP1.3")] == 2


def test_the_report_document_holds_every_initiative_and_only_approved_text(viewer_client, reported):
    response = viewer_client.get(report_url("docx"), {"plan": "WTDC-25"})

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="ASP-2026-regional-report.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for initiative in Initiative.objects.filter(region__code="ASP"):
        assert f"{initiative.code}: {initiative.title}" in headings
    assert headings.count("IXP feasibility study") == 2  # under ASP1.3 and ASP3.4
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Approved: the study's first draft went to the regulator." in text
    assert "Approved: the consultant left." in text
    assert "Draft: not for anyone's eyes." not in text
    assert "Submitted: not reviewed yet." not in text
    assert text.count("No activity yet.") == 32
    # The summary, the indicators of each initiative, one matrix per initiative, the countries
    # not reached, the budget and expenditure.
    assert len(document.tables) == 1 + 5 + 5 + 1 + 1
    unreached = document.tables[-2]
    ldc = next(row for row in unreached.rows if row.cells[0].text == "LDC")
    assert "Afghanistan" in ldc.cells[2].text


def test_a_text_with_control_characters_still_makes_a_document(viewer_client, activities):
    approved_report(activities["ongoing"], 2026, 1, achievements="Pasted\x0bfrom\x01Word")

    response = viewer_client.get(report_url("docx"))

    document = docx.Document(io.BytesIO(response.content))
    assert "Achievements: PastedfromWord" in [p.text for p in document.paragraphs]
    book = workbook(viewer_client.get(report_url("xlsx")))
    assert "PastedfromWord" in {row[8] for row in sheet_rows(book["Activities"])}


# --- Bad names, permissions, queries


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/dashboard/ASP/tables/budget.csv", {}, 404),
        ("/dashboard/ASP/tables/matrix.pdf", {}, 404),
        ("/dashboard/ASP/tables/matrix.CSV", {}, 404),
        ("/dashboard/XYZ/tables/matrix.csv", {}, 404),
        ("/dashboard/asp/tables/matrix.csv", {}, 404),
        ("/dashboard/ASP/tables/matrix.csv", {"plan": "WTDC-99"}, 404),
        ("/dashboard/ASP/tables/matrix.csv", {"year": "20x6"}, 400),
        ("/dashboard/ASP/tables/matrix.csv", {"year": "1999"}, 400),
        ("/reports/ASP/2026/report.pdf", {}, 404),
        ("/reports/ASP/2026/report.csv", {}, 404),
        ("/reports/XYZ/2026/report.xlsx", {}, 404),
        ("/reports/ASP/2026/report.docx", {"plan": "WTDC-99"}, 404),
        ("/reports/ASP/2101/report.docx", {}, 400),
    ],
)
def test_unknown_tables_formats_regions_and_plans_answer_404(viewer_client, url, params, status):
    assert viewer_client.get(url, params).status_code == status


@pytest.mark.parametrize(
    "url",
    ["/dashboard/ASP/tables/matrix.csv", "/reports/ASP/2026/report.xlsx"],
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_number_of_queries_does_not_grow_with_the_activities(viewer_client):
    urls = [
        table_url("matrix", "xlsx"),
        table_url("stale", "csv"),
        (report_url("xlsx"), {}),
        (report_url("docx"), {}),
    ]

    def populate(count):
        for index in range(count):
            activity = ActivityFactory(
                countries=["TON", "FJI"],
                expected_results=["ASP1.3", "ASP3.4"],
                start_date=datetime.date(2025, 6, 1),
                end_date=None,
            )
            if index % 2:
                approved_report(activity, 2026, 1)

    def queries():
        counts = []
        for url, params in urls:
            with CaptureQueriesContext(connection) as context:
                assert viewer_client.get(url, params).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    populate(10)
    few = queries()
    populate(190)
    assert queries() == few


# --- Indicators


@pytest.fixture
def people_trained(activities):
    """A reported indicator of ASP1.3 with a target for 2026, and two approved values."""
    from activities.models import IndicatorValue
    from initiatives.models import Indicator, Target

    indicator = Indicator.objects.create(
        expected_result=expected_result("ASP1.3"),
        code="1",
        name="People trained",
        baseline_value=decimal.Decimal(12),
        baseline_year=2025,
    )
    Target.objects.create(indicator=indicator, year=2026, value=100)
    for quarter, amount in ((1, 30), (2, 15)):
        report = approved_report(activities["ongoing"], 2026, quarter)
        IndicatorValue.objects.create(report=report, indicator=indicator, value=amount)
    return indicator


def test_the_indicators_table_holds_each_indicator_with_its_target_and_actual(
    viewer_client, people_trained
):
    from_csv, from_xlsx = download_table(viewer_client, "indicators")

    header = from_xlsx[0]
    rows = {row[3]: dict(zip(header, row, strict=True)) for row in from_xlsx[1:]}
    row = rows["ASP1.3-1"]
    figures = next(
        f for f in asp_figures().indicators_by_result[people_trained.expected_result_id]
        if f.indicator == people_trained
    )  # fmt: skip
    assert (row["baseline"], row["baseline year"], row["target"], row["actual"]) == (
        12,
        2025,
        100,
        45,
    )
    assert (row["percent of target"], row["status"]) == (figures.percent, figures.status_label)
    assert rows["ASP1.3-CR"]["actual"] == 2  # Tonga and Fiji: the dashboard's own figure
    assert len(from_xlsx) == 1 + 35 * 6 + 1  # every result's computed ones, and ours
    assert from_csv == [[as_csv(value) for value in row] for row in from_xlsx]


def test_the_report_document_gives_each_initiatives_indicators(viewer_client, people_trained):
    response = viewer_client.get(report_url("docx"), {"plan": "WTDC-25"})

    document = docx.Document(io.BytesIO(response.content))
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    row = next(row for row in cells if row[1] == "ASP1.3-1 People trained")
    assert row[:5] == ["ASP1.3", "ASP1.3-1 People trained", "12", "100", "45"]
    book = workbook(viewer_client.get(report_url("xlsx"), {"plan": "WTDC-25"}))
    assert "ASP1.3-1" in {row[3] for row in sheet_rows(book["Indicators"])}
