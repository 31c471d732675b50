"""Activities in spreadsheets: the one list of columns shared by the import template, the
export (CSV and XLSX) and the import, and the thin layer over openpyxl and `csv` that reads and
writes them.

The columns are defined once, in `COLUMNS`, in the order they appear in every file.
"""

import contextlib
import csv
import datetime
import decimal
import io
import itertools
import re
import time
import uuid
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import F
from django.db.models.lookups import In
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from activities import permissions, services, signals
from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    TargetGroup,
)
from initiatives.models import ActionPlan, Country, ExpectedResult, Region


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its `header` (exactly as in the file), the `key` the code uses
    for it, whether an import row must fill it, what to write in it and an example."""

    key: str
    header: str
    required: bool
    explanation: str
    example: str


COLUMNS = [
    Column(
        "tracker_id",
        "tracker id",
        False,
        "Filled by the export so that a sheet exported, edited and imported again updates the "
        "same activities. Leave it empty for a new activity; never change it.",
        "",
    ),
    Column(
        "reference",
        "reference",
        False,
        "The activity's own reference, e.g. an ITU project number; unique when given. A row "
        "with a known reference updates that activity.",
        "ASP-2026-014",
    ),
    Column("title", "title", True, "The activity's title.", "IXP feasibility study"),
    Column(
        "description",
        "description",
        False,
        "What the activity does, in a few sentences.",
        "A study of an Internet exchange point for Tonga.",
    ),
    Column(
        "countries",
        "countries",
        True,
        "ISO alpha-3 codes of the countries, separated by ';' (country names are accepted where "
        "they are unambiguous). All countries of a row must be in one region.",
        "TON; FJI",
    ),
    Column(
        "expected_results",
        "expected results",
        True,
        "Codes of the expected results of the current action plan it advances, separated by ';'.",
        "ASP3.4; ASP1.3",
    ),
    Column("status", "status", True, "One of the listed statuses.", "Ongoing"),
    Column("modality", "modality", True, "One of the listed modalities.", "Study/assessment"),
    Column(
        "start_date",
        "start date",
        True,
        "A date: YYYY-MM-DD (also DD/MM/YYYY, DD.MM.YYYY or '5 March 2026').",
        "2026-03-05",
    ),
    Column(
        "end_date",
        "end date",
        False,
        "A date, not before the start date; empty if the activity runs on.",
        "2026-12-31",
    ),
    Column("budget", "budget", False, "A number, 0 or more; empty if none.", "25000"),
    Column("currency", "currency", False, "ISO 4217 code; USD if empty.", "USD"),
    Column(
        "funding_source",
        "funding source",
        False,
        "One of the listed funding sources.",
        "ICT Development Fund",
    ),
    Column("partners", "partners", False, "The partners, as free text.", "APNIC; Tonga MEIDECC"),
    Column(
        "target_groups",
        "target groups",
        False,
        "Target groups from the list, separated by ';'.",
        "Women and girls; Youth",
    ),
    Column(
        "focal_point_email",
        "focal point e-mail",
        False,
        "The e-mail of the tracker user who is the focal point.",
        "focal.point@itu.int",
    ),
    Column(
        "people_reached_women",
        "people reached women",
        False,
        "A whole number, 0 or more; 0 if empty.",
        "120",
    ),
    Column(
        "people_reached_men",
        "people reached men",
        False,
        "A whole number, 0 or more; 0 if empty.",
        "95",
    ),
]

HEADERS = [column.header for column in COLUMNS]


# --- Writing: an activity as a row of cells, the exports and the import template.

SHEET_TITLE = "Activities"  # the data sheet of the export and of the template
GUIDE_TITLE = "How to fill in"
LISTS_TITLE = "Lists"
LIST_SEPARATOR = "; "  # between the codes or names of a list-type cell
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Activities fetched (with their countries, results and target groups) a chunk at a time, so
# that an export of any size holds one chunk in memory and makes three queries per chunk.
EXPORT_CHUNK_SIZE = 500
CSV_ROWS_PER_WRITE = 100  # rows joined into one piece of the streamed response
DATE_KEYS = ("start_date", "end_date")
# The columns whose cells are dates or numbers; every other cell is text.
NOT_TEXT_KEYS = (*DATE_KEYS, "budget", "people_reached_women", "people_reached_men")
# A spreadsheet would run a text starting with one of these as a formula (OWASP's list), also
# in their full-width forms, which Excel reads as the ASCII ones.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
ESCAPE = "'"
# Where a cell could start within a text: at its start, and after each ";". A spreadsheet
# program opening a CSV where ";" is the list separator (most of Europe) splits an unquoted
# cell at each ";" — csv.writer quotes a cell holding "," but not one holding ";" — so each
# part becomes a cell, run as a formula if it starts like one. A "," never splits a cell: any
# cell holding one is quoted, and every spreadsheet program honours the quotes.
CELL_SEPARATOR = ";"
# What starts a formula there: a sign after optional spaces (and a tab or carriage return at
# the very start), after any quotes already in the text — so that "'=x" is escaped too, and
# the import gives it back exactly.
_SIGNS = "".join(re.escape(trigger) for trigger in FORMULA_TRIGGERS if not trigger.isspace())
_FORMULA_AT_START = re.compile(rf"'*(?:[\t\r]|[ \t]*[{_SIGNS}])")
_FORMULA_AFTER_SEPARATOR = re.compile(rf"'*[ \t]*[{_SIGNS}]")
DATE_FORMAT = "yyyy-mm-dd"
TEMPLATE_ROWS = 20_000  # rows of the template covered by the drop-downs: the import's row limit
WIDTHS = {  # in characters; the rest get DEFAULT_WIDTH
    "tracker_id": 38,
    "title": 40,
    "description": 50,
    "countries": 18,
    "expected_results": 18,
    "modality": 28,
    "funding_source": 26,
    "partners": 30,
    "target_groups": 30,
    "focal_point_email": 28,
    "people_reached_women": 12,
    "people_reached_men": 12,
}
DEFAULT_WIDTH = 14


def escape_formula(text):
    """`text` made safe from formula injection, for every export (CSV and XLSX): a single
    quote put where a spreadsheet could start a formula — before the text when it starts like
    one ("=SUM(A1)" → "'=SUM(A1)"; also after spaces, or with a full-width sign), and after
    each ";" followed by one ("Fiji;=cmd" → "Fiji;'=cmd"). `unescape_formula` takes them out
    again, so that export → import gives back the same text."""
    if not text:
        return text
    if CELL_SEPARATOR not in text:  # the usual case, and the quickest
        return ESCAPE + text if _FORMULA_AT_START.match(text) else text
    parts = text.split(CELL_SEPARATOR)
    for index, part in enumerate(parts):
        formula = _FORMULA_AFTER_SEPARATOR if index else _FORMULA_AT_START
        if formula.match(part):
            parts[index] = ESCAPE + part
    return CELL_SEPARATOR.join(parts)


def unescape_formula(text):
    """`text` as it was before `escape_formula`: each quote it put there taken out."""
    parts = text.split(CELL_SEPARATOR)
    for index, part in enumerate(parts):
        formula = _FORMULA_AFTER_SEPARATOR if index else _FORMULA_AT_START
        if part.startswith(ESCAPE) and formula.match(part, 1):
            parts[index] = part[1:]
    return CELL_SEPARATOR.join(parts)


def _choice_labels(field_name):
    """{stored value: label} of a choice field of Activity, as its get_<field>_display shows."""
    field = Activity._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}


def _joined_by_activity(pairs):
    """{activity id: "A; B"} from (activity id, code or name) pairs, in the order given."""
    lists = defaultdict(list)
    for activity_id, text in pairs:
        lists[activity_id].append(text)
    return {activity_id: LIST_SEPARATOR.join(texts) for activity_id, texts in lists.items()}


class _InOneArray(In):
    """Django's `in` lookup, sent to PostgreSQL as `column = ANY(%s)`: the values as one array
    parameter. As one parameter each, the hundreds of ids of an export's chunk cost Django and
    psycopg most of the export's time. Other databases get the usual `IN (...)`."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def _links_by_activity(activity_ids):
    """The countries (ISO alpha-3 codes), expected results (codes) and target groups (names)
    of the activities `activity_ids`, each as {activity id: "A; B"}: one query each."""
    of_activities = _InOneArray(F("activity_id"), activity_ids)
    countries = (
        ActivityCountry.objects.filter(of_activities)
        .order_by("country__iso3")
        .values_list("activity_id", "country__iso3")
    )
    results = (
        ActivityExpectedResult.objects.filter(of_activities)
        .order_by("expected_result__initiative__code", "expected_result__number")
        .values_list("activity_id", "expected_result__initiative__code", "expected_result__number")
    )
    groups = (
        Activity.target_groups.through.objects.filter(of_activities)
        .order_by("targetgroup__order", "targetgroup__name")
        .values_list("activity_id", "targetgroup__name")
    )
    return (
        _joined_by_activity(countries),
        # Written as ExpectedResult.code writes it: "ASP3.4".
        _joined_by_activity((pk, f"{initiative}.{number}") for pk, initiative, number in results),
        _joined_by_activity(groups),
    )


