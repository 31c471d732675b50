"""The one writer of tables as CSV and XLSX, for every download: the activity export
(`activities.spreadsheets.export`) and the dashboard's tables and regional report
(`reports.exports`). A table is a header and rows of plain values — text as stored, whole
numbers, decimals, dates, None — and every cell goes through `cells`, the same way in each
file: no text is ever a formula, no XLSX holds what XML cannot.

Both writers stream: the CSV piece by piece for a StreamingHttpResponse, the XLSX through
openpyxl's write-only workbook, which spools the rows to a temporary file as they come, so
memory stays bounded whatever the number of rows.

Formats: a CSV is for programs — ISO dates, plain numbers ("60000.50"). An XLSX is read by
people, in the pages' formats, its cells still dates and numbers: dates "4 Dec 2026", numbers
with thousands separators and decimals only when there are some ("60,000", "60,000.50"),
except years and quarters ("2026", not "2,026"): see `number_format`.
"""

import csv
import datetime
import decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from activities.spreadsheets.cells import csv_value, xlsx_value

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_ROWS_PER_WRITE = 100  # rows joined into one piece of the streamed response
# The import template's date cells: as people type them (activities.spreadsheets.template).
DATE_FORMAT = "yyyy-mm-dd"
# The cells of the tables written for people to read, as the pages show them (config/formats).
XLSX_DATE_FORMAT = "d mmm yyyy"
XLSX_DATETIME_FORMAT = "d mmm yyyy hh:mm"
WHOLE_NUMBER_FORMAT = "#,##0"
DECIMAL_NUMBER_FORMAT = "#,##0.00"
# Numbers that name a period rather than count something keep no separator: a column, or a
# row (its first cell), labelled so.
PLAIN_NUMBER_LABELS = frozenset({"year", "quarter"})


class _Echo:
    """A file that hands back what is written to it: csv.writer formats, the response sends."""

    def write(self, value):
        return value


def write_table_csv(headers, rows):
    """The CSV of a table, piece by piece: UTF-8 with a BOM when encoded (so that Excel reads
    the accents right), comma-separated, the header row first, then `rows` (any iterable,
    read as it goes) CSV_ROWS_PER_WRITE to a piece. Text escaped (`cells.escape_formula`),
    dates as YYYY-MM-DD, decimals plain, None as an empty cell."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_value(value) for value in headers])
    lines = []
    for row in rows:
        lines.append(writer.writerow([csv_value(value) for value in row]))
        if len(lines) == CSV_ROWS_PER_WRITE:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def _is_plain_label(value):
    return isinstance(value, str) and value.strip().lower() in PLAIN_NUMBER_LABELS


def number_format(value, plain=False):
    """The XLSX number format of a cell's value, or None for text, booleans, None and the
    numbers of a year or a quarter (`plain`): dates "4 Dec 2026", whole numbers "60,000",
    others "60,000.50"."""
    if isinstance(value, datetime.datetime):
        return XLSX_DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return XLSX_DATE_FORMAT
    if plain or isinstance(value, bool) or not isinstance(value, int | float | decimal.Decimal):
        return None
    if isinstance(value, decimal.Decimal):
        whole = value == value.to_integral_value()
    else:
        whole = float(value).is_integer()
    return WHOLE_NUMBER_FORMAT if whole else DECIMAL_NUMBER_FORMAT


def add_table_sheet(workbook, title, headers, rows, widths=(), wrap_longer_than=None):
    """Add a sheet `title` to `workbook` (a write-only openpyxl Workbook) holding a table: a
    bold, frozen header row, then `rows` (any iterable, read as it goes). Text is made XML-safe
    and escaped (`cells.xlsx_value`), so no cell is ever a formula; dates are date cells and
    numbers numbers, formatted as the pages show them (`number_format`). `widths`: the
    columns' widths in characters, in order; text longer than `wrap_longer_than` characters
    wraps in its cell."""
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for value in headers:
        cell = WriteOnlyCell(sheet, value=xlsx_value(value))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    plain_columns = {index for index, label in enumerate(headers) if _is_plain_label(label)}
    for row in rows:
        values = [xlsx_value(value) for value in row]
        plain_row = bool(values) and _is_plain_label(values[0])
        for index, value in enumerate(values):
            if value is None or isinstance(value, str):
                cell_format = None
            else:
                cell_format = number_format(value, plain_row or index in plain_columns)
            if cell_format is not None:
                cell = values[index] = WriteOnlyCell(sheet, value=value)
                cell.number_format = cell_format
            elif (
                wrap_longer_than is not None
                and isinstance(value, str)
                and len(value) > wrap_longer_than
            ):
                cell = values[index] = WriteOnlyCell(sheet, value=value)
                cell.alignment = wrap
        sheet.append(values)
    return sheet


def write_table_xlsx(headers, rows, stream, sheet_title, widths=()):
    """Write a workbook of one sheet `sheet_title` holding the table (see `add_table_sheet`)
    to the binary file `stream`."""
    workbook = Workbook(write_only=True)
    add_table_sheet(workbook, sheet_title, headers, rows, widths)
    workbook.save(stream)
