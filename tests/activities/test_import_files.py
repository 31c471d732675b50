"""Files the import cannot take as they are: each gives a clear message, never a server error,
and nothing is saved. And files it takes although they differ from the template."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities import spreadsheets
from activities.models import Activity, ImportBatch
from activities.spreadsheets import HEADERS, NOT_A_SPREADSHEET
from tests.factories import csv_file, import_row, rewrite_sheet, xlsx_file

IMPORT_URL = reverse("activities:activity_import")


@pytest.fixture
def editor_client(client, asp_editor):
    client.force_login(asp_editor)
    return client


def upload(client, data, name="activities.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def file_errors(response):
    """The errors the upload page shows next to the file field."""
    return response.context["form"].errors.get("file", [])


def assert_refused(response, message):
    assert response.status_code == 200
    errors = file_errors(response)
    assert len(errors) == 1, errors
    assert message in errors[0], errors
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert not Activity.objects.exists()
    assert not ImportBatch.objects.exists()


# --- Not a spreadsheet ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n", "activities.pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "activities.png"),
        (bytes(range(256)) * 4, "activities.xlsx"),
        (b"PK\x03\x04 this is not really a zip file at all", "activities.xlsx"),
        ("title;countries\nÉtude;TON\n".encode("latin-1"), "activities.csv"),
        ("title,countries\n".encode("utf-16"), "activities.csv"),
    ],
    ids=["pdf", "png", "random bytes", "broken zip", "latin-1 csv", "utf-16 csv"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(editor_client, data, name):
    assert_refused(
        upload(editor_client, data, name), "This file is not an .xlsx or .csv spreadsheet"
    )


def test_a_zip_that_is_not_an_xlsx_is_refused(editor_client):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff" + b"x" * 100)
    assert_refused(upload(editor_client, stream.getvalue()), NOT_A_SPREADSHEET)


def test_an_xlsx_whose_workbook_is_damaged_is_refused(editor_client):
    data = xlsx_file([import_row()])
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/workbook.xml":
                content = content[: len(content) // 2]  # cut in the middle of the XML
            out.writestr(member, content)
    assert_refused(upload(editor_client, target.getvalue()), NOT_A_SPREADSHEET)


@pytest.mark.parametrize("size", [200 * 1024 * 1024, 20 * 1024 * 1024], ids=["huge", "squeezed"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(editor_client, size):
    """200 MB of zeros pack into some 200 KB: over the total; 20 MB are under the total but
    squeezed a thousand times."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = b"0" * (1024 * 1024)
            for _ in range(size // len(zeros)):
                member.write(zeros)
    data = stream.getvalue()
    assert len(data) < 1024 * 1024
    assert_refused(upload(editor_client, data), "unpacks to far more data than a sheet")


def test_an_empty_file_is_refused(editor_client):
    response = upload(editor_client, b"", "activities.csv")
    assert response.status_code == 200
    assert file_errors(response) == ["The file is empty."]


def test_a_file_of_blank_lines_is_refused(editor_client):
    assert_refused(upload(editor_client, b"\r\n\r\n", "activities.csv"), "The file is empty")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_with_only_its_header_row_is_refused(editor_client, kind):
    data = csv_file([]) if kind == "csv" else xlsx_file([])
    assert_refused(upload(editor_client, data), "The file has a header row but no activities")


# --- Limits ---------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(editor_client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    data = csv_file([import_row(description="x" * 2000)])
    response = upload(editor_client, data, "big.csv")
    assert_refused(response, "at most 0 MB can be imported at once. Split it into several files.")


def test_the_size_limit_is_also_checked_below_the_form(settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(spreadsheets.SpreadsheetError, match="Split it into several files"):
        spreadsheets.read_spreadsheet(b"title,countries\nA,TON\n")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_over_the_row_limit_is_refused(editor_client, settings, kind):
    settings.IMPORT_MAX_ROWS = 3
    rows = [import_row(title=f"Activity {n}") for n in range(4)]
    data = csv_file(rows) if kind == "csv" else xlsx_file(rows)
    assert_refused(
        upload(editor_client, data), "The file has more than 3 activities; at most 3 can be"
    )
    settings.IMPORT_MAX_ROWS = 4
    assert upload(editor_client, data).context["plan"].to_create == 4


# --- Headers --------------------------------------------------------------------------------


def test_missing_required_columns_are_listed_with_what_was_found(editor_client):
    data = csv_file([import_row()], headers=["title", "country", "expected results", "state"])
    response = upload(editor_client, data, "activities.csv")
    assert_refused(
        response,
        "The file lacks the required columns “countries”, “status”, “modality”, “start date”. "
        "Its first row has “title”, “country”, “expected results”, “state”.",
    )


def test_headers_match_whatever_their_case_and_spaces(editor_client):
    headers = [f"  {header.upper()} " for header in HEADERS]
    response = upload(editor_client, xlsx_file([import_row()], headers=headers))
    assert response.context["plan"].to_create == 1


def test_extra_columns_are_ignored_with_a_warning(editor_client):
    data = csv_file([{**import_row(), "Notes": "call back"}], headers=[*HEADERS, "Notes"])
    response = upload(editor_client, data, "activities.csv")
    plan = response.context["plan"]
    assert plan.to_create == 1
    assert plan.warnings == ["The column “Notes” is not one of ours: it is ignored."]
    assert "The column “Notes” is not one of ours" in response.content.decode()


def test_optional_columns_may_be_left_out(editor_client):
    headers = ["title", "countries", "expected results", "status", "modality", "start date"]
    response = upload(editor_client, csv_file([import_row()], headers=headers), "a.csv")
    assert response.context["plan"].to_create == 1


# --- CSV dialects ---------------------------------------------------------------------------


def test_a_semicolon_separated_csv_with_bom_is_read(editor_client):
    data = csv_file(
        [import_row(title="Étude, phase 1", countries="TON; FJI")], delimiter=";", bom=True
    )
    assert data.startswith(b"\xef\xbb\xbf")
    response = upload(editor_client, data, "activities.csv")
    plan = response.context["plan"]
    assert not plan.has_errors, plan.error_rows[0].messages
    assert plan.rows[0].activity.title == "Étude, phase 1"
    assert [c.iso3 for c in plan.rows[0].links["countries"]] == ["TON", "FJI"]


def test_the_type_is_read_from_the_content_not_the_name(editor_client):
    response = upload(editor_client, xlsx_file([import_row()]), "activities.csv")
    assert response.context["plan"].to_create == 1


def test_empty_rows_are_skipped_and_rows_keep_their_numbers(editor_client):
    data = csv_file([import_row(), {}, import_row(countries="XYZ")])
    response = upload(editor_client, data, "activities.csv")
    messages = [m for row in response.context["plan"].error_rows for m in row.messages]
    assert messages == ["row 4, countries: 'XYZ' is not a country code"]


# --- What Excel does to a sheet -------------------------------------------------------------


def test_merged_cells_are_refused_with_where_they_are(editor_client):
    def merge(sheet):
        sheet.merge_cells("B2:C2")

    data = xlsx_file([import_row(), import_row()], prepare=merge)
    assert_refused(upload(editor_client, data), "The sheet “Activities” has merged cells (B2:C2)")


def test_a_formula_gives_its_calculated_value(editor_client):
    def formula(sheet):
        sheet.cell(2, HEADERS.index("planned participants women") + 1).value = "=10+20"

    data = xlsx_file([import_row()], prepare=formula)
    data = rewrite_sheet(
        data, lambda xml: re.sub(r"<f>10\+20</f>(<v ?/>|<v></v>)", "<f>10+20</f><v>30</v>", xml)
    )
    response = upload(editor_client, data)
    plan = response.context["plan"]
    assert not plan.has_errors, plan.error_rows[0].messages
    assert plan.rows[0].activity.planned_participants_women == 30


def test_a_formula_without_a_value_is_an_error(editor_client):
    def formula(sheet):
        sheet.cell(2, HEADERS.index("planned participants women") + 1).value = "=10+20"

    response = upload(editor_client, xlsx_file([import_row()], prepare=formula))
    messages = [m for row in response.context["plan"].error_rows for m in row.messages]
    assert messages == [
        "row 2, planned participants women: a formula without a value; type the value"
    ]


def test_a_sheet_declared_huge_reads_only_its_cells(editor_client):
    """A sheet whose declared dimension is the whole grid costs no more than its cells."""
    data = rewrite_sheet(
        xlsx_file([import_row()]),
        lambda xml: re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', xml),
    )
    assert upload(editor_client, data).context["plan"].to_create == 1


def test_the_activities_sheet_is_read_whatever_sheet_is_active(editor_client):
    def add_guide(sheet):
        guide = sheet.parent.create_sheet("How to fill in", 0)
        guide.append(["Read me first"])
        sheet.parent.active = 0

    response = upload(editor_client, xlsx_file([import_row()], prepare=add_guide))
    assert response.context["plan"].to_create == 1
