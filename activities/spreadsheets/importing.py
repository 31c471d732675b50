"""The import: a file's rows checked against the database (`prepare_import`, which says row by
row what importing would do, with every error: an `ImportPlan`), then saved in one transaction
(`import_rows`): every valid row, or nothing.

An .xlsx may carry the activities' budget lines on its sheet "Budget lines", one row a line,
each naming its activity by tracker id, or by the reference it has on the sheet "Activities"
(a new activity has no tracker id yet). The lines given for an activity replace all of its
lines; an activity the sheet does not name keeps its own; a row that names an activity and
gives nothing else says it has none. Every line names an activity of the sheet "Activities",
whose row checks who may write it. A CSV has no budget lines: its activities keep theirs.

The rows are checked a chunk at a time (`CHUNK` rows, the activities they update fetched
for that chunk only), and an import saves each chunk as soon as it is checked, within its one
transaction: a row with errors anywhere stops the saving, and the transaction is rolled back.
Once checked (and saved), a row keeps only what the preview shows of it: 20,000 rows never
hold 20,000 activities with their links in memory at once.

Reading the file and its limits are in `reading`, what each cell means in `cleaning`.
"""

import copy
import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from openpyxl.utils import get_column_letter

from activities import history, money, permissions, services
from activities.models import (
    Activity,
    BudgetLine,
    FundingSource,
    TargetGroup,
)
from activities.spreadsheets.cleaning import (
    CLEAN_BUDGET_VALUES,
    CLEAN_LINKS,
    CLEAN_VALUES,
    NOT_STATED,
    RowError,
    clean_text,
    shortened,
)
from activities.spreadsheets.columns import (
    BUDGET_COLUMNS,
    BUDGET_HEADER_OF,
    BUDGET_SHEET_TITLE,
    COLUMN_OF_FIELD,
    COLUMNS,
    FIELD_OF_COLUMN,
    FORMER_BUDGET_HEADERS,
    HEADER_OF,
    LINK_COLUMNS,
)
from activities.spreadsheets.reading import (
    FORMULA_WITHOUT_VALUE,
    Deadline,
    SpreadsheetError,
    is_empty,
    pluralize,
    read_spreadsheet,
    text_of,
)
from initiatives.models import ActionPlan, Country, ExpectedResult, Region

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
BUDGET_LINES_LABEL = "budget lines"  # how the preview names a change of an activity's lines
# What tells an activity's budget lines apart, in the order of `money.line_key`.
LINE_KEY_FIELDS = ("year", "funding_source", "funding_partner", "currency")
CHUNK = 500  # rows checked (and, in an import, saved) at a time


@dataclass(slots=True)
class ImportRow:
    """One row of the file: what importing it does (`action`), the activity it creates or
    updates (`activity`, with the new values set once valid), what changes (`changes`, as
    `history.Change`s by column header) and what is wrong (`errors`, as (header, message)).

    Once checked, `settle()` keeps what the preview shows (`label`, `activity_id`, the link
    to the activity it updates) and drops the cells; see there what else it keeps."""

    sheet = ""  # the rows of the sheet "Activities"; the preview names the other one's rows

    number: int
    cells: dict | None
    action: str = ""
    activity: Activity | None = None
    current: Activity | None = None  # the activity as the database has it, for an update
    links: dict = dataclass_field(default_factory=dict)
    changes: list = dataclass_field(default_factory=list)
    errors: list = dataclass_field(default_factory=list)
    # The activity's budget lines from the sheet "Budget lines" (unsaved BudgetLines), when
    # they are to be saved: None leaves its lines as they are.
    budget_lines: list | None = None
    shown_label: str | None = None  # the label, once the cells are dropped
    activity_id: int | None = None  # the activity it updates or leaves unchanged

    def add_error(self, key, message):
        self.errors.append((HEADER_OF.get(key, ""), message))

    def settle(self, keep_objects=True):
        """Drop what the row no longer needs once checked (and, in an import, saved): its
        cells, the prefetched links of its activities, and, unless `keep_objects` and the row
        creates or updates an activity, those activities, their links and budget lines (what
        `services.save_activities` takes, for a caller of `prepare_import` that saves)."""
        self.shown_label = self.label
        if self.activity is not None and self.current is not None and not self.errors:
            self.activity_id = self.current.pk
        self.cells = None
        for instance in (self.activity, self.current):
            if isinstance(instance, Activity):
                instance.__dict__.pop("_prefetched_objects_cache", None)
        if not keep_objects or self.errors or self.action not in (CREATE, UPDATE):
            self.activity = self.current = self.budget_lines = None
            self.links = {}

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
        if self.shown_label is not None:
            return self.shown_label
        reference = text_of(self.cells.get("reference"))
        title = text_of(self.cells.get("title")) or (self.activity.title if self.activity else "")
        return f"{reference} {title}".strip() if reference else title


