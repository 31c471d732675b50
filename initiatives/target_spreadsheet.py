"""Targets in bulk: the targets spreadsheet of an action plan (one row per indicator, one column
per year of the plan and one for its end), and its import — upload, a preview that says cell by
cell what would change and every error, then a confirmation that saves every target or none.

Reached from the admin's Targets list (`TargetAdmin.get_urls`), by those who may add and change
targets (`may_import_targets`). An empty cell leaves a target as it is; no target is deleted
from a spreadsheet. A revised target needs a reason, which its history keeps with the user.

The activity import's reader and writer (`activities.spreadsheets`) are not used: nothing in
`initiatives` imports `activities` (tests/test_app_dependencies.py). What this file needs of
them is small: a text cell written as a string, never as a formula (`_text_cell`), and a reader
with the same kind of bounds (file size, rows, what an .xlsx unpacks to).
"""

import csv
import datetime
import decimal
import functools
import hashlib
import io
import json
import re
import secrets
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from initiatives.models import ActionPlan, Indicator, Region, Target
from initiatives.validators import CONTROLS, NONCHARACTERS, SURROGATES, validate_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "Targets"
HELP_SHEET_TITLE = "How to fill in"

# The columns, by their headers (matched without regard to case or spacing). Four name the
# indicator; "indicator", "name", "unit" and "baseline" are there to read, and changing them
# changes nothing; then one column a year of the plan ("target 2026"), "target end of plan",
# and "reason".
KEY_HEADERS = ["plan", "initiative", "result number", "indicator code"]
INFO_HEADERS = ["indicator", "name", "unit", "baseline"]
END_OF_PLAN = "target end of plan"
REASON = "reason"
YEAR_HEADER = re.compile(r"target (\d{4})")

MAX_ROWS = 5_000  # rows under the header, empty ones included
MAX_COLUMNS = 40  # columns read from a sheet: ours are 13 for a plan of four years
SESSION_KEY = "initiatives:target-import"
PERMISSIONS = ("initiatives.add_target", "initiatives.change_target")
# Words someone might write to remove a target: refused with a message that says how.
DELETE_WORDS = {"delete", "remove", "none", "n/a", "x"}

NOT_A_SPREADSHEET = (
    "This file is not an .xlsx or .csv spreadsheet. Save it from Excel as “Excel Workbook "
    "(.xlsx)” or “CSV UTF-8 (comma delimited)” and upload it again."
)


def may_import_targets(user):
    """Whether `user` may download the targets spreadsheet and import it: add and change
    targets (an administrator's permissions)."""
    return user.has_perms(PERMISSIONS)


def max_bytes():
    """The largest file accepted, in bytes: the activity import's limit (IMPORT_MAX_BYTES)."""
    return getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def max_unpacked_bytes():
    """The most an .xlsx may unpack to (IMPORT_MAX_UNPACKED_BYTES): more is a zip bomb."""
    return getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)


def reason_max_length():
    """The longest reason a history row keeps."""
    return Target.history.model._meta.get_field("history_change_reason").max_length


def megabytes(size):
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


# --- The spreadsheet: one row per indicator of a plan, today's targets --------------------------


def headers(plan):
    """The header row of `plan`'s targets spreadsheet."""
    return [
        "indicator",
        *KEY_HEADERS,
        "name",
        "unit",
        "baseline",
        *[f"target {year}" for year in plan.years],
        END_OF_PLAN,
        REASON,
    ]


def indicators_of(plan, region=None):
    """The indicators of `plan` (and of `region`'s initiatives when given), in the order of the
    spreadsheet, with what its rows show: two queries."""
    indicators = Indicator.objects.filter(expected_result__initiative__action_plan=plan)
    if region is not None:
        indicators = indicators.filter(expected_result__initiative__region=region)
    return (
        indicators.select_related("expected_result__initiative__action_plan")
        .prefetch_related("targets")
        .order_by(
            "expected_result__initiative__region__code",
            "expected_result__initiative__code",
            "expected_result__number",
            "code",
        )
    )


def unit_label(indicator):
    """The unit as the spreadsheet shows it, with the values it allows: "Percent (0 to 100)"."""
    limit = indicator.max_value
    label = indicator.get_unit_display()
    return label if limit is None else f"{label} (0 to {limit})"