# What a row shows of the activity itself, read as plain values rather than model instances:
# building 100,000 instances with their prefetched links is what made the export slow.
ROW_FIELDS = [
    "pk",
    "uid",
    "reference",
    "title",
    "description",
    "status",
    "modality",
    "start_date",
    "end_date",
    "budget_amount",
    "currency",
    "funding_source",
    "partners",
    "focal_point__email",
    "people_reached_women",
    "people_reached_men",
]


def export_rows(activities):
    """The rows of `activities` (a queryset), in its order: each a list of cells in the order
    of COLUMNS — text (escaped), dates, a Decimal budget (None when there is none) and whole
    numbers. Choices show as their labels, lists as codes or names separated by "; ".

    The activities' fields come from one streamed query, EXPORT_CHUNK_SIZE rows at a time; the
    countries, expected results and target groups of each chunk from one query each. So an
    export of any size holds one chunk in memory and makes one query, plus three a chunk."""
    status_labels = _choice_labels("status")
    modality_labels = _choice_labels("modality")
    funding_labels = _choice_labels("funding_source")
    column_keys = [column.key for column in COLUMNS]
    values = activities.values_list(*ROW_FIELDS).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    while chunk := list(itertools.islice(values, EXPORT_CHUNK_SIZE)):
        countries, results, groups = _links_by_activity([fields[0] for fields in chunk])
        for (
            pk,
            uid,
            reference,
            title,
            description,
            status,
            modality,
            start_date,
            end_date,
            budget,
            currency,
            funding_source,
            partners,
            focal_point_email,
            people_reached_women,
            people_reached_men,
        ) in chunk:
            cells = {
                "tracker_id": str(uid),
                "reference": escape_formula(reference),
                "title": escape_formula(title),
                "description": escape_formula(description),
                "countries": escape_formula(countries.get(pk, "")),
                "expected_results": escape_formula(results.get(pk, "")),
                "status": escape_formula(status_labels.get(status, status)),
                "modality": escape_formula(modality_labels.get(modality, modality)),
                "start_date": start_date,
                "end_date": end_date,
                "budget": budget,
                "currency": escape_formula(currency),
                "funding_source": escape_formula(
                    funding_labels.get(funding_source, funding_source)
                ),
                "partners": escape_formula(partners),
                "target_groups": escape_formula(groups.get(pk, "")),
                "focal_point_email": escape_formula(focal_point_email or ""),
                "people_reached_women": people_reached_women,
                "people_reached_men": people_reached_men,
            }
            yield [cells[key] for key in column_keys]


def csv_text(value):
    """A cell as CSV text: ISO dates, plain decimals, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"{value:f}"
    return str(value)


class _Echo:
    """A file that hands back what is written to it: csv.writer formats, the response sends."""

    def write(self, value):
        return value


def write_csv(activities):
    """The CSV of `activities` (a queryset), piece by piece for a StreamingHttpResponse: UTF-8
    with a BOM (so that Excel reads the accents right), comma-separated, the header row first.
    Never more than one chunk of activities in memory."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADERS)
    # The other cells are text already, written as they are.
    not_text = [i for i, column in enumerate(COLUMNS) if column.key in NOT_TEXT_KEYS]
    lines = []
    for row in export_rows(activities):
        for index in not_text:
            row[index] = csv_text(row[index])
        lines.append(writer.writerow(row))
        if len(lines) == CSV_ROWS_PER_WRITE:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


