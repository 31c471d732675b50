"""Reading an uploaded spreadsheet (.xlsx or .csv, told apart by content) into a `Sheet` of
cell values, within the import's limits: its size, its rows (empty ones count), what an .xlsx
unpacks to (zip bombs are refused before anything is unpacked), the time it may take to read
and check (`Deadline`), and one import at a time per user (`one_import_at_a_time`).
Every refusal is a `SpreadsheetError` whose message tells the uploader what to do.
"""

import contextlib
import csv
import datetime
import io
import re
import time
import uuid
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from activities.spreadsheets.cells import unescape_formula
from activities.spreadsheets.columns import BUDGET_SHEET_TITLE, SHEET_TITLE

# A real .xlsx of a few MB unpacks to some tens of MB. More than `import_max_unpacked_bytes()`
# in all, or a big member squeezed more than XLSX_MAX_RATIO times, is a zip bomb: refused
# before openpyxl unpacks anything.
XLSX_MAX_RATIO = 100
XLSX_RATIO_CHECKED_FROM = 1024 * 1024  # a small member squeezed hard is harmless
# Columns read from a sheet: ours are 18; further ones (a sheet declared 16,384 columns wide)
# would only cost memory.
XLSX_MAX_COLUMNS = 60

NOT_A_SPREADSHEET = (
    "This file is not an .xlsx or .csv spreadsheet. Save it from Excel as “Excel Workbook "
    "(.xlsx)” or “CSV UTF-8 (comma delimited)” and upload it again."
)
FORMULA_WITHOUT_VALUE = object()  # a cell whose formula was never calculated


class SpreadsheetError(Exception):
    """The file as a whole cannot be imported; the message says why, in words for the uploader."""


def import_max_bytes():
    """The largest file an import accepts, in bytes (IMPORT_MAX_BYTES)."""
    return getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def import_max_rows():
    """The most rows under the header an import reads, empty ones included (IMPORT_MAX_ROWS)."""
    return getattr(settings, "IMPORT_MAX_ROWS", 20_000)


def import_max_budget_lines():
    """The most rows under the header of the sheet "Budget lines" an import reads, empty ones
    included (IMPORT_MAX_BUDGET_LINES; default: five a row of activities)."""
    return getattr(settings, "IMPORT_MAX_BUDGET_LINES", 5 * import_max_rows())


def import_max_unpacked_bytes():
    """The most an .xlsx may unpack to, in bytes (IMPORT_MAX_UNPACKED_BYTES)."""
    return getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)


def import_max_seconds():
    """How long reading and checking a file may take (IMPORT_MAX_SECONDS)."""
    return getattr(settings, "IMPORT_MAX_SECONDS", 30)


_clock = time.monotonic  # the clock of `Deadline`: a test can set the time through it


class Deadline:
    """The moment by which a file must be read and checked: `import_max_seconds()` from its
    creation. `check()`, called as the rows are read and cleaned, refuses the file once it is
    passed, so that no file (say, a sheet of millions of formatted empty rows) holds a worker
    longer than that."""

    def __init__(self, seconds=None):
        self.seconds = import_max_seconds() if seconds is None else seconds
        self.at = _clock() + self.seconds

    @contextlib.contextmanager
    def paused(self):
        """The clock stopped for the `with` block (an import's saving of checked rows: the
        deadline is for reading and checking)."""
        started = _clock()
        try:
            yield
        finally:
            self.at += _clock() - started

    def check(self):
        if _clock() >= self.at:
            raise SpreadsheetError(
                f"Reading and checking this file took longer than the {self.seconds} "
                f"second{pluralize(self.seconds)} an import may take, so it was stopped. Split "
                "it into smaller files, or copy only the rows of activities into a new sheet "
                "(a sheet with many formatted empty rows is slow to read), and upload it again."
            )