@dataclass(slots=True)
class BudgetLineRow:
    """One row of the sheet "Budget lines": the row of the sheet "Activities" whose activity it
    is for (`activity_row`), the line it gives (`line`, an unsaved BudgetLine; None for a row
    that gives none) and what is wrong (`errors`, as (header, message))."""

    sheet = f"sheet “{BUDGET_SHEET_TITLE}”"
    state = "error"  # the preview lists the rows of this sheet that have errors only

    number: int
    cells: dict | None
    activity_row: ImportRow | None = None
    line: BudgetLine | None = None
    gives_no_line: bool = False
    errors: list = dataclass_field(default_factory=list)
    shown_label: str | None = None
    activity_id = None  # the preview links no activity from a row of this sheet

    def add_error(self, key, message):
        self.errors.append((BUDGET_HEADER_OF.get(key, ""), message))

    @property
    def label(self):
        """The activity the row names, as the preview names it."""
        if self.shown_label is not None:
            return self.shown_label
        if self.activity_row is not None:
            return self.activity_row.label
        return text_of(self.cells.get("reference")) or text_of(self.cells.get("tracker_id"))

    def settle(self):
        """Drop what the row no longer needs once its activity's row is checked: its cells,
        its line (the activity's row keeps the lines it saves) and that row."""
        self.shown_label = self.label
        self.cells = self.line = self.activity_row = None

    @property
    def messages(self):
        """The errors as a person reads them: "sheet “Budget lines”, row 3, currency: …"."""
        where = f"sheet “{BUDGET_SHEET_TITLE}”, row {self.number}"
        return [
            f"{where}, {header}: {message}" if header else f"{where}: {message}"
            for header, message in self.errors
        ]


@dataclass
class ImportPlan:
    """What importing a file does, row by row, and the file's warnings. `budget_line_rows`:
    the rows of its sheet "Budget lines"; `has_budget_sheet`: whether it has that sheet (a
    file without it leaves every activity's budget lines as they are)."""

    rows: list
    warnings: list
    columns: list
    budget_line_rows: list = dataclass_field(default_factory=list)
    has_budget_sheet: bool = False

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
        """The rows with errors: those of the sheet "Activities", then of "Budget lines"."""
        return [row for row in (*self.rows, *self.budget_line_rows) if row.errors]

    @property
    def error_count(self):
        return sum(len(row.errors) for row in (*self.rows, *self.budget_line_rows))

    @property
    def has_errors(self):
        return any(row.errors for row in (*self.rows, *self.budget_line_rows))

    @property
    def has_changes(self):
        return bool(self.to_create or self.to_update)


class ImportFailed(Exception):
    """The file has errors (found again at confirmation): nothing was saved. `plan` says which."""

    def __init__(self, plan):
        super().__init__(f"{plan.error_count} errors: nothing was imported.")
        self.plan = plan


FORMER_BUDGET_WARNING = (
    "The column “{header}” is no longer read: an activity's money is given as budget lines, "
    f"on the sheet “{BUDGET_SHEET_TITLE}” of an .xlsx file (see the template). The activities' "
    "budget lines are left as they are."
)