# What XML 1.0 cannot hold, so neither can an XLSX or a DOCX: control characters but tab and
# line ends, lone surrogates, U+FFFE and U+FFFF. (openpyxl's ILLEGAL_CHARACTERS_RE leaves out
# the last three, and one U+FFFF in a title made every export answer 500.)
XML_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text):
    """`text` without the characters XML cannot hold, for every writer of XLSX and DOCX (strip
    them before escaping formulas: see `_xlsx_value`).

    The text validator (`initiatives.validators`) refuses them in what is saved now; rows saved
    before it may still hold some, and their exports must not fail."""
    return XML_ILLEGAL_CHARACTERS.sub("", text)


def _xlsx_value(value):
    """A cell's value (from `export_rows`, text already escaped) as an XLSX holds it: text
    without what XML cannot hold — escaped again when something was taken out: "=1" after a
    control character was no formula, but "=1" alone is one."""
    if not isinstance(value, str):
        return value
    safe = xml_safe(value)
    if safe != value:
        safe = escape_formula(xml_safe(unescape_formula(value)))
    return safe


def _set_widths(sheet):
    for index, column in enumerate(COLUMNS, start=1):
        width = WIDTHS.get(column.key, DEFAULT_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_xlsx(activities, stream):
    """Write the XLSX of `activities` (a queryset) to the binary file `stream`: sheet
    "Activities", a bold and frozen header row, dates as date cells, numbers as numbers.

    openpyxl's write-only workbook spools the rows to a temporary file as they come, so memory
    stays bounded whatever the number of activities. Text is escaped (see escape_formula), so
    no cell is ever a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    _set_widths(sheet)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    date_columns = [i for i, c in enumerate(COLUMNS) if c.key in DATE_KEYS]
    for row in export_rows(activities):
        row = [_xlsx_value(value) for value in row]
        for index in date_columns:
            if row[index] is not None:
                cell = WriteOnlyCell(sheet, value=row[index])
                cell.number_format = DATE_FORMAT
                row[index] = cell
        sheet.append(row)
    workbook.save(stream)


# --- The import template.

CHOICE_COLUMNS = {  # the drop-downs: column key → the labels it allows
    "status": Activity.Status,
    "modality": Activity.Modality,
    "funding_source": Activity.FundingSource,
}
LIST_HINTS = {  # list-type columns: a hint shown when the cell is selected (at most 255 chars)
    "countries": "ISO alpha-3 codes separated by ';', e.g. TON; FJI. "
    "The codes are in the sheet 'How to fill in'.",
    "expected_results": "Codes of expected results separated by ';', e.g. ASP3.4; ASP1.3.",
    "target_groups": "Target groups separated by ';', e.g. Women and girls; Youth.",
}


def _column_letter(key):
    return get_column_letter([c.key for c in COLUMNS].index(key) + 1)


def _rows_range(key):
    letter = _column_letter(key)
    return f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"


def _lists_sheet(workbook, plan):
    """The hidden sheet of allowed values, one list a column; → {title: "Lists!$A$2:$A$6"}."""
    results = ExpectedResult.objects.filter(initiative__action_plan=plan).order_by(
        "initiative__region__code", "initiative__code", "number"
    )
    countries = list(Country.objects.order_by("iso3").only("iso3", "name"))
    lists = {
        "status": [choice.label for choice in Activity.Status],
        "modality": [choice.label for choice in Activity.Modality],
        "funding source": [choice.label for choice in Activity.FundingSource],
        "target groups": [group.name for group in TargetGroup.objects.order_by("order", "name")],
        "expected results": [result.code for result in results],
        "expected result text": [result.text for result in results],
        "country code": [country.iso3 for country in countries],
        "country name": [country.name for country in countries],
    }
    sheet = workbook.create_sheet(LISTS_TITLE)
    sheet.sheet_state = "hidden"
    ranges = {}
    for index, (title, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=xml_safe(value)).data_type = "s"
        last = max(len(values), 1) + 1
        ranges[title] = f"{quote_sheetname(LISTS_TITLE)}!${letter}$2:${letter}${last}"
    return ranges


def _add_validations(sheet, ranges):
    """Drop-downs for the choice columns, a hint for the list-type ones, number checks."""
    for key, choices in CHOICE_COLUMNS.items():
        column = next(c for c in COLUMNS if c.key == key)
        validation = DataValidation(
            type="list",
            formula1=ranges[column.header],
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle=f"Unknown {column.header}",
            error=f"Pick a {column.header} from the list.",
            showInputMessage=True,
            promptTitle=column.header,
            prompt=f"Pick one from the list: {', '.join(c.label for c in choices)}."[:255],
        )
        validation.add(_rows_range(key))
        sheet.add_data_validation(validation)
    for key, hint in LIST_HINTS.items():
        column = next(c for c in COLUMNS if c.key == key)
        validation = DataValidation(
            showInputMessage=True, promptTitle=column.header, prompt=hint[:255]
        )
        validation.add(_rows_range(key))
        sheet.add_data_validation(validation)
    for key in ("people_reached_women", "people_reached_men"):
        validation = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            error="Enter a whole number, 0 or more.",
        )
        validation.add(_rows_range(key))
        sheet.add_data_validation(validation)
    validation = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error="Enter a number, 0 or more, without the currency.",
    )
    validation.add(_rows_range("budget"))
    sheet.add_data_validation(validation)


def _guide_sheet(workbook, plan):
    """The visible sheet that explains each column: header, required, what to write, example."""
    sheet = workbook.create_sheet(GUIDE_TITLE)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append(["Column", "Required", "What to write", "Example"])
    for cell in sheet[1]:
        cell.font = bold
    for column in COLUMNS:
        explanation = column.explanation
        if column.key in CHOICE_COLUMNS:
            labels = ", ".join(c.label for c in CHOICE_COLUMNS[column.key])
            explanation = f"{explanation} Allowed: {labels}."
        if column.key == "expected_results" and plan is not None:
            explanation = f"{explanation} Current action plan: {xml_safe(str(plan))}."
        required = "Yes" if column.required else "No"
        sheet.append([column.header, required, explanation, column.example])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            cell.data_type = "s"
    sheet.append([])
    sheet.append(
        [
            "",
            "",
            "Write one activity a row on the sheet 'Activities', from row 2, and keep the "
            "header row as it is. A row with a tracker id or a known reference updates that "
            "activity; any other row creates one. Dates as YYYY-MM-DD. Lists: separate the "
            "values with ';'.",
        ]
    )
    sheet.cell(row=sheet.max_row, column=3).alignment = wrap
    for letter, width in zip("ABCD", (22, 10, 70, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def build_template(plan=None):
    """The import template as an openpyxl Workbook: the sheet "Activities" with the header row
    and drop-downs, the sheet "How to fill in", and the hidden sheet "Lists" of allowed values
    (statuses, modalities, funding sources, target groups, the expected results of `plan` —
    default: the current action plan — and the countries)."""
    plan = plan or ActionPlan.objects.current()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    _set_widths(sheet)
    sheet.freeze_panes = "A2"
    for key in ("start_date", "end_date"):
        sheet.column_dimensions[_column_letter(key)].number_format = DATE_FORMAT
    _guide_sheet(workbook, plan)
    ranges = _lists_sheet(workbook, plan)
    _add_validations(sheet, ranges)
    workbook.active = 0
    return workbook


# --- Import: a file → rows of cell values → cleaned rows → activities, in one transaction ----

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
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S"]
LINK_COLUMNS = ["countries", "expected_results", "target_groups"]
# The model field of each column that is one (tracker id and the links are handled apart).
FIELD_OF_COLUMN = {
    "reference": "reference",
    "title": "title",
    "description": "description",
    "status": "status",
    "modality": "modality",
    "start_date": "start_date",
    "end_date": "end_date",
    "budget": "budget_amount",
    "currency": "currency",
    "funding_source": "funding_source",
    "partners": "partners",
    "focal_point_email": "focal_point",
    "people_reached_women": "people_reached_women",
    "people_reached_men": "people_reached_men",
}
COLUMN_OF_FIELD = {name: key for key, name in FIELD_OF_COLUMN.items()}
HEADER_OF = {column.key: column.header for column in COLUMNS}
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


class SpreadsheetError(Exception):
    """The file as a whole cannot be imported; the message says why, in words for the uploader."""


def import_max_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def import_max_rows():
    return getattr(settings, "IMPORT_MAX_ROWS", 20_000)


def import_max_unpacked_bytes():
    return getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)


def import_max_seconds():
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
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


@dataclass
class Sheet:
    """What a file holds: its header row, its non-empty rows as (row number, cell values) with
    the row numbers a spreadsheet program shows, and the kind of file ("xlsx" or "csv")."""

    kind: str
    headers: list
    rows: list


def read_spreadsheet(data, deadline=None):
    """Read an uploaded file's bytes into a `Sheet`, by their content (not the file's name).

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
    # The header row and the rows of activities: past that, reading stops.
    max_rows, last_row = import_max_rows(), import_max_rows() + 1
    if data.startswith(b"PK\x03\x04"):
        kind, lines = "xlsx", _xlsx_lines(data, deadline, last_row)
    else:
        kind, lines = "csv", _csv_lines(data)
    headers, rows = None, []
    try:
        for number, cells in lines:
            deadline.check()
            empty = all(_is_empty(cell) for cell in cells)
            if number > last_row:
                if not empty and len(rows) == max_rows:
                    raise SpreadsheetError(
                        f"The file has more than {max_rows:,} activities; at most "
                        f"{max_rows:,} can be imported at once. Split it into several files."
                    )
                raise SpreadsheetError(
                    f"The file has more than {last_row:,} rows (a header row and {max_rows:,} "
                    "activities), counting its empty rows; at most that many can be read at "
                    "once. Delete the empty rows under the activities (in Excel: select them, "
                    "then Home → Delete → Delete Sheet Rows) or split the file, and upload it "
                    "again."
                )
            if empty:
                continue  # empty rows are skipped, wherever they are (but they count)
            if headers is None:
                headers = [_text(cell) for cell in cells]
                continue
            rows.append((number, list(cells)))
    except csv.Error as error:
        raise SpreadsheetError(f"{NOT_A_SPREADSHEET} ({error})") from None
    except _XLSX_ERRORS:
        raise SpreadsheetError(NOT_A_SPREADSHEET) from None
    if headers is None:
        raise SpreadsheetError("The file is empty: it has no header row and no activities.")
    if not rows:
        raise SpreadsheetError(
            "The file has a header row but no activities under it: fill in one row per activity."
        )
    return Sheet(kind, headers, rows)


