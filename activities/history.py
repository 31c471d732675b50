"""The change history of activities and progress reports: writing its rows, and reading them
back as what people changed, in words.

django-simple-history keeps the rows. An activity's history row carries its links (countries,
expected results, target groups) as they were: the one write path (activities.services) saves
the row and its links, then writes one history row of that final state with `record_history`
(initiatives.history). Progress reports have no links: their saves write their history row as
simple-history does, with the user and the reason set on the report.
"""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, timezone

from activities.models import Activity, ProgressReport
from initiatives.models import Region

# What the change history shows: what people edit, in the order of the form, and the archiving.
# The record-keeping fields (version, created/updated by and at, uid) change with every save and
# say nothing by themselves.
HISTORY_FIELDS = [*Activity.EDITABLE_FIELDS, "archived_at"]
# For each many-to-many field: the field of its history rows that names the linked row, what to
# fetch with it, and how the row is shown.
HISTORY_LINKS = {
    "countries": ("country", "country", lambda country: country.name),
    "expected_results": (
        "expected_result",
        "expected_result__initiative",
        lambda result: result.code,
    ),
    "target_groups": ("targetgroup", "targetgroup", lambda group: group.name),
}
HISTORY_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


class Change:
    """One field's change in a history entry, in words: "Status: Planned → Ongoing"."""

    def __init__(self, label, old, new):
        self.label, self.old, self.new = label, old, new

    def __repr__(self):
        return f"{self.label}: {self.old} → {self.new}"


class HistoryEntry:
    """One saved version of an activity: who, when, what kind of save, and what changed."""

    def __init__(self, row, changes):
        self.row = row
        self.user = row.history_user
        self.date = row.history_date
        self.version = row.version
        self.action = row.history_change_reason or HISTORY_TYPES.get(row.history_type, "")
        self.created = row.history_type == "+"
        self.changes = changes


def history_entries(activity, start=0, count=None):
    """The history of `activity`, newest first, as `HistoryEntry`s with what each save changed:
    `count` entries (all when None) from the `start`-th newest.

    A fixed number of queries, whatever the number of rows: each entry is compared with the
    version before it, fetched with the others.
    """
    rows = activity.history.select_related("history_user")
    rows = list(rows[start:] if count is None else rows[start : start + count + 1])
    _attach_values(rows)
    entries = []
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        entries.append(HistoryEntry(newer, [] if older is None else _diff(older, newer)))
    return entries if count is None else entries[:count]


def changes_since(activity, version):
    """What was changed on `activity` since `version` (the one an edit form was read at), with
    the values now. Empty when that version left no history row."""
    started = activity.history.filter(version=version).order_by("-history_date").first()
    latest = activity.history.order_by("-history_date", "-history_id").first()
    if started is None or latest is None or started.pk == latest.pk:
        return []
    rows = [latest, started]
    _attach_values(rows)
    return _diff(started, latest)


def values_at(instance, version, names, link_fields=()):
    """{field: value} of `instance` (an activity or a progress report) as it was saved at
    `version`, as `services.Merge` compares them (a related row as its pk, links as a set of
    pks); None when that version left no history row."""
    row = instance.history.filter(version=version).order_by("-history_date").first()
    if row is None:
        return None
    values = {}
    for name in names:
        if name in link_fields:
            links = getattr(type(row), name).model.objects.filter(history_id=row.history_id)
            target = f"{HISTORY_LINKS[name][0]}_id"
            values[name] = set(links.values_list(target, flat=True))
        else:
            values[name] = getattr(row, instance._meta.get_field(name).attname)
    return values


def _diff(older, newer):
    changes = []
    for name in HISTORY_FIELDS:
        old, new = older.shown_values[name], newer.shown_values[name]
        if old != new:
            changes.append(Change(_label(name), old, new))
    return changes


HISTORY_LABELS = {
    "archived_at": "Archived on",
}