# Another import of the same user's is refused while one is read, checked or saved: each
# takes a worker for up to `import_max_seconds()`. The lock is an entry in the cache that the
# workers share (CACHE_URL); it expires by itself after this long, should a worker die.
IMPORT_LOCK_MARGIN = 5 * 60
IMPORT_BUSY = (
    "An import of yours is already being checked; wait for it to finish, then upload the file "
    "again."
)


@contextlib.contextmanager
def one_import_at_a_time(user):
    """Hold the import lock of `user` for the `with` block; raise `SpreadsheetError` (with
    IMPORT_BUSY) when another request of theirs holds it. Released however the block ends."""
    key = f"activities:import-lock:{user.pk}"
    token = uuid.uuid4().hex
    if not cache.add(key, token, timeout=import_max_seconds() + IMPORT_LOCK_MARGIN):
        raise SpreadsheetError(IMPORT_BUSY)
    try:
        yield
    finally:
        if cache.get(key) == token:  # not once it has expired and another import took it
            cache.delete(key)


def megabytes(size):
    """`size` (bytes) as the messages say it: "5 MB", "0.1 MB"."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


@dataclass
class Sheet:
    """What a file holds: its header row, its non-empty rows as (row number, cell values) with
    the row numbers a spreadsheet program shows, and the kind of file ("xlsx" or "csv"); for an
    .xlsx with the sheet "Budget lines", that sheet's the same way (`budget_lines`)."""

    kind: str
    headers: list
    rows: list
    budget_lines: "Sheet | None" = None


def read_spreadsheet(data, deadline=None):
    """Read an uploaded file's bytes into a `Sheet`, by their content (not the file's name):
    the sheet of activities, and for an .xlsx its sheet "Budget lines" when it has one.

    Raises `SpreadsheetError` for a file too big, empty, with no rows, with too many rows
    (every row read counts, empty ones too: reading stops at the first one over the limit),
    that is no spreadsheet, an .xlsx that is a zip bomb or has merged cells, or that is not
    read by `deadline` (a `Deadline`; default: `import_max_seconds()` from now).
    """
    if len(data) > import_max_bytes():
        raise SpreadsheetError(
            f"The file is {megabytes(len(data))}; at most {megabytes(import_max_bytes())} can "
            "be imported at once. Split it into several files."
        )
    if not data.strip():
        raise SpreadsheetError("The file is empty.")
    deadline = deadline or Deadline()
    budget_lines = None
    if data.startswith(b"PK\x03\x04"):
        kind = "xlsx"
        archive, workbook = _open_xlsx(data)
        try:
            sheet = _data_sheet(workbook)
        except _XLSX_ERRORS:
            raise SpreadsheetError(NOT_A_SPREADSHEET) from None
        lines = _xlsx_lines(data, archive, sheet, deadline, import_max_rows() + 1)
    else:
        kind, lines = "csv", _csv_lines(data)
    headers, rows = _read_rows(lines, deadline, ACTIVITY_ROWS)
    if headers is None:
        raise SpreadsheetError("The file is empty: it has no header row and no activities.")
    if not rows:
        raise SpreadsheetError(
            "The file has a header row but no activities under it: fill in one row per activity."
        )
    if kind == "xlsx":
        budget_sheet = _budget_sheet(workbook)
        if budget_sheet is not None and budget_sheet.title != sheet.title:
            last_row = import_max_budget_lines() + 1
            lines = _xlsx_lines(data, archive, budget_sheet, deadline, last_row)
            budget_headers, budget_rows = _read_rows(lines, deadline, BUDGET_LINE_ROWS)
            if budget_headers is not None:  # an empty sheet gives no lines
                budget_lines = Sheet(kind, budget_headers, budget_rows)
    return Sheet(kind, headers, rows, budget_lines)


@dataclass(frozen=True)
class _Rows:
    """What a sheet's rows are, as the messages about their number say it."""

    where: str  # "The file"
    things: str  # "activities"
    max_rows: object  # the function that gives the most rows under the header


ACTIVITY_ROWS = _Rows("The file", "activities", import_max_rows)
BUDGET_LINE_ROWS = _Rows(
    f"The sheet “{BUDGET_SHEET_TITLE}”", "budget lines", import_max_budget_lines
)