def _is_empty(cell):
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


def _xlsx_lines(data, deadline, last_row):
    """The rows of the first sheet of an .xlsx file, as cell values: formulas give their
    calculated value, or `FORMULA_WITHOUT_VALUE` when the file holds none. The sheet is
    scanned no further than its row `last_row + 1` (the caller stops there), nor past
    `deadline`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise SpreadsheetError(NOT_A_SPREADSHEET) from None
    _refuse_zip_bomb(members)
    if "xl/workbook.xml" not in archive.namelist():
        raise SpreadsheetError(NOT_A_SPREADSHEET)  # a zip, a .docx, an .ods: not an .xlsx
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = _data_sheet(workbook)
        merged, has_formulas = _scan_sheet(archive, sheet._worksheet_path, deadline)
    except _XLSX_ERRORS:
        raise SpreadsheetError(NOT_A_SPREADSHEET) from None
    if merged:
        shown = ", ".join(merged[:5]) + (" …" if len(merged) > 5 else "")
        raise SpreadsheetError(
            f"The sheet “{sheet.title}” has merged cells ({shown}). Unmerge them (in Excel: "
            "Home → Merge & Center) so that each value is in its own cell, and upload it again."
        )
    formulas = _formula_cells(data, deadline, last_row + 1) if has_formulas else set()
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


def _formula_cells(data, deadline, last_row):
    """The (row, column) of each formula cell of the first sheet, up to its row `last_row`: a
    second read-only pass, made only for a sheet that has formulas, to tell an uncalculated
    formula from an empty cell."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    sheet = _data_sheet(workbook)
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


