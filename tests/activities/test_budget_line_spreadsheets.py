"""Budget lines in the activity spreadsheets: the Excel export and the template have a second
sheet, "Budget lines", one row a line; the import reads it — the lines given for an activity
replace its lines, an activity the sheet leaves out keeps its own, a bad cell refuses the whole
file with the sheet, row and column named. A CSV has one sheet, so no budget lines."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import services, spreadsheets
from activities.models import Activity, BudgetLine, FundingSource, ImportBatch
from activities.spreadsheets import BUDGET_HEADERS, export
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    budget_line_row,
    csv_file,
    import_row,
    xlsx_file,
    xlsx_with_budget_lines,
)

IMPORT_URL = reverse("activities:activity_import")
XLSX_URL = reverse("activities:activity_export_xlsx")
CSV_URL = reverse("activities:activity_export_csv")
TEMPLATE_URL = reverse("activities:import_template")
SHEET = "sheet “Budget lines”"
# Saving an import's activities, their links, budget lines and history: the same however many.
QUERIES_TO_SAVE_AN_IMPORT = 18


@pytest.fixture
def editor(client, asp_editor):
    client.force_login(asp_editor)
    return client


def upload(client, data, name="activities.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def errors_of(response):
    assert response.status_code == 200
    return [message for row in response.context["plan"].error_rows for message in row.messages]


def file_error(response):
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    return error


def import_file(client, data, name="activities.xlsx"):
    """Upload and confirm; the preview must be free of errors. Returns the preview's plan."""
    preview = upload(client, data, name)
    plan = preview.context["plan"]
    assert not plan.has_errors, [m for row in plan.error_rows for m in row.messages]
    batch = ImportBatch.objects.latest("created_at")
    response = client.post(reverse("activities:activity_import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    return plan


def content(response):
    return b"".join(response.streaming_content)


def budget_sheet(data):
    return openpyxl.load_workbook(io.BytesIO(data))[spreadsheets.BUDGET_SHEET_TITLE]


def lines_of(activity):
    """An activity's budget lines as (year, source, partner, amount, currency), sorted."""
    return sorted(
        activity.budget_lines.values_list(
            "year", "funding_source", "funding_partner", "amount", "currency"
        )
    )


@pytest.fixture
def multi_year(db):
    """An activity of 2026 and 2027 with three lines: regular budget in dollars for each year,
    and extra-budgetary euros of a partner for 2027."""
    activity = ActivityFactory(
        reference="ASP-1",
        title="Cybersecurity capacity",
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2027, 6, 30),
    )
    BudgetLineFactory(activity=activity, year=2026, amount=Decimal("10000"))
    BudgetLineFactory(activity=activity, year=2027, amount=Decimal("12000"))
    BudgetLineFactory(
        activity=activity,
        year=2027,
        funding_source=FundingSource.EXTRA_BUDGETARY,
        funding_partner="KOICA",
        amount=Decimal("50000.50"),
        currency="EUR",
    )
    return activity


# --- The export -------------------------------------------------------------------------------


def test_the_excel_export_has_a_sheet_of_budget_lines_one_row_a_line(client, viewer, multi_year):
    without_lines = ActivityFactory(title="No money")
    client.force_login(viewer)

    sheet = budget_sheet(content(client.get(XLSX_URL)))

    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert (
        rows[0]
        == BUDGET_HEADERS
        == [
            "tracker id",
            "reference",
            "activity title",
            "year",
            "funding source",
            "funding partner",
            "amount",
            "currency",
        ]
    )
    uid = str(multi_year.uid)
    assert rows[1:] == [
        [uid, "ASP-1", "Cybersecurity capacity", 2026, "ITU regular budget", None, 10000, "USD"],
        [uid, "ASP-1", "Cybersecurity capacity", 2027, "Extra-budgetary", "KOICA", 50000.5, "EUR"],
        [uid, "ASP-1", "Cybersecurity capacity", 2027, "ITU regular budget", None, 12000, "USD"],
    ]
    assert str(without_lines.uid) not in {row[0] for row in rows}
    # The header is bold and frozen; a year shows as 2027, an amount as 50,000.50.
    assert all(cell.font.b for cell in sheet[1]) and sheet.freeze_panes == "A2"
    assert sheet["D3"].number_format == "General"
    assert sheet["G3"].number_format == "#,##0.00"


def test_a_line_without_a_funding_source_exports_as_not_stated(client, viewer):
    BudgetLineFactory(activity=ActivityFactory(), funding_source="", amount=Decimal("700"))
    client.force_login(viewer)

    rows = list(budget_sheet(content(client.get(XLSX_URL))).iter_rows(values_only=True))

    assert rows[1][4] == "Not stated"


def test_the_csv_export_has_no_budget_lines(client, viewer, multi_year):
    client.force_login(viewer)

    text = content(client.get(CSV_URL)).decode("utf-8-sig")

    assert "KOICA" not in text and "50000.50" not in text
    assert "budget" not in text.splitlines()[0]


def test_the_sheet_holds_the_lines_of_the_listed_activities_only_but_all_of_theirs(
    client, viewer, multi_year
):
    """Filtered by a funding source and a year, the list's activities keep all their lines in
    the file: importing it back replaces an activity's lines with those of the sheet."""
    BudgetLineFactory(activity=ActivityFactory(title="Elsewhere"), year=2026)
    client.force_login(viewer)

    response = client.get(XLSX_URL, {"funding": "extra_budgetary", "budget_year": "2027"})
    rows = list(budget_sheet(content(response)).iter_rows(min_row=2, values_only=True))

    assert {row[2] for row in rows} == {"Cybersecurity capacity"}
    assert len(rows) == 3


def test_the_lines_come_in_the_order_of_the_activities_whatever_the_chunks(
    client, viewer, monkeypatch
):
    for title in ["Bravo", "Alpha", "Charlie"]:
        activity = ActivityFactory(title=title)
        BudgetLineFactory(activity=activity, funding_source=FundingSource.ICT_DF)
        BudgetLineFactory(activity=activity)
    monkeypatch.setattr(export, "EXPORT_CHUNK_SIZE", 2)
    client.force_login(viewer)

    rows = budget_sheet(content(client.get(XLSX_URL, {"sort": "-title"}))).iter_rows(
        min_row=2, values_only=True
    )

    assert [(row[2], row[4]) for row in rows] == [
        ("Charlie", "ICT Development Fund"),
        ("Charlie", "ITU regular budget"),
        ("Bravo", "ICT Development Fund"),
        ("Bravo", "ITU regular budget"),
        ("Alpha", "ICT Development Fund"),
        ("Alpha", "ITU regular budget"),
    ]


def test_the_sheet_costs_one_query_for_the_activities_and_one_a_chunk(
    db, django_assert_num_queries, monkeypatch
):
    for _ in range(7):
        BudgetLineFactory(activity=ActivityFactory())
    monkeypatch.setattr(export, "EXPORT_CHUNK_SIZE", 3)

    with django_assert_num_queries(1 + 3):  # chunks of 3, 3 and 1 activities
        rows = list(spreadsheets.budget_line_rows(Activity.objects.all()))

    assert len(rows) == 7


def test_a_partner_that_starts_like_a_formula_is_escaped_text(client, viewer):
    BudgetLineFactory(
        activity=ActivityFactory(),
        funding_source=FundingSource.EXTRA_BUDGETARY,
        funding_partner='=HYPERLINK("http://evil.example")',
    )
    client.force_login(viewer)

    sheet = budget_sheet(content(client.get(XLSX_URL)))

    assert sheet["F2"].value == '\'=HYPERLINK("http://evil.example")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- The template -----------------------------------------------------------------------------


def template(client):
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(content(response)))