def target_rows(plan, region=None):
    """The rows of `plan`'s targets spreadsheet: each indicator with today's targets."""
    for indicator in indicators_of(plan, region):
        result = indicator.expected_result
        targets = {target.year: target.value for target in indicator.targets.all()}
        yield [
            indicator.full_code,
            plan.code,
            result.initiative.code,
            result.number,
            indicator.code,
            indicator.name,
            unit_label(indicator),
            indicator.baseline_value,
            *[targets.get(year) for year in plan.years],
            targets.get(None),
            None,
        ]


# What XML cannot hold: rows saved before the text validator may still hold some.
_NOT_IN_XML = re.compile(f"[{CONTROLS}{SURROGATES}{NONCHARACTERS}]")


def _text_cell(sheet, text):
    """A text cell that is a string whatever it starts with: never a formula ("=…" included),
    so no quote needs to be added, nor taken out on import."""
    cell = WriteOnlyCell(sheet, value=_NOT_IN_XML.sub("", text))
    cell.data_type = "s"
    return cell


def _cells(sheet, values, font=None):
    cells = []
    for value in values:
        cell = _text_cell(sheet, value) if isinstance(value, str) else WriteOnlyCell(sheet, value)
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


HELP_TEXT = [
    "One row per indicator. Plan, initiative, result number and indicator code name the "
    "indicator: leave them as they are.",
    "Indicator, name, unit and baseline are there to read: changing them changes nothing.",
    "Write a target as a number in its year's column, or in “target end of plan”: at most two "
    "decimals, not negative; a percent as 0 to 100 (45 for 45%), yes or no as 1 or 0, a "
    "milestone as 0 to 4.",
    "An empty cell leaves the target as it is. Targets are not deleted from the spreadsheet: "
    "delete one on its indicator's page in the admin.",
    "Changing a target that exists needs a reason, in the row's “reason” column: its history "
    "keeps it, with your name and the old value.",
    "Upload the file under Targets → Import targets: a preview shows every change and every "
    "error, and nothing is saved until you confirm. A file with any error saves nothing.",
]


def write_xlsx(plan, region, stream):
    """Write `plan`'s targets spreadsheet (of `region`'s initiatives when given) to the binary
    file `stream`: the sheet "Targets", bold frozen header, and a sheet "How to fill in"."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    columns = headers(plan)
    widths = {"indicator": 14, "plan": 10, "initiative": 10, "name": 50, "unit": 18, REASON: 40}
    for index, header in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, 15)
    sheet.freeze_panes = "F2"
    sheet.append(_cells(sheet, columns, Font(bold=True)))
    for row in target_rows(plan, region):
        sheet.append(_cells(sheet, row))
    help_sheet = workbook.create_sheet(HELP_SHEET_TITLE)
    help_sheet.column_dimensions["A"].width = 120
    help_sheet.append(_cells(help_sheet, [f"Targets of {plan.code}"], Font(bold=True)))
    for line in HELP_TEXT:
        help_sheet.append(_cells(help_sheet, [line]))
    workbook.save(stream)


# --- Reading an upload: an .xlsx or a .csv, within bounds ---------------------------------------


class TargetFileError(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass
class Upload:
    """What a file holds: its columns by key ({"target 2026": "I", …}) and its non-empty rows
    as [row number, {key: cell text}], with the row numbers a spreadsheet shows."""

    columns: dict
    rows: list


def header_key(text):
    """A header as the import matches it: lower case, single spaces."""
    return " ".join(text.lower().split())


def text_of(value):
    """A cell as text: numbers without a trailing ".0", dates in ISO form, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_upload(data):
    """Read an uploaded file's bytes (.xlsx or .csv, told apart by content) into an `Upload`.
    Raises `TargetFileError` for a file too big, empty, that is no spreadsheet, with more
    than MAX_ROWS rows, or whose columns are not those of the targets spreadsheet."""
    if len(data) > max_bytes():
        raise TargetFileError(
            f"The file is {megabytes(len(data))}; at most {megabytes(max_bytes())} can be "
            "imported at once. Split it into several files."
        )
    if not data.strip():
        raise TargetFileError("The file is empty.")
    lines = _xlsx_lines(data) if data.startswith(b"PK\x03\x04") else _csv_lines(data)
    header, rows = None, []
    try:
        for number, values in lines:
            if number > MAX_ROWS + 1:
                raise TargetFileError(
                    f"The file has more than {MAX_ROWS + 1:,} rows (a header row and "
                    f"{MAX_ROWS:,} indicators), counting its empty rows. Delete the empty rows "
                    "under the indicators, or split the file, and upload it again."
                )
            texts = [text_of(value) for value in values[:MAX_COLUMNS]]
            if not any(texts):
                continue
            if header is None:
                header = texts
            else:
                rows.append((number, texts))
    except csv.Error as error:
        raise TargetFileError(f"{NOT_A_SPREADSHEET} ({error})") from None
    except _XLSX_ERRORS:
        raise TargetFileError(NOT_A_SPREADSHEET) from None
    if header is None or not rows:
        raise TargetFileError(
            "The file has no indicators: download the targets spreadsheet, fill it in and "
            "upload it."
        )
    columns = _columns(header)
    keys = [header_key(text) for text in header]
    return Upload(
        {key: letter for key, letter in columns.items() if key not in INFO_HEADERS},
        [[number, _row_cells(texts, keys)] for number, texts in rows],
    )


