"""One date format and one number format: pages show "4 Dec 2026", "60,000 USD" and
"60,000.50 USD" everywhere; form fields and URLs never get a thousands separator; a CSV stays
for programs (ISO dates, plain numbers), an XLSX shows its dates and numbers as the pages do."""

import datetime
import decimal
import io
import re

import openpyxl
import pytest
from openpyxl import Workbook

from activities.models import Activity
from activities.spreadsheets import writer
from reports import documents
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(asp_editor):
    return ActivityFactory(
        title="Spectrum training",
        start_date=datetime.date(2026, 3, 5),
        end_date=datetime.date(2026, 12, 4),
        budget=("60000.50", Activity.FundingSource.ICT_DF, "USD"),
        planned_participants_women=1200,
        planned_participants_men=15,
    )


def test_an_activity_page_shows_dates_and_numbers_in_the_one_format(client, viewer, activity):
    client.force_login(viewer)

    page = client.get(activity.get_absolute_url()).text

    assert "<dt>Start date</dt><dd>5 Mar 2026</dd>" in page
    assert "<dt>End date</dt><dd>4 Dec 2026</dd>" in page
    assert '<td class="number">60,000.50 USD</td>' in page
    assert "1,200 women, 15 men (1,215 in all)" in page
    # A date and time: "4 Dec 2026, 14:05", never "Dec. 4, 2026, 2:05 p.m.".
    created = re.search(r"<dt>Created</dt><dd>([^<]*)</dd>", page).group(1)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", created.strip())


def test_a_whole_budget_shows_no_decimals(client, viewer):
    activity = ActivityFactory(budget=("60000.00", Activity.FundingSource.ICT_DF, "EUR"))
    client.force_login(viewer)

    assert '<td class="number">60,000 EUR</td>' in client.get(activity.get_absolute_url()).text


def test_the_list_shows_the_same_dates(client, viewer, activity):
    client.force_login(viewer)

    page = client.get("/activities/").text

    assert '<td class="date" data-label="Start">5 Mar 2026</td>' in page
    assert '<td class="date" data-label="End">4 Dec 2026</td>' in page


def test_the_dashboard_sums_budgets_with_thousands_separators(client, viewer):
    for amount in ("800000", "16000.50"):
        ActivityFactory(
            budget=(amount, Activity.FundingSource.ICT_DF), start_date=datetime.date(2026, 1, 1)
        )
    client.force_login(viewer)

    page = client.get("/dashboard/ASP/", {"year": 2026}).text

    assert ">816,000.50</a>" in page
    assert ">0</a>" in page  # spent: nothing yet, a whole number shows no decimals


def test_form_fields_and_urls_never_get_a_thousands_separator(client, asp_editor):
    activity = ActivityFactory(pk=12345, budget=("60000.50", Activity.FundingSource.ICT_DF))
    client.force_login(asp_editor)

    form = client.get(f"/activities/{activity.pk}/money/").text
    listing = client.get("/activities/").text

    assert re.search(r'name="[^"]*amount" [^>]*value="60000.50"', form), form
    assert 'href="/activities/12345/"' in listing


def test_the_csv_stays_for_programs(client, viewer, activity):
    client.force_login(viewer)

    text = b"".join(client.get("/activities/export.csv").streaming_content).decode("utf-8-sig")

    assert ",2026-03-05,2026-12-04," in text
    assert ",1200,15" in text


def test_the_xlsx_shows_dates_and_numbers_as_the_pages_do(client, viewer, activity):
    client.force_login(viewer)

    response = client.get("/activities/export.xlsx")
    data = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet, budget = book.worksheets
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    line = dict(zip([cell.value for cell in budget[1]], budget[2], strict=True))

    assert row["start date"].is_date and row["start date"].number_format == "d mmm yyyy"
    assert line["amount"].value == 60000.5 and line["amount"].number_format == "#,##0.00"
    assert line["year"].value == 2026 and line["year"].number_format == "General"
    assert row["planned participants women"].number_format == "#,##0"


def test_the_writer_keeps_years_and_quarters_plain():
    workbook = Workbook(write_only=True)
    rows = [
        [2026, 2, decimal.Decimal("816000.00"), decimal.Decimal("0.50"), 12345, True, None],
        ["Year", 2026, None, None, None, None, None],  # a row labelled "Year", as in a summary
    ]
    writer.add_table_sheet(
        workbook, "T", ["Year", "quarter", "budget", "rate", "people", "flag", "none"], rows
    )
    stream = io.BytesIO()
    workbook.save(stream)
    sheet = openpyxl.load_workbook(stream).active

    formats = [cell.number_format for cell in sheet[2]]
    assert formats == ["General", "General", "#,##0", "#,##0.00", "#,##0", "General", "General"]
    assert sheet["B3"].value == 2026 and sheet["B3"].number_format == "General"


def test_a_document_writes_numbers_and_dates_as_the_pages_do():
    assert documents._text(60000) == "60,000"
    assert documents._text(decimal.Decimal("60000.00")) == "60,000"
    assert documents._text(decimal.Decimal("60000.50")) == "60,000.50"
    assert documents._text(datetime.date(2026, 12, 4)) == "4 Dec 2026"