def validation_of(sheet, header):
    column = BUDGET_HEADERS.index(header) + 1
    (validation,) = [
        v
        for v in sheet.data_validations.dataValidation
        if any(r.min_col == r.max_col == column for r in v.sqref.ranges)
    ]
    return validation


def listed_values(workbook, formula):
    sheet_name, cells = formula.split("!")
    return [row[0].value for row in workbook[sheet_name.strip("'")][cells.replace("$", "")]]


def test_the_template_has_a_sheet_of_budget_lines_with_drop_downs(client, viewer):
    client.force_login(viewer)
    workbook = template(client)

    sheet = workbook["Budget lines"]

    assert workbook.sheetnames.index("Budget lines") == 1
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [BUDGET_HEADERS]
    sources = validation_of(sheet, "funding source")
    assert sources.type == "list"
    assert listed_values(workbook, sources.formula1) == [s.label for s in FundingSource]
    currencies = listed_values(workbook, validation_of(sheet, "currency").formula1)
    assert {"USD", "EUR", "XOF", "TOP"} <= set(currencies) and "US1" not in currencies
    year = validation_of(sheet, "year")
    assert (year.type, year.formula1, year.formula2) == ("whole", "2000", "2100")
    assert validation_of(sheet, "amount").type == "decimal"
    assert "extra-budgetary" in validation_of(sheet, "funding partner").prompt