def is_known_header(key):
    return key in (*KEY_HEADERS, *INFO_HEADERS, END_OF_PLAN, REASON) or bool(
        YEAR_HEADER.fullmatch(key)
    )


def _columns(header):
    """{key: column letter} of a header row; refuses unknown, repeated and missing columns."""
    columns, unknown, repeated = {}, [], []
    for index, text in enumerate(header):
        key, letter = header_key(text), get_column_letter(index + 1)
        if not key:
            continue  # a value under no header is an error of its row
        if key in columns:
            repeated.append(f"“{text}”")
        elif not is_known_header(key):
            unknown.append(f"“{text}” (column {letter})")
        columns[key] = letter
    problems = []
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    if repeated:
        problems.append(f"columns named twice: {', '.join(repeated)}")
    missing = [key for key in KEY_HEADERS if key not in columns]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if not any(key == END_OF_PLAN or YEAR_HEADER.fullmatch(key) for key in columns):
        problems.append("no target column (“target 2026”, …, “target end of plan”)")
    if problems:
        raise TargetFileError(
            f"This is not the targets spreadsheet: {'; '.join(problems)}. Download the "
            "targets spreadsheet, fill in its columns and upload it again."
        )
    return columns


def _row_cells(texts, keys):
    """{key: text} of the cells of a row that the import reads (`keys`: the header's, in
    order), and under "" the letters of the cells under no header that hold something."""
    cells, stray = {}, []
    for index, text in enumerate(texts):
        key = keys[index] if index < len(keys) else ""
        if not key:
            if text:
                stray.append(get_column_letter(index + 1))
        elif key not in INFO_HEADERS:
            cells[key] = text
    if stray:
        cells[""] = stray
    return cells


def _csv_lines(data):
    """The records of a CSV file in UTF-8 (with or without BOM), `,` or `;` separated."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TargetFileError(
            f"{NOT_A_SPREADSHEET} A CSV file must be saved in UTF-8 (“CSV UTF-8”)."
        ) from None
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text[:4096]):
        raise TargetFileError(NOT_A_SPREADSHEET)
    header_line = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    return enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)


# What openpyxl and zipfile raise on a damaged or disguised file: "not a spreadsheet".
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
    SyntaxError,  # the XML parsers' errors
)


def _xlsx_lines(data):
    """The rows of the sheet "Targets" (else the first) of an .xlsx, as cell values
    (formulas give the value Excel calculated). A file that unpacks to more than
    `max_unpacked_bytes()` is refused before anything is unpacked (zipfile never unpacks a
    member to more than its declared size)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(member.file_size for member in archive.infolist())
        names = archive.namelist()
    except _XLSX_ERRORS:
        raise TargetFileError(NOT_A_SPREADSHEET) from None
    if unpacked > max_unpacked_bytes():
        raise TargetFileError(
            f"This .xlsx file unpacks to {megabytes(unpacked)}, far more than a sheet of targets "
            f"holds (at most {megabytes(max_unpacked_bytes())}). Save the sheet again from "
            "Excel, or as CSV, and upload that."
        )
    if "xl/workbook.xml" not in names:
        raise TargetFileError(NOT_A_SPREADSHEET)  # a zip, a .docx, an .ods: not an .xlsx
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if SHEET_TITLE in workbook.sheetnames:
            sheet = workbook[SHEET_TITLE]
        else:
            sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # declared dimensions can be anything: read what exists
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except _XLSX_ERRORS:
        raise TargetFileError(NOT_A_SPREADSHEET) from None
    try:
        yield from enumerate(rows, start=1)
    finally:
        workbook.close()


# --- Checking: what each row would change, and every error --------------------------------------