def _label(name):
    return HISTORY_LABELS.get(name) or Activity._meta.get_field(name).verbose_name.capitalize()


def _attach_values(rows):
    """Give each history row `shown_values`: {field: its value in words}, links included.

    Links, regions and focal points of all rows are fetched at once: five queries in all.
    """
    if not rows:
        return
    row_ids = [row.history_id for row in rows]
    links = {name: {row_id: [] for row_id in row_ids} for name in HISTORY_LINKS}
    history_model = type(rows[0])
    for name, (target, fetched, show) in HISTORY_LINKS.items():
        link_model = getattr(history_model, name).model
        for link in link_model.objects.filter(history_id__in=row_ids).select_related(fetched):
            links[name][link.history_id].append(show(getattr(link, target)))
    regions = Region.objects.in_bulk({row.region_id for row in rows})
    users = get_user_model().objects.in_bulk(
        {row.focal_point_id for row in rows if row.focal_point_id}
    )
    for row in rows:
        values = {}
        for name in HISTORY_FIELDS:
            if name in HISTORY_LINKS:
                values[name] = ", ".join(sorted(links[name][row.history_id])) or "—"
            elif name == "region":
                values[name] = str(regions.get(row.region_id, "—"))
            elif name == "focal_point":
                user = users.get(row.focal_point_id)
                values[name] = (user.get_full_name() or user.username) if user else "—"
            else:
                values[name] = _shown(Activity._meta.get_field(name), getattr(row, name))
        row.shown_values = values


def _shown(field, value):
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def report_changes_since(report, version):
    """What was changed on `report` since `version` (the one an edit form was read at), with
    the values now. Empty when that version left no history row."""
    started = report.history.filter(version=version).order_by("-history_date").first()
    if started is None:
        return []
    changes = []
    for name in [*ProgressReport.EDITABLE_FIELDS, "state"]:
        field = ProgressReport._meta.get_field(name)
        old, new = getattr(started, name), getattr(report, name)
        if old != new:
            label = "State" if name == "state" else field.verbose_name.capitalize()
            changes.append(Change(label, _shown(field, old), _shown(field, new)))
    return changes


def report_history(report):
    """The history of `report`, newest first: each row with its user, date, `action`
    ("Created", "Submitted", "Returned", …), the state it left the report in, and the
    review comment of an approval or a return (`row.review_comment`)."""
    rows = list(report.history.select_related("history_user"))
    for row in rows:
        row.action = row.history_change_reason or HISTORY_TYPES.get(row.history_type, "")
    return rows


def recent_changes(user, region_ids=None, count=10):
    """The latest `count` changes to activities and progress reports of the regions
    `region_ids` (every region when None), newest first, as history rows with `kind`
    ("activity" or "report"), `subject`, `url` and `action`. Other people's drafts are left
    out. Two queries."""
    activity_rows = Activity.history.select_related("history_user")
    visible_reports = ProgressReport.objects.visible_to(user)
    if region_ids is not None:
        activity_rows = activity_rows.filter(region_id__in=region_ids)
        visible_reports = visible_reports.filter(activity__region_id__in=region_ids)
    report_rows = ProgressReport.history.select_related("history_user", "activity").filter(
        id__in=visible_reports.values("pk")
    )
    rows = [*activity_rows.order_by("-history_date")[:count]]
    for row in rows:
        row.kind, row.subject = "activity", row.title
        row.url = reverse("activities:activity_detail", args=[row.id])
    for row in report_rows.order_by("-history_date")[:count]:
        row.kind, row.subject = "report", f"{row.activity.title}, report {row.year} Q{row.quarter}"
        row.url = reverse("activities:report_detail", args=[row.activity_id, row.id])
        rows.append(row)
    for row in rows:
        row.action = row.history_change_reason or HISTORY_TYPES.get(row.history_type, "")
    rows.sort(key=lambda row: row.history_date, reverse=True)
    return rows[:count]