def test_the_guide_explains_the_budget_lines_and_that_a_csv_has_none(client, viewer):
    client.force_login(viewer)

    rows = list(template(client)["How to fill in"].iter_rows(values_only=True))

    texts = " ".join(str(cell) for row in rows for cell in row if cell)
    assert "Sheet 'Budget lines'" in texts
    assert "replace all of its lines" in texts
    assert "a CSV file has one sheet" in texts
    explained = {row[0]: row for row in rows if row[0] in BUDGET_HEADERS}
    assert explained["funding partner"][2].startswith("Who gives the money")


def test_the_template_filled_in_imports_an_activity_with_its_lines(client, asp_editor):
    client.force_login(asp_editor)
    workbook = template(client)
    activities, lines = workbook["Activities"], workbook["Budget lines"]
    row = import_row(reference="ASP-9", title="From the template")
    key_of = {column.header: column.key for column in spreadsheets.COLUMNS}
    for col, header in enumerate(spreadsheets.HEADERS, start=1):
        activities.cell(2, col).value = row.get(key_of[header])
    line = budget_line_row(reference="ASP-9", amount=2500, currency="EUR")
    key_of = {column.header: column.key for column in spreadsheets.BUDGET_COLUMNS}
    for col, header in enumerate(BUDGET_HEADERS, start=1):
        lines.cell(2, col).value = line.get(key_of[header])
    filled = io.BytesIO()
    workbook.save(filled)

    import_file(client, filled.getvalue())

    activity = Activity.objects.get()
    assert lines_of(activity) == [(2026, "regular_budget", "", Decimal("2500.00"), "EUR")]


# --- The import: what it saves ------------------------------------------------------------------


def test_a_new_activity_gets_the_lines_its_reference_names(editor, asp_editor):
    rows = [import_row(reference="ASP-7", end_date="2027-12-31"), import_row(title="Other")]
    lines = [
        budget_line_row(reference="ASP-7", year=2026, amount="1,500"),
        budget_line_row(
            reference="ASP-7",
            year=2027,
            funding_source="extra-budgetary",
            funding_partner="World Bank",
            amount=80000,
            currency="xof",
        ),
    ]

    plan = import_file(editor, xlsx_with_budget_lines(rows, lines))

    assert plan.to_create == 2
    activity = Activity.objects.get(reference="ASP-7")
    assert lines_of(activity) == [
        (2026, "regular_budget", "", Decimal("1500.00"), "USD"),
        (2027, "extra_budgetary", "World Bank", Decimal("80000.00"), "XOF"),
    ]
    assert not Activity.objects.get(title="Other").budget_lines.exists()
    for line in activity.budget_lines.all():  # each with its history row, by the importer
        assert line.history.get().history_user == asp_editor


@pytest.mark.parametrize("activities", [2, 12])
def test_saving_the_lines_costs_the_same_queries_for_2_and_for_12_activities(
    asp_editor, activities
):
    """The import saves every activity's lines together (`services.save_activities`), not
    one activity, nor one line, after another: the lines read, written and their history
    written, one query each."""
    rows = [import_row(reference=f"ASP-{n}", end_date="2027-12-31") for n in range(activities)]
    lines = [
        budget_line_row(reference=f"ASP-{n}", year=year, amount=1000 + n)
        for n in range(activities)
        for year in (2026, 2027)
    ]
    plan = spreadsheets.prepare_import(xlsx_with_budget_lines(rows, lines), asp_editor)
    assert not plan.has_errors
    changes = [(row.activity, row.links, row.current) for row in plan.rows]
    budget_lines = [(row.activity, row.budget_lines) for row in plan.rows]
    with CaptureQueriesContext(connection) as queries:
        services.save_activities(asp_editor, changes, "Imported", budget_lines=budget_lines)
    of_lines = [query["sql"] for query in queries if "budgetline" in query["sql"]]
    assert len(of_lines) == 3, of_lines
    # Nor a query per row for the activity's own fields: its region read by the import once.
    assert len(queries) == QUERIES_TO_SAVE_AN_IMPORT, [q["sql"][:80] for q in queries]
    assert BudgetLine.objects.count() == 2 * activities
    assert BudgetLine.history.filter(history_user=asp_editor).count() == 2 * activities


