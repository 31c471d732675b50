"""What an import costs, and files that tried to make it cost more: rows of the wrong width,
huge numbers, sheets of millions of empty rows, zip bombs, slow files, several imports at once.
Each is refused with a message that says what to do — never a server error — and nothing is
saved."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities import spreadsheets
from activities.models import Activity, ImportBatch
from activities.spreadsheets import HEADERS, reading
from tests.factories import (
    UserFactory,
    budget_line_row,
    csv_file,
    import_row,
    rewrite_sheet,
    xlsx_file,
    xlsx_with_budget_lines,
)

IMPORT_URL = reverse("activities:activity_import")
HUGE = str(2**70)  # 1180591620717411303424: more than SQLite (or any id column) can hold
ROW_LIMIT = "rows (a header row and"
TOO_SLOW = "Reading and checking this file took longer than the"
BUSY = "An import of yours is already being checked; wait for it to finish"


@pytest.fixture
def editor(client, asp_editor):
    client.force_login(asp_editor)
    return client


def upload(client, data, name="activities.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def confirm(client, batch, **kwargs):
    return client.post(reverse("activities:activity_import_confirm", args=[batch.pk]), **kwargs)


def errors_of(response):
    assert response.status_code == 200
    return [message for row in response.context["plan"].error_rows for message in row.messages]


def file_error(response):
    """The one error the upload page shows next to the file field."""
    assert response.status_code == 200
    errors = response.context["form"].errors.get("file", [])
    assert len(errors) == 1, errors
    return errors[0]


def assert_nothing_saved():
    assert not Activity.objects.exists()
    assert not ImportBatch.objects.exists()


# --- Rows cut short, rows too long ----------------------------------------------------------

SHORT_HEADERS = "title,countries,expected results,status,modality,start date,reference"
VALID = "IXP study,TON,ASP1.3,Ongoing,Study/assessment,2026-03-05,ASP-1"


def test_a_csv_row_cut_short_is_an_error_with_its_row_number(editor):
    """The reference, last column, is missing from row 4 (after an empty line): that row is
    refused by the number a spreadsheet shows, the others are fine; nothing is saved."""
    data = f"{SHORT_HEADERS}\n{VALID}\n\nOther,TON,ASP1.3,Ongoing,Study/assessment\n".encode()

    response = upload(editor, data, "activities.csv")

    assert errors_of(response) == [
        "row 4: this row has 5 cells but the header row has 7: a separator is missing, or a "
        "line break in a cell cut the row in two. Fix the row so that each value is under its "
        "header"
    ]
    assert response.context["plan"].rows[0].action == "create"
    assert_nothing_saved()


def test_a_csv_row_of_one_cell_is_an_error(editor):
    response = upload(editor, f"{SHORT_HEADERS}\nIXP study\n".encode(), "activities.csv")
    assert errors_of(response) == [
        "row 2: this row has 1 cell but the header row has 7: a separator is missing, or a "
        "line break in a cell cut the row in two. Fix the row so that each value is under its "
        "header"
    ]
    assert_nothing_saved()


def test_a_csv_value_beyond_the_headers_is_an_error_with_its_row_and_column(editor):
    data = f"{SHORT_HEADERS}\n{VALID},call back\n".encode()
    response = upload(editor, data, "activities.csv")
    assert errors_of(response) == [
        "row 2: column H has a value (“call back”) but no header: give the column a header, "
        "or move the value under its own"
    ]
    assert_nothing_saved()


def test_an_empty_cell_beyond_the_headers_is_fine(editor):
    data = f"{SHORT_HEADERS}\n{VALID},,\n".encode()
    response = upload(editor, data, "activities.csv")
    assert errors_of(response) == []
    assert response.context["plan"].to_create == 1


def test_an_xlsx_value_beyond_the_headers_is_an_error_with_its_row_and_column(editor):
    def add_notes(sheet):
        sheet.cell(3, len(HEADERS) + 2).value = "call back"  # column Q, two past the last
        sheet.cell(2, len(HEADERS) + 1).value = " "  # blank: fine

    response = upload(editor, xlsx_file([import_row(), import_row()], prepare=add_notes))

    assert errors_of(response) == [
        "row 3: column Q has a value (“call back”) but no header: give the column a header, "
        "or move the value under its own"
    ]
    assert_nothing_saved()


# --- Huge numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("planned_participants_women", "planned participants women: {n} is too large; at most"),
        (
            "planned_participants_men",
            "planned participants men: {n} is too large; at most 2,147,483,647",
        ),
        ("tracker_id", "tracker id: “{n}” is not a tracker id"),
        ("countries", "countries: “{n}” is not a country"),
        ("expected_results", "expected results: {n} does not exist"),
        ("start_date", "start date: “{n}” is not a date"),
        ("focal_point_email", "focal point e-mail: {n} is not the e-mail of a tracker user"),
    ],
)
def test_a_huge_number_is_a_row_error(editor, kind, key, message):
    """On SQLite, which cannot even be asked about an integer over 2**63 - 1; in an .xlsx the
    number is a number cell."""
    row = import_row(**{key: HUGE if kind == "csv" else 2**70})
    response = upload(editor, csv_file([row]) if kind == "csv" else xlsx_file([row]))
    messages = errors_of(response)
    # openpyxl writes a number cell with 16 significant digits: 1.180591620717411E+21.
    shown = HUGE if kind == "csv" else "1180591620717411041280"
    expected = f"row 2, {message.format(n=shown)}"
    assert len(messages) == 1 and messages[0].startswith(expected), messages
    assert_nothing_saved()


def budget_line_file(**line):
    """An .xlsx of one new activity, ASP-1, and one budget line of it, changed by `line`."""
    return xlsx_with_budget_lines([import_row(reference="ASP-1")], [budget_line_row(**line)])


@pytest.mark.parametrize("amount", [HUGE, 2**70])
def test_a_huge_amount_is_a_row_error(editor, amount):
    (message,) = errors_of(upload(editor, budget_line_file(amount=amount)))
    assert message.startswith("sheet “Budget lines”, row 2, amount: ")
    assert "is too large for an amount; at most 999,999,999,999.99" in message
    assert_nothing_saved()


def test_a_number_of_thousands_of_digits_is_quoted_short(editor):
    digits = "9" * 5000
    response = upload(editor, csv_file([import_row(planned_participants_men=digits)]), "a.csv")
    (message,) = errors_of(response)
    assert message.startswith("row 2, planned participants men: 999999999") and "…" in message
    assert len(message) < 200
    (message,) = errors_of(upload(editor, budget_line_file(amount=digits)))
    assert message.startswith("sheet “Budget lines”, row 2, amount: 999999999") and "…" in message
    assert len(message) < 200
    assert_nothing_saved()


def test_an_amount_that_rounds_up_past_the_limit_is_too_large(editor):
    response = upload(editor, budget_line_file(amount="999999999999.999"))
    assert errors_of(response) == [
        "sheet “Budget lines”, row 2, amount: 999999999999.999 is too large for an amount; at "
        "most 999,999,999,999.99"
    ]
    assert_nothing_saved()


def test_an_xlsx_row_numbered_2_to_the_70_is_refused_without_reading_up_to_it(editor, settings):
    """A row's number is the `r` of its XML: openpyxl fills the gap before it with empty
    rows, which count, so reading stops at once."""
    settings.IMPORT_MAX_ROWS = 10
    data = rewrite_sheet(xlsx_file([import_row()]), lambda xml: xml.replace('r="2"', f'r="{HUGE}"'))
    assert ROW_LIMIT in file_error(upload(editor, data))
    assert_nothing_saved()


def test_confirming_a_huge_batch_id_is_404(editor):
    response = editor.post(f"/activities/import/{HUGE}/confirm/")
    assert response.status_code == 404


# --- Every row counts, empty ones too -------------------------------------------------------


def xlsx_with_empty_rows(count):
    """One activity under the header, then `count` empty rows: the sheet XML written
    directly, as a spreadsheet program writes rows that are formatted but empty. Some tens of
    KB that unpack to a few MB; a million such rows are ~100 MB in a 1.4 MB file."""
    empty_rows = "".join(
        f'<row r="{number}" ht="15" customHeight="1"/>' for number in range(3, count + 3)
    )
    return rewrite_sheet(
        xlsx_file([import_row()]),
        lambda xml: xml.replace("</sheetData>", f"{empty_rows}</sheetData>"),
    )


def test_an_xlsx_of_many_empty_rows_is_refused_at_the_row_limit(editor, settings, monkeypatch):
    settings.IMPORT_MAX_ROWS = 100
    data = xlsx_with_empty_rows(20_000)
    assert len(data) < 100_000
    read = []
    xlsx_lines = reading._xlsx_lines

    def counting(*args):
        for line in xlsx_lines(*args):
            read.append(line[0])
            yield line

    monkeypatch.setattr(reading, "_xlsx_lines", counting)

    message = file_error(upload(editor, data))

    assert message.startswith(
        "The file has more than 101 rows (a header row and 100 activities), counting its empty "
        "rows; at most that many can be read at once. Delete the empty rows under the "
        "activities"
    )
    assert len(read) == 102  # reading stopped at the first row over the limit
    assert_nothing_saved()


def test_a_csv_of_many_empty_lines_is_refused_at_the_row_limit(editor, settings):
    settings.IMPORT_MAX_ROWS = 100
    data = csv_file([import_row()]) + b",,,\r\n" * 200
    assert ROW_LIMIT in file_error(upload(editor, data, "activities.csv"))
    assert_nothing_saved()


def test_empty_rows_count_but_a_file_within_the_limit_imports(editor, settings):
    settings.IMPORT_MAX_ROWS = 4  # header + 2 activities + 2 empty rows = 5 rows
    data = csv_file([import_row(title="One"), {}, {}, import_row(title="Two")])
    assert upload(editor, data, "a.csv").context["plan"].to_create == 2
    settings.IMPORT_MAX_ROWS = 3
    assert ROW_LIMIT in file_error(upload(editor, data, "a.csv"))


def test_too_many_activities_still_says_activities(editor, settings):
    settings.IMPORT_MAX_ROWS = 2
    data = csv_file([import_row(title=f"Activity {n}") for n in range(3)])
    assert file_error(upload(editor, data, "a.csv")).startswith(
        "The file has more than 2 activities; at most 2 can be imported at once."
    )


# --- What an .xlsx unpacks to ---------------------------------------------------------------


def test_an_xlsx_that_unpacks_to_more_than_the_setting_is_refused(editor, settings):
    """Not squeezed enough to look like a bomb: refused by its unpacked size alone."""
    description = " ".join(str(n) for n in range(6_000))  # 29 KB
    data = xlsx_file([import_row(title=f"Activity {n}", description=description) for n in range(5)])
    unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert 155 * 1024 < unpacked < 1024 * 1024 and len(data) < unpacked / 3
    settings.IMPORT_MAX_UNPACKED_BYTES = 150 * 1024
    message = file_error(upload(editor, data))
    assert "unpacks to far more data than a sheet of activities holds" in message
    assert "at most 0.1 MB" in message
    assert_nothing_saved()
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    assert upload(editor, data).context["plan"].to_create == 5


# --- A deadline -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_not_read_by_the_deadline_is_refused(editor, settings, kind):
    settings.IMPORT_MAX_SECONDS = 0
    data = csv_file([import_row()]) if kind == "csv" else xlsx_file([import_row()])
    assert file_error(upload(editor, data)).startswith(
        f"{TOO_SLOW} 0 seconds an import may take, so it was stopped. Split it into smaller files"
    )
    assert_nothing_saved()


def test_the_deadline_is_checked_while_the_rows_are_checked(editor, settings, monkeypatch):
    """A clock that moves a second each time it is read: 30 rows read, and the rows' checks
    pass the deadline of 40 seconds."""
    settings.IMPORT_MAX_SECONDS = 40
    ticks = iter(range(1_000_000))
    monkeypatch.setattr(reading, "_clock", lambda: next(ticks))
    data = csv_file([import_row(title=f"Activity {n}") for n in range(30)])
    assert file_error(upload(editor, data, "a.csv")).startswith(f"{TOO_SLOW} 40 seconds")
    assert next(ticks) > 30 + 1  # the reading alone stayed within it
    assert_nothing_saved()


def test_the_confirmation_has_the_deadline_too(editor, settings):
    upload(editor, csv_file([import_row()]), "a.csv")
    batch = ImportBatch.objects.get()
    settings.IMPORT_MAX_SECONDS = 0
    response = confirm(editor, batch, follow=True)
    assert f"Nothing was imported: {TOO_SLOW} 0 seconds" in response.content.decode()
    assert not Activity.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


# --- One import at a time per user ----------------------------------------------------------


def test_an_upload_while_another_of_the_same_user_is_checked_is_refused(editor, asp_editor):
    with spreadsheets.one_import_at_a_time(asp_editor):
        response = upload(editor, csv_file([import_row()]), "a.csv")
    assert file_error(response).startswith(BUSY)
    assert_nothing_saved()
    assert upload(editor, csv_file([import_row()]), "a.csv").context["plan"].to_create == 1


def test_a_confirmation_while_another_import_of_the_same_user_runs_is_refused(editor, asp_editor):
    upload(editor, csv_file([import_row()]), "a.csv")
    batch = ImportBatch.objects.get()
    with spreadsheets.one_import_at_a_time(asp_editor):
        response = confirm(editor, batch, follow=True)
    assert f"Nothing was imported: {BUSY}" in response.content.decode()
    assert not Activity.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    confirm(editor, batch)
    assert Activity.objects.count() == 1


def test_the_lock_is_per_user(client, asp_editor):
    other = UserFactory(username="other.editor", role="Editor", regions=["ASP"])
    client.force_login(other)
    with spreadsheets.one_import_at_a_time(asp_editor):
        assert upload(client, csv_file([import_row()]), "a.csv").context["plan"].to_create == 1


def test_the_lock_is_released_whatever_goes_wrong(editor, monkeypatch):
    assert "more than" in file_error(upload(editor, b"title\n" + b"x\n" * 30_000, "a.csv"))

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(spreadsheets, "prepare_import", fail)
    with pytest.raises(RuntimeError):
        upload(editor, csv_file([import_row()]), "a.csv")
    monkeypatch.undo()
    assert upload(editor, csv_file([import_row()]), "a.csv").context["plan"].to_create == 1