def _columns_of(headers, all_columns=COLUMNS, sheet=""):
    """{column key: its index in the row}, and warnings for the columns we do not know.

    Headers match case-insensitively, ignoring surrounding spaces. Raises `SpreadsheetError`
    listing the missing required columns and the headers found. `all_columns`: those of the
    sheet (COLUMNS, or BUDGET_COLUMNS for the `sheet` "Budget lines").
    """
    by_header = {
        header: column
        for column in all_columns
        for header in (column.header, *column.former_headers)
    }
    of_sheet = f" of the sheet “{sheet}”" if sheet else ""
    columns, warnings = {}, []
    for index, header in enumerate(headers):
        name = " ".join(header.split()).casefold()
        column = by_header.get(name)
        if column is None:
            if not sheet and name in FORMER_BUDGET_HEADERS:
                warnings.append(FORMER_BUDGET_WARNING.format(header=header))
            elif name:
                warnings.append(
                    f"The column “{header}”{of_sheet} is not one of ours: it is ignored."
                )
        elif column.key in columns:
            warnings.append(
                f"The column “{header}”{of_sheet} appears twice: only the first one is read."
            )
        else:
            columns[column.key] = index
    missing = [c.header for c in all_columns if c.required and c.key not in columns]
    if missing:
        found = ", ".join(f"“{header}”" for header in headers if header) or "nothing"
        raise SpreadsheetError(
            f"{f'The sheet “{sheet}”' if sheet else 'The file'} lacks the required "
            f"column{pluralize(len(missing))} {', '.join(f'“{header}”' for header in missing)}. "
            f"Its first row has {found}. Start from the template: its first row has the column "
            "headers."
        )
    if sheet and "tracker_id" not in columns and "reference" not in columns:
        raise SpreadsheetError(
            f"The sheet “{sheet}” has neither a column “tracker id” nor a column “reference”: "
            "each line names its activity by one of them. Start from the template: its first "
            "row has the column headers."
        )
    return columns, warnings


class _Found(NamedTuple):
    """An activity that a row names by tracker id or reference, as far as telling the rows'
    activities apart needs it (the whole activity is fetched with the row's chunk)."""

    pk: int
    uid: uuid.UUID
    reference: str
    title: str

    def __str__(self):
        return self.title  # as Activity's


class _Lookups:
    """Everything a file's rows refer to, fetched once per file (a few queries in all); the
    activities they update, fetched a chunk of rows at a time (`activities`)."""

    CHUNK = CHUNK  # keys per query: SQLite refuses too many parameters in one

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
            return {text_of(_cell(cells, columns[key])) for _, cells in rows} - {""}

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
        # The budget lines the activities have, as their keys and amounts: what the sheet
        # "Budget lines" replaces, or what new dates must still include.
        self.saved_lines = defaultdict(dict)
        for start in range(0, len(ids), self.CHUNK):
            chunk = ids[start : start + self.CHUNK]
            if lock:
                # Locked until the import's transaction ends: nobody saves them in between.
                list(Activity.objects.select_for_update().filter(pk__in=chunk).values("pk"))
            named = Activity.objects.filter(pk__in=chunk).values_list(
                "pk", "uid", "reference", "title"
            )
            for activity in map(_Found._make, named.order_by()):
                self.by_uid[activity.uid] = activity
                if activity.reference:
                    self.by_reference[activity.reference] = activity
            lines = BudgetLine.objects.filter(activity_id__in=chunk).values_list(
                "activity_id", *LINE_KEY_FIELDS, "amount"
            )
            for activity_id, *key, amount in lines.order_by():
                self.saved_lines[activity_id][tuple(key)] = amount

    def activities(self, ids):
        """{id: activity} of the activities `ids` (of those the rows name), with what the rows'
        checks read of them: their region, focal point and links."""
        ids = sorted(ids)
        found = {}
        for start in range(0, len(ids), self.CHUNK):
            activities = (
                Activity.objects.filter(pk__in=ids[start : start + self.CHUNK])
                .select_related("region", "focal_point")
                .prefetch_related("countries", "expected_results__initiative", "target_groups")
            )
            found.update((activity.pk, activity) for activity in activities)
        return found


def _uid(text):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def prepare_import(data, user, lock=False):
    """Read `data` (an uploaded file's bytes) and say what importing it as `user` would do,
    row by row, with every error: an `ImportPlan`. Saves nothing.

    The rows that create or update an activity keep it (`activity`, `links`, `current`,
    `budget_lines`: what `services.save_activities` takes); the others keep what the preview
    shows only. Raises `SpreadsheetError` when the file as a whole cannot be read, or cannot
    be read and checked within `import_max_seconds()`.
    """
    return _check_file(data, user, lock)


