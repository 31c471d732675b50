"""Every export still answers for rows saved before the text validator: a title with U+FFFF, a
country renamed with a control character, a report with a noncharacter. Once, one U+FFFF made
the activity XLSX, the dashboard tables' XLSX and the regional report's XLSX and DOCX answer 500
for everyone until that activity was archived. Now the writers leave out what XML cannot hold
(`activities.spreadsheets.xml_safe`) and the files open — the import template's too; the CSV
keeps the text as it is."""

import csv
import io

import docx
import openpyxl
import pytest
from django.urls import reverse

from activities.models import Activity, BudgetLine, FundingSource, ProgressReport, TargetGroup
from initiatives.models import ActionPlan, Country, ExpectedResult, Initiative, Region
from reports.exports import TABLES
from tests.factories import ActivityFactory, approved_report
from tests.url_samples import described, status_of
from tests.url_samples import request as send

pytestmark = pytest.mark.django_db

# What XML 1.0 cannot hold (but NUL, which PostgreSQL cannot either), and what else no text
# may hold now, as rows saved before may.
UNSAFE = "\x01\x08\x0b\x0c\x1f\ufffe\uffff\ud7ff\ue000\U0010ffff\ufdd0\u202e\x85"
XML_SAFE = "\ud7ff\ue000\U0010ffff\ufdd0\u202e\x85"  # what is left once XML cannot complain
# A formula behind a control character: stripped of it, it must still be escaped.
HIDDEN_FORMULA = '\x01=HYPERLINK("http://evil.example","Click")'


def download(client, url, params=None):
    """A download's bytes; its status must be 200 (a 500 is described, not raised)."""
    response = send(client, "get", url, params or {})
    assert status_of(response) == 200, described(response)
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(content):
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def cells(book):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.fixture
def unsafe_rows(asp_editor):
    """An ongoing Asia-Pacific activity, with an approved report, and reference data around it,
    holding characters the validator refuses now: stored with `update()`, past every check."""
    activity = ActivityFactory(
        title="IXP study",
        countries=["TON"],
        expected_results=["ASP1.3"],
        focal_point=asp_editor,
        budget=("5000", FundingSource.EXTRA_BUDGETARY),
    )
    BudgetLine.objects.filter(activity=activity).update(funding_partner=HIDDEN_FORMULA)
    report = approved_report(activity, 2026, 1, author=asp_editor)
    Activity.objects.filter(pk=activity.pk).update(
        title=f"IXP{UNSAFE}study",
        reference=HIDDEN_FORMULA,
        description=f"Line one\n{UNSAFE}",
        partners=f"\uffff{UNSAFE}",
    )
    ProgressReport.objects.filter(pk=report.pk).update(
        achievements=f"Trained{UNSAFE}", challenges=UNSAFE
    )
    Country.objects.filter(iso3="TON").update(name=f"Tonga{UNSAFE}")
    result = ExpectedResult.objects.get(initiative__code="ASP1", number=3)
    ExpectedResult.objects.filter(pk=result.pk).update(text=f"{UNSAFE}{result.text}")
    Initiative.objects.filter(code="ASP1").update(title=f"ASP one{UNSAFE}", objective=UNSAFE)
    Region.objects.filter(code="ASP").update(name=f"Asia{UNSAFE}Pacific")
    ActionPlan.objects.filter(code="WTDC-25").update(name=f"Baku{UNSAFE}Action Plan")
    TargetGroup.objects.filter(pk=TargetGroup.objects.first().pk).update(name=f"Youth{UNSAFE}")
    return activity


def test_the_activity_export_writes_them_to_csv_and_leaves_them_out_of_xlsx(
    client, viewer, unsafe_rows
):
    client.force_login(viewer)

    header, row = csv_rows(download(client, reverse("activities:activity_export_csv")))
    assert row[header.index("title")] == f"IXP{UNSAFE}study"

    content = download(client, reverse("activities:activity_export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Activities"]
    header, row = (list(line) for line in sheet.iter_rows(max_row=2))
    values = dict(zip([cell.value for cell in header], row, strict=True))
    assert values["title"].value == f"IXP{XML_SAFE}study"
    assert values["partners"].value == XML_SAFE
    assert values["reference"].value == "'" + HIDDEN_FORMULA[1:]
    assert values["reference"].data_type == "s"
    lines = openpyxl.load_workbook(io.BytesIO(content))["Budget lines"]
    header, row = (list(line) for line in lines.iter_rows(max_row=2))
    values = dict(zip([cell.value for cell in header], row, strict=True))
    assert values["activity title"].value == f"IXP{XML_SAFE}study"
    assert values["funding partner"].value == "'" + HIDDEN_FORMULA[1:]
    assert values["funding partner"].data_type == "s"


def test_the_import_template_downloads(client, asp_editor, unsafe_rows):
    client.force_login(asp_editor)
    book = openpyxl.load_workbook(
        io.BytesIO(download(client, reverse("activities:import_template")))
    )
    lists = [cell.value for cell in cells(book) if cell.parent.title == "Lists"]
    assert f"Tonga{XML_SAFE}" in lists
    assert f"Youth{XML_SAFE}" in lists


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_dashboard_table_downloads(client, viewer, unsafe_rows, table):
    client.force_login(viewer)
    url = reverse("reports:table_download", args=["ASP", table, "csv"])
    params = {"plan": "WTDC-25", "year": 2026}

    csv_rows(download(client, url, params))

    book = openpyxl.load_workbook(
        io.BytesIO(download(client, url.replace(".csv", ".xlsx"), params))
    )
    texts = [cell.value for cell in cells(book) if isinstance(cell.value, str)]
    assert not any(character in text for text in texts for character in "\x00\x01\ufffe\uffff")
    assert all(cell.data_type != "f" for cell in cells(book))


def test_the_stale_table_escapes_a_formula_that_hid_behind_a_control_character(
    client, viewer, unsafe_rows
):
    client.force_login(viewer)
    url = reverse("reports:table_download", args=["ASP", "stale", "xlsx"])
    content = download(client, url, {"plan": "WTDC-25", "year": 2026})
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["B2"].value == "'" + HIDDEN_FORMULA[1:]
    assert sheet["A2"].value == f"IXP{XML_SAFE}study"


def test_the_regional_report_downloads_as_xlsx_and_docx(client, viewer, unsafe_rows):
    client.force_login(viewer)

    url = reverse("reports:regional_report_download", args=["ASP", 2026, "xlsx"])
    book = openpyxl.load_workbook(io.BytesIO(download(client, url)))
    activities = [list(row) for row in book["Activities"].iter_rows(values_only=True)]
    assert [f"IXP{XML_SAFE}study", f"Trained{XML_SAFE}", XML_SAFE] in [
        [row[2], row[8], row[9]] for row in activities
    ]

    document = docx.Document(io.BytesIO(download(client, url.replace(".xlsx", ".docx"))))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert f"IXP{XML_SAFE}study" in text
    assert f"Achievements: Trained{XML_SAFE}" in text
    assert f"Asia{XML_SAFE}Pacific" in document.core_properties.title
