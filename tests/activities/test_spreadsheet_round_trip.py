"""Export → edit → import round-trips: the file the list gives back imports as exactly the
changes made to it, for CSV and for Excel."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from activities import spreadsheets
from activities.models import Activity, ImportBatch
from activities.spreadsheets import writer
from reports import exports as reports_exports
from tests.factories import ActivityFactory
from tests.fuzzing import FUZZ


@pytest.fixture
def activities(db):
    """Two activities, one without a reference: the tracker id still finds it."""
    return [
        ActivityFactory(
            title="Cyberdrill for Pacific CIRTs",
            reference="ITU-RAS-7",
            countries=["TON", "FJI"],
            expected_results=["ASP5.1", "ASP5.2"],
            partners="=HYPERLINK('x')",  # escaped on the way out, restored on the way in
        ),
        ActivityFactory(
            title="IXP study, Timor-Leste", countries=["TLS"], expected_results=["ASP3.4"]
        ),
    ]


def import_file(client, name, data):
    preview = client.post(
        reverse("activities:activity_import"), {"file": SimpleUploadedFile(name, data)}
    )
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert not plan.has_errors, [m for row in plan.error_rows for m in row.messages]
    batch = ImportBatch.objects.latest("created_at")
    return plan, client.post(reverse("activities:activity_import_confirm", args=[batch.pk]))


def state():
    return {
        a.uid: (
            a.title,
            a.status,
            a.partners,
            sorted(c.iso3 for c in a.countries.all()),
            sorted(r.code for r in a.expected_results.all()),
            a.version,
        )
        for a in Activity.objects.all()
    }


def test_a_csv_export_edited_in_two_cells_imports_as_those_two_changes(
    client, asp_editor, activities
):
    client.force_login(asp_editor)
    response = client.get(reverse("activities:activity_export_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    study = next(row for row in rows[1:] if row[header.index("title")] == "IXP study, Timor-Leste")
    study[header.index("status")] = "Completed"
    study[header.index("countries")] = "TLS; IDN"
    before = state()

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    plan, response = import_file(client, "activities.csv", out.getvalue().encode("utf-8-sig"))

    assert [row.action for row in plan.rows].count("unchanged") == 1
    assert response.status_code == 302
    after = state()
    drill, study_activity = activities[0], activities[1]
    assert after[drill.uid] == before[drill.uid]
    title, _, partners, _, results, version = before[study_activity.uid]
    assert after[study_activity.uid] == (
        title,
        "completed",
        partners,
        ["IDN", "TLS"],
        results,
        version + 1,
    )
    assert Activity.objects.count() == 2


def test_an_excel_export_imported_unchanged_changes_nothing(client, asp_editor, activities):
    client.force_login(asp_editor)
    response = client.get(reverse("activities:activity_export_xlsx"))
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert load_workbook(io.BytesIO(data)).active.max_row == 3
    before = state()
    history = Activity.history.count()

    preview = client.post(
        reverse("activities:activity_import"), {"file": SimpleUploadedFile("a.xlsx", data)}
    )

    assert [row.action for row in preview.context["plan"].rows] == ["unchanged", "unchanged"]
    assert state() == before
    assert Activity.history.count() == history
    assert before[activities[0].uid][2] == "=HYPERLINK('x')"


# --- Formulas hidden in the text ------------------------------------------------------------

SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"  # and their full-width forms


def starts_a_formula(cell):
    """Whether a spreadsheet could run some of `cell` as a formula: the cell starts like one
    (after spaces, or with a tab or carriage return), or a part of it after a ";" does — a
    program where ";" separates a CSV's cells makes each part a cell."""

    def starts_with(text, characters):
        return bool(text) and text[0] in characters

    first, *others = cell.split(";")
    return (
        starts_with(first, f"{SIGNS}\t\r")
        or starts_with(first.lstrip(" \t"), SIGNS)
        or any(starts_with(part.lstrip(" \t"), SIGNS) for part in others)
    )