@dataclass
class Change:
    """A target a row sets: new (`old` None) or revised; `target` is the saved one, if any."""

    year: int | None
    old: decimal.Decimal | None
    new: decimal.Decimal
    target: Target | None = None

    @property
    def label(self):
        return END_OF_PLAN if self.year is None else f"target {self.year}"

    @property
    def is_revision(self):
        return self.old is not None


@dataclass
class RowCheck:
    """One row of the file: its indicator, the changes it makes, and its errors as
    (where, message), where = "target 2027 (column J)"."""

    number: int
    label: str
    indicator: Indicator | None = None
    reason: str = ""
    changes: list = dataclass_field(default_factory=list)
    errors: list = dataclass_field(default_factory=list)

    @property
    def messages(self):
        """The errors as a person reads them: "Row 5, target 2027 (column J): …"."""
        return [
            f"Row {self.number}, {where}: {message}" if where else f"Row {self.number}: {message}"
            for where, message in self.errors
        ]


@dataclass
class Preview:
    """What importing a file would do: its rows that change something or have errors, and how
    many leave everything as it is."""

    rows: list
    unchanged: int

    @property
    def to_create(self):
        return sum(not c.is_revision for row in self.rows for c in row.changes)

    @property
    def to_revise(self):
        return sum(c.is_revision for row in self.rows for c in row.changes)

    @property
    def error_count(self):
        return sum(len(row.errors) for row in self.rows)

    @property
    def has_errors(self):
        return any(row.errors for row in self.rows)

    @property
    def has_changes(self):
        return any(row.changes for row in self.rows)

    @property
    def error_messages(self):
        return [message for row in self.rows for message in row.messages]

    def digest(self):
        """A fingerprint of the changes, so a confirmation saves only what the preview showed."""
        changes = [
            [row.indicator.pk, row.reason, c.year, _plain(c.old), _plain(c.new)]
            for row in self.rows
            for c in row.changes
        ]
        return hashlib.sha256(json.dumps(changes).encode()).hexdigest()


def _plain(value):
    return None if value is None else f"{value.normalize():f}"


def target_year(key):
    """The year a target column is for (None: the plan's end), or False for another column."""
    if key == END_OF_PLAN:
        return None
    match = YEAR_HEADER.fullmatch(key)
    return int(match[1]) if match else False


def known_indicators(rows, lock=False):
    """{(plan code, initiative code, result number, code): indicator} of the plans `rows` name,
    with their targets (locked for the save when `lock`): a few queries, whatever the rows."""
    plan_codes = {cells.get("plan", "") for _number, cells in rows}
    targets = Target.objects.select_for_update() if lock else Target.objects.all()
    indicators = (
        Indicator.objects.filter(expected_result__initiative__action_plan__code__in=plan_codes)
        .select_related("expected_result__initiative__action_plan")
        .prefetch_related(Prefetch("targets", queryset=targets))
    )
    return {
        (
            indicator.expected_result.initiative.action_plan.code,
            indicator.expected_result.initiative.code,
            indicator.expected_result.number,
            indicator.code,
        ): indicator
        for indicator in indicators
    }


def check_rows(upload, lock=False):
    """The `Preview` of an `Upload` against the database: each row's changes and errors."""
    indicators = known_indicators(upload.rows, lock)
    seen, checked, unchanged = {}, [], 0
    for number, cells in upload.rows:
        row = _check_row(number, cells, upload.columns, indicators, seen)
        if row.changes or row.errors:
            checked.append(row)
        else:
            unchanged += 1
    return Preview(checked, unchanged)


def _where(columns, key):
    letter = columns.get(key)
    return f"{key} (column {letter})" if letter else f"{key} (no such column)"


def _check_row(number, cells, columns, indicators, seen):
    key_texts = [cells.get(key, "") for key in KEY_HEADERS]
    row = RowCheck(number, " ".join(text for text in key_texts if text))
    for letter in cells.get("", []):
        row.errors.append((f"column {letter}", "a value in a column with no header: remove it."))
    _find_indicator(row, key_texts, columns, indicators, seen)
    for key, text in cells.items():
        year = target_year(key)
        if year is False or not text:
            continue
        value = _check_value(row, _where(columns, key), text, year)
        if value is not None and row.indicator is not None:
            current = next((t for t in row.indicator.targets.all() if t.year == year), None)
            if current is None or current.value != value:
                old = None if current is None else current.value
                row.changes.append(Change(year, old, value, current))
    row.changes.sort(key=lambda change: (change.year is None, change.year or 0))
    _check_reason(row, cells.get(REASON, ""), columns)
    if row.errors:
        row.changes = []
    return row