def _read_rows(lines, deadline, what):
    """(header row as text, [(row number, cells)] of the non-empty rows under it) of `lines`;
    (None, []) when they are all empty. Refuses more rows than `what.max_rows()` under the
    header, empty ones counted."""
    max_rows = what.max_rows()
    last_row = max_rows + 1  # the header row and the rows under it: past that, reading stops
    headers, rows = None, []
    try:
        for number, cells in lines:
            deadline.check()
            empty = all(is_empty(cell) for cell in cells)
            if number > last_row:
                if not empty and len(rows) == max_rows:
                    raise SpreadsheetError(
                        f"{what.where} has more than {max_rows:,} {what.things}; at most "
                        f"{max_rows:,} can be imported at once. Split it into several files."
                    )
                raise SpreadsheetError(
                    f"{what.where} has more than {last_row:,} rows (a header row and "
                    f"{max_rows:,} {what.things}), counting its empty rows; at most that many "
                    f"can be read at once. Delete the empty rows under the {what.things} (in "
                    "Excel: select them, then Home → Delete → Delete Sheet Rows) or split the "
                    "file, and upload it again."
                )
            if empty:
                continue  # empty rows are skipped, wherever they are (but they count)
            if headers is None:
                headers = [text_of(cell) for cell in cells]
                continue
            rows.append((number, list(cells)))
    except csv.Error as error:
        raise SpreadsheetError(f"{NOT_A_SPREADSHEET} ({error})") from None
    except _XLSX_ERRORS:
        raise SpreadsheetError(NOT_A_SPREADSHEET) from None
    return headers, rows


def is_empty(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


# What openpyxl and zipfile raise on a damaged or disguised file: each means "not a spreadsheet".
_XLSX_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    EOFError,
    OSError,
    SyntaxError,  # the XML parsers' errors (ElementTree's ParseError, lxml's) derive from it
)


def _csv_lines(data):
    """The records of a CSV file in UTF-8 (with or without BOM), `,` or `;` separated."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            f"{NOT_A_SPREADSHEET} A CSV file must be saved in UTF-8 (“CSV UTF-8”)."
        ) from None
    # Control characters other than tab and line ends mean a binary file (a PDF, an image).
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text[:4096]) or text.startswith("%PDF"):
        raise SpreadsheetError(NOT_A_SPREADSHEET)
    # Line by line: a file of a million empty lines is not split into a list of them first.
    header_line = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return enumerate(reader, start=1)


def _open_xlsx(data):
    """(the zip archive, the workbook opened read-only with the values of its formulas) of an
    .xlsx file; a zip bomb is refused before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise SpreadsheetError(NOT_A_SPREADSHEET) from None
    _refuse_zip_bomb(members)
    if "xl/workbook.xml" not in archive.namelist():
        raise SpreadsheetError(NOT_A_SPREADSHEET)  # a zip, a .docx, an .ods: not an .xlsx
    try:
        return archive, load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _XLSX_ERRORS:
        raise SpreadsheetError(NOT_A_SPREADSHEET) from None


def _xlsx_lines(data, archive, sheet, deadline, last_row):
    """The rows of `sheet`, a sheet of the .xlsx `data` opened by `_open_xlsx`, as cell values:
    formulas give their calculated value, or `FORMULA_WITHOUT_VALUE` when the file holds none.
    The sheet is scanned no further than its row `last_row + 1` (the caller stops there), nor
    past `deadline`."""
    try:
        merged, has_formulas = _scan_sheet(archive, sheet._worksheet_path, deadline)
    except _XLSX_ERRORS:
        raise SpreadsheetError(NOT_A_SPREADSHEET) from None
    if merged:
        shown = ", ".join(merged[:5]) + (" …" if len(merged) > 5 else "")
        raise SpreadsheetError(
            f"The sheet “{sheet.title}” has merged cells ({shown}). Unmerge them (in Excel: "
            "Home → Merge & Center) so that each value is in its own cell, and upload it again."
        )
    formulas = _formula_cells(data, sheet.title, deadline, last_row + 1) if has_formulas else set()
    # Declared dimensions can be anything ("A1:XFD1048576"): read only the cells that exist.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(max_col=XLSX_MAX_COLUMNS, values_only=True)
    for number, values in enumerate(rows, start=1):
        if formulas and any((number, col) in formulas for col in range(1, len(values) + 1)):
            values = [
                FORMULA_WITHOUT_VALUE if value is None and (number, col) in formulas else value
                for col, value in enumerate(values, start=1)
            ]
        yield number, values