def test_the_lines_given_replace_all_of_an_activitys_lines(editor, asp_editor, multi_year):
    history_rows = multi_year.history.count()
    rows = [import_row(tracker_id=str(multi_year.uid), **same_as(multi_year))]
    lines = [
        budget_line_row(tracker_id=str(multi_year.uid), reference="", year=2026, amount=11000),
        budget_line_row(
            tracker_id=str(multi_year.uid), reference="", year=2027, funding_source="In kind"
        ),
    ]

    response = upload(editor, xlsx_with_budget_lines(rows, lines))

    (row,) = response.context["plan"].rows
    assert row.action == "update"
    assert [repr(change) for change in row.changes] == [
        "budget lines: 2026 ITU regular budget: 10000.00 USD; 2027 Extra-budgetary (KOICA): "
        "50000.50 EUR; 2027 ITU regular budget: 12000.00 USD → 2026 ITU regular budget: "
        "11000.00 USD; 2027 In kind: 10000.00 USD"
    ]
    assert "1 to update" in response.content.decode()
    assert len(lines_of(multi_year)) == 3  # nothing saved before the confirmation

    import_file(editor, xlsx_with_budget_lines(rows, lines))

    assert lines_of(multi_year) == [
        (2026, "regular_budget", "", Decimal("11000.00"), "USD"),
        (2027, "in_kind", "", Decimal("10000.00"), "USD"),
    ]
    multi_year.refresh_from_db()
    assert multi_year.version == 2
    assert multi_year.history.count() == history_rows + 1
    assert multi_year.history.first().history_user == asp_editor
    removed = BudgetLine.history.filter(history_type="-", funding_partner="KOICA").get()
    assert removed.history_user == asp_editor


def same_as(activity):
    """The import cells that leave `activity` as it is (with its reference, title, dates)."""
    return {
        "reference": activity.reference,
        "title": activity.title,
        "countries": "; ".join(c.iso3 for c in activity.countries.all()),
        "expected_results": "; ".join(r.code for r in activity.expected_results.all()),
        "status": activity.get_status_display(),
        "modality": activity.get_modality_display(),
        "start_date": activity.start_date,
        "end_date": activity.end_date,
    }


def test_an_activity_the_sheet_does_not_name_keeps_its_lines(editor, multi_year):
    before = lines_of(multi_year)
    rows = [import_row(**same_as(multi_year), description="Changed"), import_row(reference="N")]
    lines = [budget_line_row(reference="N")]

    import_file(editor, xlsx_with_budget_lines(rows, lines))

    assert lines_of(multi_year) == before
    assert Activity.objects.get(reference="N").budget_lines.count() == 1


def test_a_row_with_the_activity_and_nothing_else_removes_all_its_lines(editor, multi_year):
    rows = [import_row(**same_as(multi_year))]
    lines = [{"reference": "ASP-1", "title": "Cybersecurity capacity"}]

    plan = import_file(editor, xlsx_with_budget_lines(rows, lines))

    assert plan.to_update == 1
    assert lines_of(multi_year) == []


def test_an_excel_export_imported_back_changes_nothing(editor, asp_editor, multi_year):
    BudgetLineFactory(
        activity=ActivityFactory(reference="ASP-2"), funding_source="", amount=Decimal("700")
    )
    data = content(editor.get(XLSX_URL))
    history_rows = Activity.history.count(), BudgetLine.history.count()

    response = upload(editor, data)

    plan = response.context["plan"]
    assert not plan.has_errors, errors_of(response)
    assert [row.action for row in plan.rows] == ["unchanged", "unchanged"]
    assert "Nothing to import" in response.content.decode()
    spreadsheets.import_rows(data, asp_editor, "again.xlsx")  # even forced, nothing is written
    assert (Activity.history.count(), BudgetLine.history.count()) == history_rows