def _find_indicator(row, key_texts, columns, indicators, seen):
    where = f"{', '.join(KEY_HEADERS)} (columns {', '.join(columns[k] for k in KEY_HEADERS)})"
    if not all(key_texts):
        row.errors.append((where, "fill in all four: they name the indicator."))
        return
    plan, initiative, number, code = key_texts
    if not number.isdigit():
        where = _where(columns, "result number")
        row.errors.append((where, f"“{number}” is not a whole number."))
        return
    key = (plan, initiative, int(number), code)
    indicator = indicators.get(key)
    if indicator is None:
        row.errors.append((where, f"there is no indicator {initiative}.{number}-{code} in {plan}."))
        return
    row.label = f"{indicator.full_code} {indicator.name}"
    if key in seen:
        row.errors.append(
            (where, f"{indicator.full_code} is also on row {seen[key]}: one row per indicator.")
        )
        return
    seen[key] = row.number
    row.indicator = indicator


def _check_value(row, where, text, year):
    """The target `text` means, or None after adding its errors to `row`."""
    if text.lower() in DELETE_WORDS:
        row.errors.append(
            (
                where,
                f"“{text}”: targets are not deleted from a spreadsheet. Leave the cell empty to "
                "keep the target, or delete it on its indicator's page.",
            )
        )
        return None
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        row.errors.append(
            (where, f"“{text}” is not a number: write it with a point for decimals (1234.5).")
        )
        return None
    if value < 0:
        row.errors.append((where, "a target cannot be negative."))
        return None
    # The model's own checks: digits and decimals, the plan's years, the unit's maximum.
    target = Target(indicator=row.indicator, year=year, value=value)
    try:
        target.clean_fields(exclude=["indicator"])
        target.clean()
    except ValidationError as error:
        for message in error.messages:
            row.errors.append((where, message))
        return None
    return value


def _check_reason(row, reason, columns):
    row.reason = reason
    where = _where(columns, REASON)
    if len(reason) > reason_max_length():
        row.errors.append(
            (where, f"at most {reason_max_length()} characters (this one has {len(reason)}).")
        )
    try:
        validate_text(reason)
    except ValidationError as error:
        row.errors.extend((where, message) for message in error.messages)
    revised = [change for change in row.changes if change.is_revision]
    if revised and not reason:
        shown = ", ".join(f"{c.label} from {_plain(c.old)} to {_plain(c.new)}" for c in revised)
        row.errors.append((where, f"say why the target changes ({shown}): the history keeps it."))


# --- Saving: every change of a preview, or none -------------------------------------------------


class StalePreview(Exception):
    """The file no longer does what its preview showed: the targets changed since."""


def save_targets(upload, digest, user, filename):
    """Save the changes of `upload` — when they are still those of the preview whose `digest`
    is given — by `user`, in one transaction. Returns (created, revised)."""
    default_reason = f"Imported from {filename}"[: reason_max_length()]
    created = revised = 0
    try:
        with transaction.atomic():
            preview = check_rows(upload, lock=True)
            if preview.has_errors or preview.digest() != digest:
                raise StalePreview
            for row in preview.rows:
                for change in row.changes:
                    target = change.target or Target(indicator=row.indicator, year=change.year)
                    target.value = change.new
                    target._history_user = user
                    target._change_reason = row.reason or default_reason
                    target.save()
                    revised += change.is_revision
                    created += not change.is_revision
    except IntegrityError:
        raise StalePreview from None  # a target made meanwhile by someone else
    return created, revised


# --- The admin pages: download, upload and preview, confirm -------------------------------------


class TargetDownloadForm(forms.Form):
    plan = forms.ModelChoiceField(
        ActionPlan.objects.all(), to_field_name="code", empty_label=None, label="Action plan"
    )
    region = forms.ModelChoiceField(
        Region.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="All regions",
        label="Region",
    )


class TargetUploadForm(forms.Form):
    file = forms.FileField(
        label="Targets spreadsheet",
        help_text="The targets spreadsheet, as .xlsx or as CSV (UTF-8).",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise ValidationError(
                f"The file is {megabytes(upload.size)}; at most {megabytes(max_bytes())} can be "
                "imported at once. Split it into several files."
            )
        return upload


def _require_permission(user):
    if not may_import_targets(user):
        raise PermissionDenied


def _render(request, model_admin, template, context):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        **context,
    }
    return TemplateResponse(request, template, context)