def _data_sheet(workbook):
    """The sheet of activities: "Activities" in our files, else the first one."""
    if SHEET_TITLE in workbook.sheetnames:
        return workbook[SHEET_TITLE]
    return workbook.worksheets[0]


def _budget_sheet(workbook):
    """The sheet "Budget lines" (its title in any case), or None."""
    for title in workbook.sheetnames:
        if title.strip().casefold() == BUDGET_SHEET_TITLE.casefold():
            return workbook[title]
    return None


def _refuse_zip_bomb(members):
    """Refuse an .xlsx whose members unpack to more than `import_max_unpacked_bytes()` in all
    (so the sheet's XML, the shared strings and the styles, each of them too), or one of which
    is squeezed more than XLSX_MAX_RATIO times. zipfile never unpacks a member to more than
    the size its entry declares (it fails on the checksum), so the declared sizes are a bound."""
    unpacked = sum(member.file_size for member in members)
    squeezed = any(
        member.file_size > XLSX_RATIO_CHECKED_FROM
        and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if unpacked > import_max_unpacked_bytes() or squeezed:
        raise SpreadsheetError(
            "This .xlsx file unpacks to far more data than a sheet of activities holds "
            f"({megabytes(unpacked)}; at most {megabytes(import_max_unpacked_bytes())}), so it "
            "is refused. Save the sheet again from Excel, or as CSV, and upload that."
        )


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Za-z0-9:$]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _scan_sheet(archive, path, deadline, chunk_size=1024 * 1024):
    """The merged ranges of a sheet's XML and whether it holds formulas, read in chunks.

    openpyxl's read-only mode, the one that keeps memory low on big files, sees neither.
    """
    merged, has_formulas, tail = [], False, b""
    with archive.open(path) as source:
        while chunk := source.read(chunk_size):
            deadline.check()
            text = tail + chunk
            for ref in _MERGE.findall(text):
                if ref.decode() not in merged:
                    merged.append(ref.decode())
            has_formulas = has_formulas or bool(_FORMULA.search(text))
            tail = text[-200:]  # a tag cut in two by the chunk boundary is found next time
    return merged, has_formulas


def _formula_cells(data, title, deadline, last_row):
    """The (row, column) of each formula cell of the sheet `title`, up to its row `last_row`: a
    second read-only pass, made only for a sheet that has formulas, to tell an uncalculated
    formula from an empty cell."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    sheet = workbook[title]
    sheet.reset_dimensions()
    cells = set()
    rows = sheet.iter_rows(max_col=XLSX_MAX_COLUMNS, values_only=True)
    for number, values in enumerate(rows, start=1):
        deadline.check()
        if number > last_row:
            break
        for col, value in enumerate(values, start=1):
            if (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in (
                "ArrayFormula",
                "DataTableFormula",
            ):
                cells.add((number, col))
    return cells


def text_of(cell):
    """A cell as text: stripped, the export's formula escape undone, numbers without '.0'."""
    if cell is None or cell is FORMULA_WITHOUT_VALUE:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime):
        return (cell.date() if cell.time() == datetime.time() else cell).isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    # Unescaped first: a tab or a line end after the quote is part of what was escaped.
    return unescape_formula(str(cell)).replace("\r\n", "\n").strip()


def pluralize(count):
    """ "s" after a count other than one."""
    return "" if count == 1 else "s"
