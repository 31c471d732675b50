"""The import: a file's rows checked against the database (`prepare_import`, which says row by
row what importing would do, with every error: an `ImportPlan`), then saved in one transaction
(`import_rows`): every valid row, or nothing.

Reading the file and its limits are in `reading`, what each cell means in `cleaning`.
"""

import copy
import datetime
import uuid
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from openpyxl.utils import get_column_letter

from activities import history, permissions, services
from activities.models import (
    Activity,
    TargetGroup,
)
from activities.spreadsheets.cleaning import (
    CLEAN_LINKS,
    CLEAN_VALUES,
    RowError,
    clean_text,
    shortened,
)
from activities.spreadsheets.columns import (
    COLUMN_OF_FIELD,
    COLUMNS,
    FIELD_OF_COLUMN,
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


@dataclass
class ImportRow:
    """One row of the file: what importing it does (`action`), the activity it creates or
    updates (`activity`, with the new values set once valid), what changes (`changes`, as
    `history.Change`s by column header) and what is wrong (`errors`, as (header, message))."""

    number: int
    cells: dict
    action: str = ""
    activity: Activity | None = None
    current: Activity | None = None  # the activity as the database has it, for an update
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
        reference = text_of(self.cells.get("reference"))
        title = text_of(self.cells.get("title")) or (self.activity.title if self.activity else "")
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
    by_header = {
        header: column for column in COLUMNS for header in (column.header, *column.former_headers)
    }
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
    activity = copy.copy(existing) if existing is not None else Activity(currency="USD")
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


# --- Saving --------------------------------------------------------------------------------


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
    """Save the rows to create or update, their links and their history, through the one write
    path's batch variant: a few queries per hundred rows (never a query per cell)."""
    services.save_activities(
        user,
        [
            (row.activity, row.links, row.current)
            for row in plan.rows
            if row.action in (CREATE, UPDATE)
        ],
        reason,
    )