TRICKY = {
    "title": "Fiji;=cmd|' /C calc'!A0",
    "partners": "APNIC; +41 22 730 5111;@ITU",
    "description": "\uff1d1+1 for a start; \uff0b2, a = b, -c",
    "reference": "\uff20SUM(A1)",
}
LITERAL_QUOTES = {"title": "'=not a formula", "partners": "x;'-y", "description": "'plain"}


@pytest.fixture
def tricky(db):
    return [
        ActivityFactory(**TRICKY, countries=["TON"], expected_results=["ASP3.4"]),
        ActivityFactory(**LITERAL_QUOTES, countries=["FJI"], expected_results=["ASP1.3"]),
    ]


def preview(client, name, data):
    """The import's plan of a file: what it would change (nothing, for an export unchanged)."""
    response = client.post(
        reverse("activities:activity_import"), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    plan = response.context["plan"]
    assert not plan.has_errors, [m for row in plan.error_rows for m in row.messages]
    return plan


def texts():
    return {
        (a.title, a.reference, a.description, a.partners, a.version) for a in Activity.objects.all()
    }


def test_a_csv_export_has_no_formula_even_split_at_semicolons_and_imports_back_the_same(
    client, asp_editor, tricky
):
    client.force_login(asp_editor)
    response = client.get(reverse("activities:activity_export_csv"))
    data = b"".join(response.streaming_content)
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    by_title = {row[header.index("title")]: dict(zip(header, row, strict=True)) for row in rows}
    escaped = by_title["Fiji;'=cmd|' /C calc'!A0"]
    assert escaped["partners"] == "APNIC;' +41 22 730 5111;'@ITU"
    assert escaped["description"] == "'\uff1d1+1 for a start;' \uff0b2, a = b, -c"
    assert escaped["reference"] == "'\uff20SUM(A1)"
    assert by_title["''=not a formula"]["partners"] == "x;''-y"
    assert by_title["''=not a formula"]["description"] == "'plain"
    assert not [cell for row in rows for cell in row if starts_a_formula(cell)]
    before = texts()

    plan = preview(client, "activities.csv", data)

    assert [row.action for row in plan.rows] == ["unchanged", "unchanged"]
    assert texts() == before


def test_an_excel_export_has_no_formula_and_imports_back_the_same(client, asp_editor, tricky):
    client.force_login(asp_editor)
    response = client.get(reverse("activities:activity_export_xlsx"))
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert not [c.value for c in cells if isinstance(c.value, str) and starts_a_formula(c.value)]
    before = texts()

    plan = preview(client, "activities.xlsx", data)

    assert [row.action for row in plan.rows] == ["unchanged", "unchanged"]
    assert texts() == before


@pytest.mark.parametrize(
    "text",
    [
        *TRICKY.values(),
        *LITERAL_QUOTES.values(),
        "=1",
        "\tTabbed",
        "\rReturned",
        "  -5 indented",
        "a;;=b; ;\t@c",
        "'",
        "''=x",
        "Fiji; Tonga",
        "a = b, -c",
    ],
)
def test_the_escape_is_undone_exactly_and_leaves_no_formula(text):
    escaped = spreadsheets.escape_formula(text)
    assert not starts_a_formula(escaped)
    assert spreadsheets.unescape_formula(escaped) == text


def test_the_reports_exports_write_with_the_activity_exports_writer():
    assert reports_exports.write_table_csv is writer.write_table_csv
    assert reports_exports.add_table_sheet is writer.add_table_sheet


@FUZZ
@given(st.text(alphabet=st.sampled_from(f"{SIGNS}';, \t\r\nab"), max_size=20) | st.text())
def test_any_text_escapes_to_no_formula_and_back(text):
    escaped = spreadsheets.escape_formula(text)
    assert not starts_a_formula(escaped)
    assert spreadsheets.unescape_formula(escaped) == text