def _check_file(data, user, lock=False, save=None):
    """`prepare_import`, and with `save` (a function of a list of checked rows) the saving of
    each chunk of rows as soon as it is checked, while no row so far has an error; an
    IntegrityError of a chunk's saving is an error of the file's first row. The time spent
    saving does not count against the deadline, which is for reading and checking."""
    deadline = Deadline()
    sheet = read_spreadsheet(data, deadline)
    columns, warnings = _columns_of(sheet.headers)
    if sheet.budget_lines is not None:
        budget_columns, budget_warnings = _columns_of(
            sheet.budget_lines.headers, BUDGET_COLUMNS, BUDGET_SHEET_TITLE
        )
        warnings += budget_warnings
    lookups = _Lookups(user, sheet.rows, columns, lock)
    width = _width(sheet.headers)
    # Which activity each row is for (and the rows that name the same one twice), for all
    # rows first: the sheet "Budget lines" names them by it.
    rows, seen_uids, seen_references = [], {}, {}
    cells_of = sheet.rows
    for position, (number, cells) in enumerate(cells_of):
        cells_of[position] = None  # the row's cells are in its `cells` now
        deadline.check()
        values = {key: _cell(cells, index) for key, index in columns.items()}
        row = ImportRow(number, values)
        _check_width(row, cells, sheet.headers, width)
        if not row.errors:  # a row cut short or too long: its cells are not where they seem
            # What the sheet "Budget lines" names it by, whatever its errors.
            row.current = _existing_activity(row, lookups, seen_uids, seen_references)
        rows.append(row)
    budget_line_rows = []
    if sheet.budget_lines is not None:
        budget_line_rows = _budget_line_rows(sheet.budget_lines, budget_columns, rows, deadline)
    given = defaultdict(list)  # {row number: the rows of the sheet "Budget lines" for it}
    for line_row in budget_line_rows:
        if line_row.activity_row is not None:
            given[line_row.activity_row.number].append(line_row)
        else:
            line_row.settle()
    failed = any(row.errors for row in rows) or any(row.errors for row in budget_line_rows)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        activities = lookups.activities(
            {row.current.pk for row in chunk if row.current is not None and not row.errors}
        )
        for row in chunk:
            deadline.check()
            if not row.errors:
                existing = activities[row.current.pk] if row.current is not None else None
                _clean_row(row, columns, lookups, existing)
        _check_budget_lines(chunk, given, lookups)
        line_rows = [line_row for row in chunk for line_row in given.pop(row.number, [])]
        failed = failed or any(row.errors for row in (*chunk, *line_rows))
        if save is not None and not failed:
            try:
                with deadline.paused(), transaction.atomic():
                    save(chunk)
            except IntegrityError as error:
                # Another save between the checks and this one (a reference taken meanwhile).
                rows[0].errors.append(("", f"the database refused the import ({error})"))
                failed = True
        for row in chunk:
            row.settle(keep_objects=save is None)
        for line_row in line_rows:
            line_row.settle()
        del activities
    return ImportPlan(
        rows,
        warnings,
        [key for key in HEADER_OF if key in columns],
        budget_line_rows,
        has_budget_sheet=sheet.budget_lines is not None,
    )


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
        if (index >= len(headers) or not headers[index]) and not is_empty(cell)
    ]
    if extra:
        more = f" (and {len(extra) - 1} more column{pluralize(len(extra) - 1)})"
        value = shortened(text_of(cells[extra[0]]))
        row.add_error(
            "",
            f"column {_column_name(extra[0])} has a value (“{value}”) "
            f"but no header{more if len(extra) > 1 else ''}: give the column a header, or move "
            "the value under its own",
        )


def _column_name(index):
    """The column `index` (from 0) as a spreadsheet names it: "A", "T", "AB"."""
    return get_column_letter(index + 1) if index < 16_384 else f"number {index + 1:,}"