def test_an_excel_export_edited_in_one_amount_imports_as_that_change(editor, multi_year):
    data = content(editor.get(XLSX_URL))
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Budget lines"]
    koica = next(row for row in sheet.iter_rows(min_row=2) if row[5].value == "KOICA")
    koica[6].value = 60000
    edited = io.BytesIO()
    workbook.save(edited)

    import_file(editor, edited.getvalue())

    assert multi_year.budget_lines.get(funding_partner="KOICA").amount == 60000
    assert multi_year.budget_lines.count() == 3


def test_a_csv_import_leaves_the_lines_as_they_are_and_says_so(editor, multi_year):
    before = lines_of(multi_year)
    data = csv_file([import_row(**{**same_as(multi_year), "title": "Renamed"})])

    response = upload(editor, data, "activities.csv")

    assert "This file has no sheet “Budget lines”" in response.content.decode()
    import_file(editor, data, "activities.csv")
    assert lines_of(multi_year) == before


def test_an_old_file_with_a_budget_column_is_read_without_it_with_a_warning(editor, multi_year):
    before = lines_of(multi_year)
    headers = [*spreadsheets.HEADERS, "budget", "currency", "funding source"]
    row = {**import_row(**same_as(multi_year)), "budget": "5", "currency": "EUR"}

    response = upload(editor, csv_file([row], headers=headers), "old.csv")

    warnings = response.context["plan"].warnings
    assert warnings[0].startswith("The column “budget” is no longer read: an activity's money")
    assert len(warnings) == 3
    assert [row.action for row in response.context["plan"].rows] == ["unchanged"]
    assert lines_of(multi_year) == before


def test_the_upload_page_says_a_csv_has_no_budget_lines(editor):
    page = editor.get(IMPORT_URL).content.decode()

    assert "“Budget lines”" in page
    assert "<strong>no budget lines</strong>" in page


# --- The import: every bad cell refuses the whole file ----------------------------------------


