"""Activities in spreadsheets: the import template, the export (CSV and XLSX) and the import,
all sharing one list of columns. One module a job:

- `columns`: the columns (`COLUMNS`), in the order of every file, and the field each fills;
  those of an .xlsx's sheet of budget lines (`BUDGET_COLUMNS`);
- `cells`: what makes a cell safe to write (formula escaping, XML-safe text), for every writer;
- `writer`: the one CSV/XLSX table writer, shared with the dashboard's downloads (`reports`);
- `export`: the activities of a queryset as rows, written by `writer`;
- `template`: the import template;
- `reading`: an uploaded file → cell values, within the import's limits (size, rows, zip
  bombs, time, one import at a time per user);
- `cleaning`: what each cell of an import row means;
- `importing`: the preview of an import and its saving, in one transaction;
- `preview`: the preview kept between its pages.

The names below are the ones the views and the forms use; a test that replaces a module's
setting or helper (monkeypatch) does it in the module that looks it up, not here.
"""

from activities.spreadsheets.cells import csv_text, escape_formula, unescape_formula, xml_safe
from activities.spreadsheets.columns import (
    BUDGET_COLUMNS,
    BUDGET_HEADERS,
    BUDGET_SHEET_TITLE,
    COLUMNS,
    HEADERS,
    SHEET_TITLE,
)
from activities.spreadsheets.export import budget_line_rows, export_rows, write_csv, write_xlsx
from activities.spreadsheets.importing import ImportFailed, import_rows, prepare_import
from activities.spreadsheets.preview import (
    PREVIEW_PER_PAGE,
    first_error_messages,
    load_preview,
    store_preview,
)
from activities.spreadsheets.reading import (
    NOT_A_SPREADSHEET,
    SpreadsheetError,
    import_max_bytes,
    import_max_rows,
    megabytes,
    one_import_at_a_time,
    read_spreadsheet,
)
from activities.spreadsheets.template import build_template
from activities.spreadsheets.writer import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

__all__ = [
    "BUDGET_COLUMNS",
    "BUDGET_HEADERS",
    "BUDGET_SHEET_TITLE",
    "COLUMNS",
    "CSV_CONTENT_TYPE",
    "HEADERS",
    "NOT_A_SPREADSHEET",
    "PREVIEW_PER_PAGE",
    "SHEET_TITLE",
    "XLSX_CONTENT_TYPE",
    "ImportFailed",
    "SpreadsheetError",
    "budget_line_rows",
    "build_template",
    "csv_text",
    "escape_formula",
    "export_rows",
    "first_error_messages",
    "import_max_bytes",
    "import_max_rows",
    "import_rows",
    "load_preview",
    "megabytes",
    "one_import_at_a_time",
    "prepare_import",
    "read_spreadsheet",
    "store_preview",
    "unescape_formula",
    "write_csv",
    "write_xlsx",
    "xml_safe",
]