def _clean_row(row, columns, lookups, existing):
    """Check the cells of `row`, whose activity is `existing` (as the database has it; None
    for a new one): set the row's action, activity, links and changes, or its errors."""
    values, links = {}, {}
    for column in COLUMNS:
        key = column.key
        if key not in columns or key == "tracker_id":
            continue
        cell = row.cells[key]
        if cell is FORMULA_WITHOUT_VALUE:
            row.add_error(key, "a formula without a value; type the value")
            continue
        text = text_of(cell)
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
                values[FIELD_OF_COLUMN[key]] = CLEAN_VALUES.get(key, clean_text)(
                    cell, text, lookups
                )
        except RowError as error:
            for message in error.messages:
                row.add_error(key, message)
    # The activity as the row would save it, beside `existing` as the database has it.
    activity = copy.copy(existing) if existing is not None else Activity()
    if row.errors:
        # Every mistake of the row at once, not only its cells': the rules of the one write
        # path for the cells that could be read (an end date before the start beside an
        # unknown country).
        for name, value in values.items():
            setattr(activity, name, value)
        unread = {*FIELD_OF_COLUMN.values()} - {*values}
        _add_errors(row, services.activity_errors(lookups.user, activity, **_cheap(unread)))
        return
    region = _region_of(row, links.get("countries"), existing, lookups)
    if row.errors:
        return
    activity.region = region or existing.region
    refusal = services.write_refusal(lookups.user, activity, existing)
    if refusal:
        row.add_error("", refusal)
        return
    row.links = links
    row.changes = _changes(existing, values, links)
    for name, value in values.items():
        setattr(activity, name, value)
    # The links the row leaves out (no such column) stay as they are.
    kept = {name: list(getattr(existing, name).all()) if existing else [] for name in LINK_COLUMNS}
    errors = services.activity_errors(
        lookups.user,
        activity,
        countries=links.get("countries", kept["countries"]),
        expected_results=links.get("expected_results", kept["expected_results"]),
        current=existing if row.changes else None,
        **_cheap(),
    )
    _add_errors(row, errors)
    if row.errors:
        return
    row.activity, row.current = activity, existing
    row.action = CREATE if existing is None else (UPDATE if row.changes else UNCHANGED)


def _cheap(unread=()):
    """The one write path's checks without a query per row: uniqueness is checked against the
    file and the activities fetched with it (see `_existing_activity`); the region and the
    focal point were found among the rows fetched once per file. Fields in `unread` (their
    cell has an error already) are not checked again."""
    return {"unique": False, "exclude": ["region", "focal_point", *unread]}


def _existing_activity(row, lookups, seen_uids, seen_references):
    """The activity a row updates (by tracker id, else by reference) or None for a new one."""
    existing = None
    tracker_id = text_of(row.cells.get("tracker_id"))
    reference = text_of(row.cells.get("reference"))
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


def _changes(existing, values, links):
    """What a row changes, as `history.Change`s labelled by column header."""
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
            history.Change(HEADER_OF[COLUMN_OF_FIELD[name]], _shown(name, old), _shown(name, new))
        )
    for key, new in links.items():
        old = list(getattr(existing, key).all()) if existing is not None else []
        if {item.pk for item in old} != {item.pk for item in new}:
            changes.append(history.Change(HEADER_OF[key], _shown(key, old), _shown(key, new)))
    return changes


def _add_errors(row, errors):
    """The one write path's `errors` ({field: [message]}) on `row`, under the fields' columns."""
    for name, messages in errors.items():
        for message in messages:
            row.add_error(name if name in LINK_COLUMNS else COLUMN_OF_FIELD.get(name, ""), message)


# --- The sheet "Budget lines" --------------------------------------------------------------

REQUIRED_IN_A_LINE = [column.key for column in BUDGET_COLUMNS if column.required]
PARTNER_FIELD = BudgetLine._meta.get_field("funding_partner")


def _budget_line_rows(budget_sheet, columns, rows, deadline):
    """The rows of the sheet "Budget lines" as `BudgetLineRow`s: each matched to the row of
    its activity on the sheet "Activities" (`rows`), its cells cleaned into a BudgetLine."""
    by_uid, by_reference = {}, {}
    for row in rows:
        if row.current is not None:
            by_uid.setdefault(row.current.uid, row)
            if row.current.reference:
                by_reference.setdefault(row.current.reference, row)
        else:
            uid = _uid(text_of(row.cells.get("tracker_id")))
            if uid is not None:
                by_uid.setdefault(uid, row)
        reference = text_of(row.cells.get("reference"))
        if reference:
            by_reference.setdefault(reference, row)
    width = _width(budget_sheet.headers)
    line_rows = []
    for number, cells in budget_sheet.rows:
        deadline.check()
        line_row = BudgetLineRow(
            number, {key: _cell(cells, index) for key, index in columns.items()}
        )
        _check_width(line_row, cells, budget_sheet.headers, width)
        if not line_row.errors:
            line_row.activity_row = _activity_row_of(line_row, by_uid, by_reference)
            _clean_line(line_row)
        line_rows.append(line_row)
    return line_rows