def _text(cell):
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


# --- Import: cleaning rows ----------------------------------------------------------------


@dataclass
class ImportRow:
    """One row of the file: what importing it does (`action`), the activity it creates or
    updates (`activity`, with the new values set once valid), what changes (`changes`, as
    `services.Change`s by column header) and what is wrong (`errors`, as (header, message))."""

    number: int
    cells: dict
    action: str = ""
    activity: Activity | None = None
    links: dict = dataclass_field(default_factory=dict)
    changes: list = dataclass_field(default_factory=list)
    errors: list = dataclass_field(default_factory=list)

    def add_error(self, key, message):
        self.errors.append((HEADER_OF.get(key, ""), message))

    @property
    def messages(self):
        """The errors as a person reads them: "row 14, countries: 'XYZ' is not a country code"."""
        return [
            f"row {self.number}, {header}: {message}" if header else f"row {self.number}: {message}"
            for header, message in self.errors
        ]

    @property
    def state(self):
        """What the preview says of the row: "error", or its action."""
        return "error" if self.errors else self.action

    @property
    def label(self):
        """The row's activity as the preview names it: reference and title."""
        reference = _text(self.cells.get("reference"))
        title = _text(self.cells.get("title")) or (self.activity.title if self.activity else "")
        return f"{reference} {title}".strip() if reference else title


@dataclass
class ImportPlan:
    """What importing a file does, row by row, and the file's warnings."""

    rows: list
    warnings: list
    columns: list

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def to_create(self):
        return self.count(CREATE)

    @property
    def to_update(self):
        return self.count(UPDATE)

    @property
    def unchanged(self):
        return self.count(UNCHANGED)

    @property
    def error_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def error_count(self):
        return sum(len(row.errors) for row in self.rows)

    @property
    def has_errors(self):
        return any(row.errors for row in self.rows)

    @property
    def has_changes(self):
        return bool(self.to_create or self.to_update)


class ImportFailed(Exception):
    """The file has errors (found again at confirmation): nothing was saved. `plan` says which."""

    def __init__(self, plan):
        super().__init__(f"{plan.error_count} errors: nothing was imported.")
        self.plan = plan