def _import_page(request, model_admin, form):
    current = ActionPlan.objects.current()
    download_form = TargetDownloadForm(initial={"plan": current.code if current else None})
    context = {
        "title": "Import targets",
        "form": form,
        "download_form": download_form,
        "max_size": megabytes(max_bytes()),
        "max_rows": f"{MAX_ROWS:,}",
    }
    return _render(request, model_admin, "admin/initiatives/target/import.html", context)


@require_safe
def download_view(request, model_admin):
    """The targets spreadsheet of the chosen plan (default: the current one) and region."""
    _require_permission(request.user)
    params = request.GET.copy()
    if not params.get("plan"):
        current = ActionPlan.objects.current()
        if current is None:
            raise Http404("There is no action plan.")
        params["plan"] = current.code
    form = TargetDownloadForm(params)
    if not form.is_valid():
        raise Http404("No such action plan or region.")
    plan, region = form.cleaned_data["plan"], form.cleaned_data["region"]
    stream = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    write_xlsx(plan, region, stream)
    stream.seek(0)
    scope = f"-{region.code}" if region else ""
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"targets-{plan.code}{scope}-{timezone.localdate():%Y-%m-%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def import_view(request, model_admin):
    """Upload the targets spreadsheet and see what importing it would change, and every error.
    A preview without errors is kept in the session (its rows, bounded by MAX_ROWS) under a
    token that its confirmation must post back."""
    _require_permission(request.user)
    form = TargetUploadForm(request.POST or None, request.FILES or None)
    if not (form.is_bound and form.is_valid()):
        return _import_page(request, model_admin, form)
    upload = form.cleaned_data["file"]
    filename = upload.name[:255]
    try:
        read = read_upload(upload.read())
    except TargetFileError as error:
        form.add_error("file", str(error))
        return _import_page(request, model_admin, form)
    preview = check_rows(read)
    request.session.pop(SESSION_KEY, None)  # a new upload replaces any earlier preview
    token = None
    if preview.has_changes and not preview.has_errors:
        token = secrets.token_urlsafe(32)
        changed = {row.number for row in preview.rows}
        request.session[SESSION_KEY] = {
            "token": token,
            "filename": filename,
            "digest": preview.digest(),
            "columns": read.columns,
            # Only the rows that change something: the others are not saved.
            "rows": [[number, cells] for number, cells in read.rows if number in changed],
        }
    context = {"title": f"Import targets: preview of {filename}", "preview": preview}
    context |= {"filename": filename, "token": token}
    return _render(request, model_admin, "admin/initiatives/target/import_preview.html", context)


@require_POST
def confirm_view(request, model_admin):
    """Save the previewed changes, all or none. Only the preview kept in this session, by its
    token, is saved, and only when the targets have not changed since."""
    _require_permission(request.user)
    stored = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    if stored is None or not secrets.compare_digest(stored["token"].encode(), token.encode()):
        messages.error(
            request,
            "Nothing was saved: there is no preview to confirm (it was confirmed already, or "
            "another upload replaced it). Upload the file again.",
        )
        return redirect("admin:initiatives_target_import")
    del request.session[SESSION_KEY]  # a preview is confirmed once
    filename = stored["filename"]
    upload = Upload(stored["columns"], stored["rows"])
    try:
        created, revised = save_targets(upload, stored["digest"], request.user, filename)
    except StalePreview:
        messages.error(
            request,
            f"Nothing was saved: the targets changed since the preview of {filename} (someone "
            "else may have changed them). Upload the file again to see what it would do now.",
        )
        return redirect("admin:initiatives_target_import")
    messages.success(
        request,
        f"{created} target{'s' if created != 1 else ''} created, {revised} revised, from "
        f"{filename}.",
    )
    return redirect("admin:initiatives_target_changelist")


def admin_urls(model_admin):
    """The URLs of the targets spreadsheet, under the admin's Targets (TargetAdmin.get_urls):
    each view behind the admin's own checks (signed-in staff, CSRF, never cached)."""

    def view(function):
        return model_admin.admin_site.admin_view(
            functools.update_wrapper(functools.partial(function, model_admin=model_admin), function)
        )

    return [
        path("spreadsheet/", view(download_view), name="initiatives_target_spreadsheet"),
        path("import/", view(import_view), name="initiatives_target_import"),
        path("import/confirm/", view(confirm_view), name="initiatives_target_import_confirm"),
    ]