def _activity_row_of(line_row, by_uid, by_reference):
    """The row of the sheet "Activities" of the activity that `line_row` names by its tracker
    id or its reference; None, with the error said, when it names none of them."""
    tracker_id = text_of(line_row.cells.get("tracker_id"))
    reference = text_of(line_row.cells.get("reference"))
    found = None
    if tracker_id:
        uid = _uid(tracker_id)
        if uid is None:
            line_row.add_error("tracker_id", f"“{shortened(tracker_id)}” is not a tracker id")
            return None
        found = by_uid.get(uid)
        if found is None:
            line_row.add_error(
                "tracker_id",
                f"no activity of the sheet “Activities” has the tracker id {tracker_id}: give "
                "the activity its row there too (a new activity has no tracker id: name it by "
                "its reference)",
            )
            return None
    if reference:
        named = by_reference.get(reference)
        if found is None and named is None:
            line_row.add_error(
                "reference",
                f"no activity of the sheet “Activities” has the reference {shortened(reference)}: "
                "give the activity its row there too, with this reference",
            )
            return None
        if found is not None and named is not None and named is not found:
            line_row.add_error(
                "reference",
                f"{shortened(reference)} is the reference of another activity than the tracker "
                f"id's (rows {named.number} and {found.number} of the sheet “Activities”)",
            )
            return None
        found = found or named
    if found is None:
        line_row.add_error(
            "", "name the activity: give its tracker id, or the reference of a new activity"
        )
    return found


def _clean_line(line_row):
    """The BudgetLine that `line_row`'s cells give (its `line`), or its errors; a row with no
    cell of a line filled gives none (`gives_no_line`)."""
    cells = {key: line_row.cells.get(key) for key in CLEAN_BUDGET_VALUES}
    texts = {key: text_of(cell) for key, cell in cells.items()}
    if not any(texts.values()) and FORMULA_WITHOUT_VALUE not in cells.values():
        line_row.gives_no_line = True
        return
    values = {"funding_partner": ""}
    for key, clean in CLEAN_BUDGET_VALUES.items():
        if cells[key] is FORMULA_WITHOUT_VALUE:
            line_row.add_error(key, "a formula without a value; type the value")
        elif not texts[key]:
            if key in REQUIRED_IN_A_LINE:
                line_row.add_error(key, "required, but empty")
        else:
            try:
                values[key] = clean(cells[key], texts[key])
            except RowError as error:
                for message in error.messages:
                    line_row.add_error(key, message)
    partner = values["funding_partner"]
    if partner:  # the model's own checks of it (its length, its text): the others are read
        try:
            PARTNER_FIELD.clean(partner, None)
        except ValidationError as error:
            for message in error.messages:
                line_row.add_error("funding_partner", message)
    line = BudgetLine(**values)
    partner_given = partner or cells["funding_partner"] is FORMULA_WITHOUT_VALUE
    if values.get("funding_source") == FundingSource.EXTRA_BUDGETARY and not partner_given:
        line_row.add_error("funding_partner", BudgetLine.PARTNER_NEEDED)
    if not line_row.errors:
        line_row.line = line


def _check_budget_lines(rows, given, lookups):
    """Check the budget lines of each row's activity: those of the sheet "Budget lines"
    (`given`: {row number: its rows of that sheet}) against the activity as the row sets it
    (its years, the lines it has), or, for an activity the sheet does not name, the lines it
    keeps against its new dates. A row whose lines change is an update, its lines to be saved
    (`ImportRow.budget_lines`)."""
    for row in rows:
        if row.errors or row.activity is None:
            continue
        saved = lookups.saved_lines.get(row.current.pk, {}) if row.current is not None else {}
        if row.number in given:
            _check_given_lines(row, given[row.number], saved)
        elif saved:
            _check_kept_lines(row, saved)


def _years_of(activity):
    """(first year, last year or None) of `activity`'s dates, and the years in words."""
    first = activity.start_date.year
    last = activity.end_date.year if activity.end_date else None
    if last is None:
        return first, last, f"{first} on"
    return first, last, f"{first}" if last == first else f"{first} to {last}"


def _outside(year, first, last):
    return year < first or (last is not None and year > last)