def _columns_of(headers):
    """{column key: its index in the row}, and warnings for the columns we do not know.

    Headers match case-insensitively, ignoring surrounding spaces. Raises `SpreadsheetError`
    listing the missing required columns and the headers found.
    """
    by_header = {column.header: column for column in COLUMNS}
    columns, warnings = {}, []
    for index, header in enumerate(headers):
        name = " ".join(header.split()).casefold()
        column = by_header.get(name)
        if column is None:
            if name:
                warnings.append(f"The column “{header}” is not one of ours: it is ignored.")
        elif column.key in columns:
            warnings.append(f"The column “{header}” appears twice: only the first one is read.")
        else:
            columns[column.key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        found = ", ".join(f"“{header}”" for header in headers if header) or "nothing"
        raise SpreadsheetError(
            f"The file lacks the required column{pluralize(len(missing))} "
            f"{', '.join(f'“{header}”' for header in missing)}. Its first row has {found}. "
            "Start from the template: its first row has the column headers."
        )
    return columns, warnings


def pluralize(count):
    return "" if count == 1 else "s"


class _Lookups:
    """Everything a file's rows refer to, fetched once per file (a few queries in all)."""

    CHUNK = 500  # keys per query: SQLite refuses too many parameters in one

    def __init__(self, user, rows, columns, lock):
        User = get_user_model()
        self.user = user
        self.region_ids = permissions.region_ids(user)
        countries = list(Country.objects.select_related("region"))
        self.countries = {country.iso3: country for country in countries}
        self.country_names = {country.name.casefold(): country for country in countries}
        plan = ActionPlan.objects.current()
        self.results = {
            result.code.upper(): result
            for result in ExpectedResult.objects.filter(initiative__action_plan=plan)
            .select_related("initiative__region")
            .order_by()
        }
        self.target_groups = {}
        for group in TargetGroup.objects.all():
            self.target_groups[group.name.casefold()] = group
            self.target_groups[group.code.casefold()] = group
        self.users = {}
        for person in User.objects.filter(is_active=True).exclude(email=""):
            self.users.setdefault(person.email.casefold(), []).append(person)
        self.regions = {region.pk: region for region in Region.objects.all()}

        def keys(key):
            if key not in columns:
                return set()
            return {_text(_cell(cells, columns[key])) for _, cells in rows} - {""}

        uids = {_uid(text) for text in keys("tracker_id")} - {None}
        references = keys("reference")
        found = []
        for field, values in (("uid", list(uids)), ("reference", list(references))):
            for start in range(0, len(values), self.CHUNK):
                found += Activity.objects.filter(
                    **{f"{field}__in": values[start : start + self.CHUNK]}
                ).values_list("pk", flat=True)
        ids = sorted(set(found))
        self.by_uid, self.by_reference = {}, {}
        for start in range(0, len(ids), self.CHUNK):
            chunk = ids[start : start + self.CHUNK]
            if lock:
                # Locked until the import's transaction ends: nobody saves them in between.
                list(Activity.objects.select_for_update().filter(pk__in=chunk).values("pk"))
            activities = Activity.objects.filter(pk__in=chunk).prefetch_related(
                "countries", "expected_results__initiative", "target_groups"
            )
            for activity in activities.select_related("region", "focal_point"):
                self.by_uid[activity.uid] = activity
                if activity.reference:
                    self.by_reference[activity.reference] = activity


def _uid(text):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def prepare_import(data, user, lock=False):
    """Read `data` (an uploaded file's bytes) and say what importing it as `user` would do,
    row by row, with every error: an `ImportPlan`. Saves nothing.

    Raises `SpreadsheetError` when the file as a whole cannot be read, or cannot be read and
    checked within `import_max_seconds()`.
    """
    deadline = Deadline()
    sheet = read_spreadsheet(data, deadline)
    columns, warnings = _columns_of(sheet.headers)
    lookups = _Lookups(user, sheet.rows, columns, lock)
    width = _width(sheet.headers)
    rows, seen_uids, seen_references = [], {}, {}
    for number, cells in sheet.rows:
        deadline.check()
        values = {key: _cell(cells, index) for key, index in columns.items()}
        row = ImportRow(number, values)
        _check_width(row, cells, sheet.headers, width)
        if not row.errors:  # a row cut short or too long: its cells are not where they seem
            _clean_row(row, columns, lookups, seen_uids, seen_references)
        rows.append(row)
    return ImportPlan(rows, warnings, [key for key in HEADER_OF if key in columns])


def _cell(cells, index):
    """The cell `index` of a row; None where the row stops short of it."""
    return cells[index] if index < len(cells) else None


def _width(headers):
    """How many cells a row needs: up to the header row's last header."""
    return max((index + 1 for index, header in enumerate(headers) if header), default=0)


def _check_width(row, cells, headers, width):
    """Errors for a row of a CSV with fewer cells than the header row (a separator missing,
    or a line break in a cell that was not quoted), and for a value under no header (one
    separator too many, or a column added without its header). An empty cell there is fine."""
    if len(cells) < width:
        row.add_error(
            "",
            f"this row has {len(cells)} cell{pluralize(len(cells))} but the header row has "
            f"{width}: a separator is missing, or a line break in a cell cut the row in two. "
            "Fix the row so that each value is under its header",
        )
    extra = [
        index
        for index, cell in enumerate(cells)
        if (index >= len(headers) or not headers[index]) and not _is_empty(cell)
    ]
    if extra:
        more = f" (and {len(extra) - 1} more column{pluralize(len(extra) - 1)})"
        row.add_error(
            "",
            f"column {_column_name(extra[0])} has a value (“{_shortened(_text(cells[extra[0]]))}”) "
            f"but no header{more if len(extra) > 1 else ''}: give the column a header, or move "
            "the value under its own",
        )


def _column_name(index):
    """The column `index` (from 0) as a spreadsheet names it: "A", "T", "AB"."""
    return get_column_letter(index + 1) if index < 16_384 else f"number {index + 1:,}"


def _clean_row(row, columns, lookups, seen_uids, seen_references):
    existing = _existing_activity(row, lookups, seen_uids, seen_references)
    if row.errors:
        return
    values, links = {}, {}
    for column in COLUMNS:
        key = column.key
        if key not in columns or key == "tracker_id":
            continue
        cell = row.cells[key]
        if cell is FORMULA_WITHOUT_VALUE:
            row.add_error(key, "a formula without a value; type the value")
            continue
        text = _text(cell)
        if not text:
            if column.required:
                row.add_error(key, "required, but empty")
                continue
            if existing is not None and key in LINK_COLUMNS:
                links[key] = []
                continue
        try:
            if key in LINK_COLUMNS:
                links[key] = CLEAN_LINKS[key](text, lookups, existing)
            else:
                values[FIELD_OF_COLUMN[key]] = CLEAN_VALUES.get(key, _clean_text)(
                    cell, text, lookups
                )
        except RowError as error:
            for message in error.messages:
                row.add_error(key, message)
    if row.errors:
        return
    activity = existing or Activity()
    if existing is None:
        # Columns left out of the file take the model's defaults on a new activity.
        values.setdefault("currency", "USD")
    region = _region_of(row, links.get("countries"), existing, lookups)
    if row.errors:
        return
    if region is not None and region.pk not in lookups.region_ids:
        row.add_error("", f"{region.code} activity outside your regions")
        return
    if existing is not None and existing.region_id not in lookups.region_ids:
        row.add_error(
            "", f"{lookups.regions[existing.region_id].code} activity outside your regions"
        )
        return
    region = region or existing.region
    results = links.get("expected_results")
    if results is None and existing is not None:
        results = list(existing.expected_results.all())
    countries = links.get("countries", [])
    for field_name, messages in services.link_errors(region, countries, results or []).items():
        for message in messages:
            row.add_error(field_name, message)
    row.links = links
    row.changes = _changes(existing, values, links, region)
    if existing is not None and existing.is_archived and row.changes:
        row.add_error("", f"“{existing}” is archived: restore it before importing changes to it")
    for name, value in values.items():
        setattr(activity, name, value)
    activity.region = region
    _model_errors(row, activity)
    if row.errors:
        return
    row.activity = activity
    row.action = CREATE if existing is None else (UPDATE if row.changes else UNCHANGED)


def _existing_activity(row, lookups, seen_uids, seen_references):
    """The activity a row updates (by tracker id, else by reference) or None for a new one."""
    existing = None
    tracker_id = _text(row.cells.get("tracker_id"))
    reference = _text(row.cells.get("reference"))
    if tracker_id:
        uid = _uid(tracker_id)
        if uid is None:
            row.add_error("tracker_id", f"“{tracker_id}” is not a tracker id")
            return None
        existing = lookups.by_uid.get(uid)
        if existing is None:
            row.add_error(
                "tracker_id",
                f"no activity has the tracker id {tracker_id}; leave it empty for a new activity",
            )
            return None
        if uid in seen_uids:
            row.add_error("tracker_id", f"the same activity as row {seen_uids[uid]}")
        seen_uids.setdefault(uid, row.number)
    if reference:
        owner = lookups.by_reference.get(reference)
        if existing is None:
            existing = owner
        elif owner is not None and owner.pk != existing.pk:
            row.add_error("reference", f"{reference} is already the reference of “{owner}”")
        if reference in seen_references:
            row.add_error(
                "reference",
                f"{reference} appears twice in the file (rows {seen_references[reference]} "
                f"and {row.number})",
            )
        seen_references.setdefault(reference, row.number)
    if existing is not None and existing.uid not in seen_uids:
        seen_uids[existing.uid] = row.number
    return existing


class RowError(Exception):
    """What is wrong with one cell: one or several messages."""

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = messages


def _items(text):
    return [item.strip() for item in text.split(";") if item.strip()]


def _clean_countries(text, lookups, existing):
    countries, errors = [], []
    for item in _items(text):
        country = lookups.countries.get(item.upper()) or lookups.country_names.get(item.casefold())
        if country is None and len(item) > 3:
            # A part of a name is accepted when it names one country only ("Micronesia").
            matches = [c for name, c in lookups.country_names.items() if item.casefold() in name]
            if len(matches) == 1:
                country = matches[0]
            elif len(matches) > 1:
                names = ", ".join(sorted(c.name for c in matches)[:5])
                errors.append(f"“{item}” could be {names}: write its ISO alpha-3 code")
                continue
        if country is None:
            if re.fullmatch(r"[A-Za-z]{3}", item):
                errors.append(f"'{item}' is not a country code")
            else:
                errors.append(f"“{item}” is not a country; write its ISO alpha-3 code")
        elif country not in countries:
            countries.append(country)
    if errors:
        raise RowError(*errors)
    if not countries:
        raise RowError("required, but empty")
    return countries


def _clean_expected_results(text, lookups, existing):
    # An activity may keep an expected result of an earlier action plan it was linked to.
    own = {r.code.upper(): r for r in existing.expected_results.all()} if existing else {}
    results, errors = [], []
    for item in _items(text):
        result = lookups.results.get(item.upper()) or own.get(item.upper())
        if result is None:
            errors.append(f"{item} does not exist")
        elif result not in results:
            results.append(result)
    if errors:
        raise RowError(*errors)
    if not results:
        raise RowError("required, but empty")
    return results


def _clean_target_groups(text, lookups, existing):
    groups, errors = [], []
    for item in _items(text):
        group = lookups.target_groups.get(item.casefold())
        if group is None:
            known = sorted({g.name for g in lookups.target_groups.values()})
            errors.append(f"“{item}” is not a target group; use {', '.join(known)}")
        elif group not in groups:
            groups.append(group)
    if errors:
        raise RowError(*errors)
    return groups


CLEAN_LINKS = {
    "countries": _clean_countries,
    "expected_results": _clean_expected_results,
    "target_groups": _clean_target_groups,
}


def _clean_text(cell, text, lookups):
    return text


def _choice(choices, what):
    """A cleaner of a choice column: the label or the stored value, in any case."""
    by_text = {}
    for value, label in choices.choices:
        by_text[str(label).casefold()] = value
        by_text[value.casefold()] = value

    def clean(cell, text, lookups):
        if not text:
            return ""
        value = by_text.get(text.casefold())
        if value is None:
            labels = ", ".join(str(label) for label in choices.labels)
            raise RowError(f"“{text}” is not a {what}; use one of {labels}")
        return value

    return clean


def _clean_date(cell, text, lookups):
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if not text:
        return None
    with contextlib.suppress(ValueError):
        return datetime.date.fromisoformat(text)  # the usual case, and the quickest
    for format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(" ".join(text.split()), format).date()
        except ValueError:
            continue
    raise RowError(f"“{text}” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-05")


def _number(cell, text):
    """A number from a cell: a number cell, or text with an optional thousands separator;
    never infinite nor "NaN"."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        number = decimal.Decimal(str(cell))
    else:
        compact = re.sub(r"[\s\u00a0\u202f_']", "", text)
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", compact):
            compact = compact.replace(",", "")
        try:
            number = decimal.Decimal(compact)
        except decimal.InvalidOperation:
            raise RowError(f"“{_shortened(text)}” is not a number") from None
    if not number.is_finite():
        raise RowError(f"“{_shortened(text)}” is not a number")
    return number


def _shortened(text, length=40):
    """`text` as an error message quotes it: at most `length` characters."""
    return text if len(text) <= length else text[: length - 1] + "…"


# The model fields' own limits, so that no number reaches the database that it cannot hold:
# a budget has at most 14 digits, 2 of them decimals; people reached are a PositiveIntegerField.
_BUDGET_FIELD = Activity._meta.get_field("budget_amount")
BUDGET_LIMIT = decimal.Decimal(10) ** (_BUDGET_FIELD.max_digits - _BUDGET_FIELD.decimal_places)
CENTS = decimal.Decimal(1).scaleb(-_BUDGET_FIELD.decimal_places)
PEOPLE_MAX = BaseDatabaseOperations.integer_field_ranges["PositiveIntegerField"][1]


def _clean_budget(cell, text, lookups):
    if not text:
        return None
    budget = _number(cell, text)
    if budget < 0:
        raise RowError(f"{_shortened(text)} is negative; the budget is 0 or more")
    too_large = f"{_shortened(text)} is too large for a budget; at most {BUDGET_LIMIT - CENTS:,}"
    if budget >= BUDGET_LIMIT:  # before rounding: a number of a million digits is not rounded
        raise RowError(too_large)
    budget = budget.quantize(CENTS, rounding=decimal.ROUND_HALF_UP)
    if budget >= BUDGET_LIMIT:  # 999,999,999,999.999 rounds up to 13 digits before the point
        raise RowError(too_large)
    return budget


def _clean_people(cell, text, lookups):
    if not text:
        return 0
    number = _number(cell, text)
    if number != number.to_integral_value():
        raise RowError(f"{_shortened(text)} is not a whole number")
    if number < 0:
        raise RowError(f"{_shortened(text)} is negative; write 0 or more")
    if number > PEOPLE_MAX:
        raise RowError(f"{_shortened(text)} is too large; at most {PEOPLE_MAX:,}")
    return int(number)


def _clean_currency(cell, text, lookups):
    if not text:
        return "USD"
    if not re.fullmatch(r"[A-Za-z]{3}", text):
        raise RowError(f"“{text}” is not a currency code; write three letters, e.g. USD")
    return text.upper()


def _clean_focal_point(cell, text, lookups):
    if not text:
        return None
    people = lookups.users.get(text.casefold(), [])
    if not people:
        raise RowError(f"{text} is not the e-mail of a tracker user")
    if len(people) > 1:
        raise RowError(f"{text} is the e-mail of several users; ask an administrator")
    return people[0]


CLEAN_VALUES = {
    "status": _choice(Activity.Status, "status"),
    "modality": _choice(Activity.Modality, "modality"),
    "funding_source": _choice(Activity.FundingSource, "funding source"),
    "start_date": _clean_date,
    "end_date": _clean_date,
    "budget": _clean_budget,
    "people_reached_women": _clean_people,
    "people_reached_men": _clean_people,
    "currency": _clean_currency,
    "focal_point_email": _clean_focal_point,
}


def _region_of(row, countries, existing, lookups):
    """The region of a row's countries (None when the row leaves them as they are)."""
    if countries is None:
        return None
    regions = {country.region_id for country in countries}
    if len(regions) > 1:
        by_region = {}
        for country in countries:
            by_region.setdefault(lookups.regions[country.region_id].name, []).append(country.name)
        shown = "; ".join(f"{', '.join(names)} in {name}" for name, names in by_region.items())
        row.add_error(
            "countries",
            f"the countries are in several regions ({shown}); an activity works in one region",
        )
        return None
    return lookups.regions[regions.pop()]


def _shown(name, value):
    """A value as the preview shows it, in the words of the file."""
    if value is None or value == "" or value == []:
        return "—"
    if name in LINK_COLUMNS:
        return "; ".join(sorted(_link_text(item) for item in value))
    if name == "focal_point":
        return value.email or value.username
    field = Activity._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _link_text(item):
    if isinstance(item, Country):
        return item.iso3
    if isinstance(item, ExpectedResult):
        return item.code
    return item.name


def _normal(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def _changes(existing, values, links, region):
    """What a row changes, as `services.Change`s labelled by column header."""
    changes = []
    if existing is None:
        return changes  # a new activity: the preview says so, not each of its values
    for name, new in values.items():
        old = getattr(existing, name) if existing is not None else None
        if existing is not None and _normal(old) == _normal(new):
            values[name] = old  # the same once trimmed: keep it exactly as it is
            continue
        if existing is None and new in (None, "", 0):
            continue
        changes.append(
            services.Change(HEADER_OF[COLUMN_OF_FIELD[name]], _shown(name, old), _shown(name, new))
        )
    for key, new in links.items():
        old = list(getattr(existing, key).all()) if existing is not None else []
        if {item.pk for item in old} != {item.pk for item in new}:
            changes.append(services.Change(HEADER_OF[key], _shown(key, old), _shown(key, new)))
    return changes


def _model_errors(row, activity):
    """The model's own checks (lengths, choices, required fields), and its check constraints
    evaluated here rather than by a query per row; uniqueness is checked against the file and
    the activities fetched with it (see `_existing_activity`)."""
    try:
        activity.full_clean(
            exclude=["uid", "region", "focal_point", "created_by", "updated_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = COLUMN_OF_FIELD.get(name, "")
            for message in messages:
                row.add_error(key, message.rstrip(".").replace("Ensure this value", "it"))
    if activity.end_date and activity.start_date and activity.end_date < activity.start_date:
        row.add_error(
            "end_date",
            f"{activity.end_date.isoformat()} is before the start date "
            f"{activity.start_date.isoformat()}",
        )


# --- Import: saving ------------------------------------------------------------------------


def import_rows(data, user, filename):
    """Import a file's rows as `user`: every valid row saved, or nothing.

    Reads and validates the file again inside one transaction, with the activities it updates
    locked; raises `ImportFailed` (with the `ImportPlan` and its errors) when any row is wrong,
    `SpreadsheetError` when the file cannot be read. Unchanged rows are left alone; each created
    or updated activity gets one history row, "Imported from <filename>". Returns the plan.
    """
    reason = f"Imported from {filename}"[:100]
    with transaction.atomic():
        plan = prepare_import(data, user, lock=True)
        if plan.has_errors:
            raise ImportFailed(plan)
        try:
            with transaction.atomic():
                _save_rows(plan, user, reason)
        except IntegrityError as error:
            # Another save between the checks and this one (a reference taken meanwhile).
            plan.rows[0].errors.append(("", f"the database refused the import ({error})"))
            raise ImportFailed(plan) from error
    return plan


def _save_rows(plan, user, reason):
    """Save the rows to create or update, their links and their history, in a few queries per
    hundred rows (never a query per cell)."""
    created = [row.activity for row in plan.rows if row.action == CREATE]
    updated = [row for row in plan.rows if row.action == UPDATE]
    for activity in created:
        activity.created_by = activity.updated_by = user
        activity.version = 1
    Activity.objects.bulk_create(created, batch_size=SAVE_BATCH)
    if created and created[0].pk is None:  # a database that does not return the new ids
        for activity in created:
            activity.pk = Activity.objects.values_list("pk", flat=True).get(uid=activity.uid)
    through = {
        "countries": (ActivityCountry, "country"),
        "expected_results": (ActivityExpectedResult, "expected_result"),
        "target_groups": (Activity.target_groups.through, "targetgroup"),
    }
    new_links = {key: [] for key in through}
    for row in updated:
        activity = row.activity
        activity.updated_by = user
        activity.version += 1
        activity.save_without_historical_record()
        for key, (model, target) in through.items():
            if key in row.links:
                model.objects.filter(activity=activity).exclude(
                    **{f"{target}__in": row.links[key]}
                ).delete()
    for row in [*(r for r in plan.rows if r.action == CREATE), *updated]:
        activity = row.activity
        old = set() if row.action == CREATE else None
        for key, (model, target) in through.items():
            had = old if old is not None else {item.pk for item in getattr(activity, key).all()}
            for item in row.links.get(key, []):
                if item.pk not in had:
                    new_links[key].append(model(activity=activity, **{target: item}))
    for key, (model, _target) in through.items():
        model.objects.bulk_create(new_links[key], batch_size=SAVE_BATCH)
    services.write_histories(
        [*created, *(row.activity for row in updated)],
        user,
        reason=reason,
        created={activity.pk for activity in created},
    )
    signals.bulk_saved.send(sender=Activity)


SAVE_BATCH = 500