BAD_LINES = [
    (
        {"year": 2029},
        f"{SHEET}, row 2, year: 2029 is not a year the activity runs in (2026 to 2027); give "
        "its money in the years of its dates",
    ),
    ({"year": "next"}, f"{SHEET}, row 2, year: “next” is not a year; write it as four digits"),
    ({"year": 2026.5}, f"{SHEET}, row 2, year: “2026.5” is not a year"),
    ({"year": ""}, f"{SHEET}, row 2, year: required, but empty"),
    (
        {"currency": "US$"},
        f"{SHEET}, row 2, currency: Give the currency's three-letter ISO 4217 code, e.g. USD or "
        "EUR: US$ is not one.",
    ),
    ({"currency": ""}, f"{SHEET}, row 2, currency: required, but empty"),
    (
        {"funding_source": "Extra-budgetary"},
        f"{SHEET}, row 2, funding partner: Name the funding partner of extra-budgetary money.",
    ),
    (
        {"funding_source": "Lottery"},
        f"{SHEET}, row 2, funding source: “Lottery” is not a funding source; use one of ITU "
        "regular budget, ICT Development Fund, Extra-budgetary, In kind",
    ),
    (
        {"funding_source": "Not stated"},
        f"{SHEET}, row 2, funding source: “Not stated” is only for a line the activity has "
        "already; pick one of ITU regular budget",
    ),
    ({"amount": "-5"}, f"{SHEET}, row 2, amount: -5 is negative; an amount is 0 or more"),
    ({"amount": "lots"}, f"{SHEET}, row 2, amount: “lots” is not a number"),
    ({"amount": ""}, f"{SHEET}, row 2, amount: required, but empty"),
    (
        {"funding_partner": "x" * 201},
        f"{SHEET}, row 2, funding partner: Ensure this value has at most 200 characters",
    ),
    (
        {"reference": "ASP-404"},
        f"{SHEET}, row 2, reference: no activity of the sheet “Activities” has the reference "
        "ASP-404: give the activity its row there too",
    ),
    (
        {"reference": "", "tracker_id": "0e6f1c2a-0000-4000-8000-000000000000"},
        f"{SHEET}, row 2, tracker id: no activity of the sheet “Activities” has the tracker id "
        "0e6f1c2a-0000-4000-8000-000000000000",
    ),
    ({"reference": "", "tracker_id": "abc"}, f"{SHEET}, row 2, tracker id: “abc” is not a"),
    (
        {"reference": ""},
        f"{SHEET}, row 2: name the activity: give its tracker id, or the reference of a new "
        "activity",
    ),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
def test_each_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_saved(editor, line, message):
    rows = [import_row(reference="ASP-1", end_date="2027-03-31")]
    data = xlsx_with_budget_lines(rows, [budget_line_row(**line)])

    response = upload(editor, data)

    errors = errors_of(response)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    page = response.content.decode()
    assert "1 error: fix the file and upload it again" in page
    assert not ImportBatch.objects.exists()
    with pytest.raises(spreadsheets.ImportFailed):
        spreadsheets.import_rows(data, response.wsgi_request.user, "bad.xlsx")
    assert not Activity.objects.exists() and not BudgetLine.objects.exists()


def test_a_line_given_twice_is_refused_on_its_second_row(editor):
    rows = [import_row(reference="ASP-1")]
    lines = [budget_line_row(), budget_line_row(funding_source="In kind"), budget_line_row()]

    assert errors_of(upload(editor, xlsx_with_budget_lines(rows, lines))) == [
        f"{SHEET}, row 4: the same year, funding source, funding partner and currency as row 2: "
        "give them one line, with the sum of their amounts"
    ]


def test_a_bad_line_on_the_last_row_refuses_every_activity_and_line(editor):
    rows = [import_row(reference=f"ASP-{n}", title=f"Activity {n}") for n in range(5)]
    lines = [budget_line_row(reference=f"ASP-{n}") for n in range(5)]
    lines.append(budget_line_row(reference="ASP-4", year=2026, currency="EUR", amount=-1))

    response = upload(editor, xlsx_with_budget_lines(rows, lines))

    assert errors_of(response) == [
        f"{SHEET}, row 7, amount: -1 is negative; an amount is 0 or more"
    ]
    assert "5 to create" in response.content.decode()
    assert not Activity.objects.exists() and not BudgetLine.objects.exists()


def test_a_row_without_a_line_beside_lines_of_the_same_activity_is_refused(editor):
    rows = [import_row(reference="ASP-1")]
    lines = [budget_line_row(), {"reference": "ASP-1"}]

    (error,) = errors_of(upload(editor, xlsx_with_budget_lines(rows, lines)))

    assert error.startswith(f"{SHEET}, row 3: this row gives no budget line")


def test_a_tracker_id_and_a_reference_of_two_activities_are_refused(editor, multi_year):
    other = ActivityFactory(reference="ASP-2")
    rows = [import_row(**same_as(multi_year)), import_row(**same_as(other))]
    lines = [budget_line_row(tracker_id=str(multi_year.uid), reference="ASP-2")]

    (error,) = errors_of(upload(editor, xlsx_with_budget_lines(rows, lines)))

    assert error.startswith(
        f"{SHEET}, row 2, reference: ASP-2 is the reference of another activity than the "
        "tracker id's"
    )


def test_new_dates_that_leave_out_a_year_of_the_kept_lines_are_refused(editor, multi_year):
    row = import_row(**{**same_as(multi_year), "end_date": "2026-12-31"})

    errors = errors_of(upload(editor, xlsx_file([row])))

    assert errors == [
        "row 2, end date: the activity has budget lines for 2027, outside these dates (2026): "
        "change those lines on the sheet “Budget lines” of an .xlsx file, or keep dates that "
        "include their years"
    ]


def test_new_dates_with_lines_moved_to_them_are_accepted(editor, multi_year):
    row = import_row(**{**same_as(multi_year), "end_date": "2026-12-31"})
    lines = [budget_line_row(year=2026, amount=22000)]

    import_file(editor, xlsx_with_budget_lines([row], lines))

    multi_year.refresh_from_db()
    assert multi_year.end_date == datetime.date(2026, 12, 31)
    assert lines_of(multi_year) == [(2026, "regular_budget", "", Decimal("22000.00"), "USD")]


def test_a_missing_column_of_the_budget_sheet_refuses_the_file(editor):
    headers = [h for h in BUDGET_HEADERS if h != "amount"]
    data = xlsx_with_budget_lines([import_row()], [], budget_headers=headers)

    assert file_error(upload(editor, data)).startswith(
        "The sheet “Budget lines” lacks the required column “amount”."
    )


def test_a_budget_sheet_without_a_column_naming_the_activity_refuses_the_file(editor):
    headers = [h for h in BUDGET_HEADERS if h not in ("tracker id", "reference")]
    data = xlsx_with_budget_lines([import_row()], [], budget_headers=headers)

    assert "neither a column “tracker id” nor a column “reference”" in file_error(
        upload(editor, data)
    )


def test_too_many_budget_lines_refuse_the_file(editor, settings):
    settings.IMPORT_MAX_BUDGET_LINES = 2
    lines = [budget_line_row(year=2026, amount=n) for n in range(3)]
    data = xlsx_with_budget_lines([import_row(reference="ASP-1")], lines)

    assert file_error(upload(editor, data)).startswith(
        "The sheet “Budget lines” has more than 2 budget lines; at most 2 can be imported"
    )


def test_merged_cells_in_the_budget_sheet_refuse_the_file(editor):
    def merge(sheet):
        sheet.parent["Budget lines"].merge_cells("D2:E2")

    rows = [import_row(reference="ASP-1")]
    data = xlsx_with_budget_lines(rows, [budget_line_row()])
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    merge(workbook["Activities"])
    merged = io.BytesIO()
    workbook.save(merged)

    assert "The sheet “Budget lines” has merged cells (D2:E2)" in file_error(
        upload(editor, merged.getvalue())
    )


# --- Who may change which lines ----------------------------------------------------------------


def test_lines_of_another_regions_activity_are_refused(editor, multi_year):
    from initiatives.models import Region

    kenya = ActivityFactory(
        reference="AFR-1",
        region=Region.objects.get(code="AFR"),
        countries=["KEN"],
        expected_results=[],
    )
    BudgetLineFactory(activity=kenya, amount=Decimal("100"))
    # Named without its row on the sheet "Activities": no activity of the file.
    lines = [budget_line_row(reference="", tracker_id=str(kenya.uid), amount=1)]
    response = upload(editor, xlsx_with_budget_lines([import_row(**same_as(multi_year))], lines))
    assert errors_of(response)[0].startswith(f"{SHEET}, row 2, tracker id: no activity of")
    # With its row: the row's region is refused, as for any change of it.
    rows = [import_row(reference="AFR-1")]
    lines = [budget_line_row(reference="AFR-1", amount=1)]
    errors = errors_of(upload(editor, xlsx_with_budget_lines(rows, lines)))
    assert "row 2: Africa is not one of your regions: you cannot write its activities." in errors
    assert kenya.budget_lines.get().amount == 100


def test_the_lines_of_an_archived_activity_are_not_changed(editor, multi_year):
    Activity.objects.filter(pk=multi_year.pk).update(archived_at=timezone.now())
    rows = [import_row(**same_as(multi_year))]
    lines = [budget_line_row(year=2026, amount=1)]

    errors = errors_of(upload(editor, xlsx_with_budget_lines(rows, lines)))

    assert errors == ["row 2: “Cybersecurity capacity” is archived: restore it before changing it."]
    assert len(lines_of(multi_year)) == 3


def test_a_viewer_cannot_import_lines(client, viewer, multi_year):
    client.force_login(viewer)
    rows = [import_row(**same_as(multi_year))]
    response = upload(client, xlsx_with_budget_lines(rows, [budget_line_row(amount=1)]))

    assert response.status_code == 403
    assert len(lines_of(multi_year)) == 3


# --- Scale ------------------------------------------------------------------------------------


def test_a_1000_row_file_with_two_lines_each_imports_them_all(editor):
    rows = [
        import_row(reference=f"ASP-{n:04}", title=f"Activity {n}", end_date="2027-12-31")
        for n in range(1000)
    ]
    lines = [
        budget_line_row(reference=f"ASP-{n:04}", year=year, amount=n + year)
        for n in range(1000)
        for year in (2026, 2027)
    ]

    plan = import_file(editor, xlsx_with_budget_lines(rows, lines))

    assert plan.to_create == 1000
    assert BudgetLine.objects.count() == 2000
    sample = Activity.objects.get(reference="ASP-0421")
    assert [line.amount for line in sample.budget_lines.order_by("year")] == [2447, 2448]