def _check_given_lines(row, line_rows, saved):
    """Check the lines `line_rows` give for `row`'s activity, whose lines are `saved`
    ({line key: amount}); set the row's `budget_lines` when they are to be saved."""
    empty = [line_row for line_row in line_rows if line_row.gives_no_line]
    with_line = [line_row for line_row in line_rows if not line_row.gives_no_line]
    if empty and with_line:
        numbers = ", ".join(str(line_row.number) for line_row in with_line)
        for line_row in empty:
            line_row.add_error(
                "",
                "this row gives no budget line (no year, funding source, amount or currency), "
                f"but row{pluralize(len(with_line))} {numbers} give lines of the same activity. "
                "Fill it in, or delete it: a row alone with nothing but its activity removes "
                "all of its lines",
            )
        return
    if any(line_row.errors for line_row in line_rows):
        return
    activity = row.activity
    first, last, years = _years_of(activity)
    seen = {}
    for line_row in with_line:
        line = line_row.line
        key = money.line_key(line)
        if _outside(line.year, first, last):
            line_row.add_error(
                "year",
                f"{line.year} is not a year the activity runs in ({years}); give its money in "
                "the years of its dates",
            )
        if line.funding_source == "" and key not in saved:
            labels = ", ".join(FundingSource.labels)
            line_row.add_error(
                "funding_source",
                f"“{NOT_STATED}” is only for a line the activity has already; pick one of {labels}",
            )
        if key in seen:
            line_row.add_error(
                "",
                f"the same year, funding source, funding partner and currency as row {seen[key]}: "
                "give them one line, with the sum of their amounts",
            )
        seen.setdefault(key, line_row.number)
    if any(line_row.errors for line_row in with_line):
        return
    lines = [line_row.line for line_row in with_line]
    # The one write path's rules, asked again: what the cells' checks let through is right.
    for message in money.budget_line_errors(activity, lines):
        line_rows[0].add_error("", message)
    if line_rows[0].errors:
        return
    wanted = {money.line_key(line): line.amount for line in lines}
    if row.current is None:
        row.budget_lines = lines or None
        return
    if wanted == saved:
        return
    refusal = services.archived_refusal(row.current, activity.archived_at)
    if refusal:
        row.add_error("", refusal)
        return
    row.budget_lines = lines
    row.changes.append(history.Change(BUDGET_LINES_LABEL, _lines_text(saved), _lines_text(wanted)))
    if row.action == UNCHANGED:
        row.action = UPDATE


def _check_kept_lines(row, saved):
    """An error on `row` if its new dates leave out a year of the lines its activity keeps
    (`saved`), which the sheet "Budget lines" does not replace."""
    first, last, years = _years_of(row.activity)
    outside = sorted({year for year, *_rest in saved if _outside(year, first, last)})
    if not outside:
        return
    listed = ", ".join(map(str, outside))
    row.add_error(
        "start_date" if outside[0] < first else "end_date",
        f"the activity has budget lines for {listed}, outside these dates ({years}): change "
        f"those lines on the sheet “{BUDGET_SHEET_TITLE}” of an .xlsx file, or keep dates that "
        "include their years",
    )


def _lines_text(lines):
    """Budget lines ({line key: amount}) as the preview shows them."""
    if not lines:
        return "—"
    return "; ".join(
        f"{year} {FundingSource.named(source)}{f' ({partner})' if partner else ''}: "
        f"{amount:f} {currency}"
        for (year, source, partner, currency), amount in sorted(lines.items())
    )


# --- Saving --------------------------------------------------------------------------------


def import_rows(data, user, filename):
    """Import a file's rows as `user`: every valid row saved, or nothing.

    Reads and validates the file again inside one transaction, with the activities it updates
    locked; raises `ImportFailed` (with the `ImportPlan` and its errors) when any row is wrong,
    `SpreadsheetError` when the file cannot be read. Unchanged rows are left alone; each created
    or updated activity gets one history row, "Imported from <filename>". Returns the plan.
    """
    reason = f"Imported from {filename}"[:100]

    def save(rows):
        _save_rows(rows, user, reason)

    with transaction.atomic():
        # Each chunk of rows saved once checked, while none has an error: a row with errors
        # further down raises here, and the transaction takes back what was saved.
        plan = _check_file(data, user, lock=True, save=save)
        if plan.has_errors:
            raise ImportFailed(plan)
    return plan


def _save_rows(rows, user, reason):
    """Save the rows to create or update, their links, their budget lines (of those whose lines
    the sheet "Budget lines" gives) and their history, through the one write path's batch
    variant: a few queries per hundred rows (never a query per cell or line)."""
    saved = [row for row in rows if row.action in (CREATE, UPDATE)]
    if not saved:
        return
    changes = [(row.activity, row.links, row.current) for row in saved]
    lines = [(row.activity, row.budget_lines) for row in saved if row.budget_lines is not None]
    services.save_activities(user, changes, reason, budget_lines=lines)
