"""Writes on work data that touch several rows, and the rules they keep.

Each write runs in one transaction, checks what it must (the state, the version read by the
form) and raises a clear error the view turns into a message; nothing is half-saved.
"""

import datetime
import logging
import smtplib

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone

from activities import permissions
from activities.models import Activity, ProgressReport
from initiatives.models import Region

logger = logging.getLogger(__name__)

# --- Activities: create, edit, archive, restore, and their change history ------------------


class EditConflict(Exception):
    """Someone else saved the activity after the form was read: the save is refused.

    `activity` is the activity as it is now; `changes` what was changed since the version the
    form started from, as `Change`s (empty when that version's history is unknown).
    """

    def __init__(self, activity, changes):
        super().__init__(f"{activity} was saved by someone else (version {activity.version}).")
        self.activity = activity
        self.changes = changes


class ActivityArchived(Exception):
    """An archived activity is read-only until it is restored."""


class ActivityNotArchived(Exception):
    """Only an archived activity can be restored."""


def link_errors(region, countries=(), expected_results=()):
    """What is wrong with linking `countries` and `expected_results` to an activity of `region`.

    An activity works in countries of its own region and advances the expected results of its
    own region's initiatives (of any action plan). The activity form and the admin both ask
    here. Returns {"countries": [message, …], "expected_results": [message, …]}, only with the
    fields that have an error.
    """
    errors = {}
    for country in countries:
        if country.region_id != region.pk:
            errors.setdefault("countries", []).append(
                f"{country.name} is not in {region.name}, the region of this activity."
            )
    for result in expected_results:
        if result.initiative.region_id != region.pk:
            errors.setdefault("expected_results", []).append(
                f"{result.code} is an expected result of another region. Choose expected "
                f"results of the initiatives of {region.name}, the region of this activity."
            )
    return errors


def write_history(activity, user, created=False, reason=""):
    """Write one history row with the activity's current state, its links included.

    Saves that change links run under `skip_history_when_saving` (simple-history would write a
    row on the save and one per link change, the first still with the old links); this then
    writes the single row, by `user`, with `reason` ("Archived", …) when given.
    """
    activity._history_user, activity._change_reason = user, reason
    try:
        Activity.history_records.create_historical_record(activity, "+" if created else "~")
    finally:
        del activity._history_user, activity._change_reason


HISTORY_BATCH = 500  # rows per query, within SQLite's limit on parameters


def write_histories(activities, user, reason="", created=()):
    """`write_history` for many activities at once (an import): one history row each, with its
    links, in a few queries whatever their number. `created`: the pks of those just created."""
    records = Activity.history_records
    if not connection.features.can_return_rows_from_bulk_insert:
        for activity in activities:  # the bulk way needs the new rows' ids back
            write_history(activity, user, created=activity.pk in created, reason=reason)
        return
    history_model = Activity.history.model
    now = timezone.now()
    rows = [
        history_model(
            history_date=now,
            history_type="+" if activity.pk in created else "~",
            history_user=user,
            history_change_reason=reason,
            **{
                field.attname: getattr(activity, field.attname)
                for field in records.fields_included(activity)
            },
        )
        for activity in activities
    ]
    history_model.objects.bulk_create(rows, batch_size=HISTORY_BATCH)
    history_of = {row.id: row.history_id for row in rows}
    ids = list(history_of)
    for field, m2m_history_model in records.m2m_models.items():
        if field.model is not Activity:  # simple-history shares one m2m_models among models
            continue
        through = field.remote_field.through
        names = [f.attname for f in through._meta.fields]
        links = []
        for start in range(0, len(ids), HISTORY_BATCH):
            chunk = ids[start : start + HISTORY_BATCH]
            for values in through.objects.filter(activity_id__in=chunk).values(*names):
                links.append(
                    m2m_history_model(history_id=history_of[values["activity_id"]], **values)
                )
        m2m_history_model.objects.bulk_create(links, batch_size=HISTORY_BATCH)


def save_activity(form, user):
    """Save a valid `ActivityForm`: the activity, its links and one history row, or nothing.

    For an existing activity the row is locked and its version compared with the one the form
    was read at: if someone else saved in between, raises `EditConflict` and writes nothing.
    Raises `ActivityArchived` if the activity was archived meanwhile.
    """
    activity = form.instance
    created = activity.pk is None
    with transaction.atomic():
        if created:
            activity.created_by = user
            activity.version = 1
        else:
            current = Activity.objects.select_for_update().get(pk=activity.pk)
            if current.is_archived:
                raise ActivityArchived(f"{current} is archived: restore it before editing it.")
            started_from = form.cleaned_data["version"]
            if current.version != started_from:
                raise EditConflict(current, changes_since(current, started_from))
            activity.version = current.version + 1
        activity.updated_by = user
        activity.skip_history_when_saving = True
        try:
            form.save()  # the row, then its countries, expected results and target groups
        finally:
            del activity.skip_history_when_saving
        write_history(activity, user, created=created)
    return activity


def archive_activity(activity, user):
    """Archive `activity`: it leaves the lists and is read-only until restored. Not a delete."""
    with transaction.atomic():
        current = Activity.objects.select_for_update().get(pk=activity.pk)
        if current.is_archived:
            raise ActivityArchived(f"{current} is already archived.")
        _save_archived_at(current, user, timezone.now(), "Archived")
    return current


def restore_activity(activity, user):
    """Bring an archived `activity` back to the lists and to editing."""
    with transaction.atomic():
        current = Activity.objects.select_for_update().get(pk=activity.pk)
        if not current.is_archived:
            raise ActivityNotArchived(f"{current} is not archived.")
        _save_archived_at(current, user, None, "Restored")
    return current


def _save_archived_at(activity, user, archived_at, reason):
    # A new version, so that an edit form opened before the archive sees a conflict instead of
    # saving its stale copy of the row back.
    activity.archived_at = archived_at
    activity.version += 1
    activity.updated_by = user
    activity.save_without_historical_record(
        update_fields=["archived_at", "version", "updated_by", "updated_at"]
    )
    write_history(activity, user, reason=reason)


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


def _diff(older, newer):
    changes = []
    for name in HISTORY_FIELDS:
        old, new = older.shown_values[name], newer.shown_values[name]
        if old != new:
            changes.append(Change(_label(name), old, new))
    return changes


HISTORY_LABELS = {
    "budget_amount": "Budget",
    "people_reached_women": "People reached (women)",
    "people_reached_men": "People reached (men)",
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


# --- Progress reports: save, and the workflow draft → submitted → approved | returned ---------


class WorkflowError(Exception):
    """A progress report cannot make this move now: its state, or who asks, does not allow it.
    The message says why, in words for the user; nothing was changed."""


class NotAllowed(WorkflowError):
    """The user's role or regions do not allow this move at all: the view answers 403."""


class ReportEditConflict(Exception):
    """Someone saved the report after the edit form was read: the save is refused.

    `report` is the report as it is now; `changes` what was changed since the version the form
    started from, as `Change`s (empty when that version's history is unknown); `saved_by` who
    saved it last (None if unknown).
    """

    def __init__(self, report, changes, saved_by=None):
        super().__init__(f"{report} was saved by someone else (version {report.version}).")
        self.report = report
        self.changes = changes
        self.saved_by = saved_by


# What an author writes, in the order of the form: what `save_report` copies from the form and
# what an edit conflict compares.
REPORT_FIELDS = [
    "year",
    "quarter",
    "activity_status",
    "percent_complete",
    "achievements",
    "challenges",
    "next_steps",
    "evidence_links",
    "people_reached_women",
    "people_reached_men",
]


def save_report(form, user):
    """Save a valid `ProgressReportForm`: a new draft by `user`, or an edit of the report.

    An edit locks the row and compares its version with the one the form was read at: if
    someone saved in between, raises `ReportEditConflict`; if the report left the editable
    states meanwhile (submitted, approved), raises `WorkflowError`. Reports of an archived
    activity are read-only. Writes one history row ("Created" or "Edited"), or nothing.
    """
    report = form.instance
    created = report.pk is None
    try:
        with transaction.atomic():
            if report.activity.is_archived:
                raise WorkflowError(
                    f"{report.activity} is archived: restore it before writing its reports."
                )
            if created:
                current = report
                current.author = user
                current.version = 1
            else:
                current = _locked(report)
                if not (
                    permissions.can_see_report(user, current)
                    and user.has_perm("activities.change_progressreport", current)
                ):
                    raise WorkflowError(
                        f"This report is {current.get_state_display().lower()} now: "
                        "it can no longer be edited."
                    )
                started_from = form.cleaned_data["version"]
                if current.version != started_from:
                    latest = current.history.select_related("history_user").first()
                    raise ReportEditConflict(
                        current,
                        report_changes_since(current, started_from),
                        saved_by=latest.history_user if latest else None,
                    )
                for name in REPORT_FIELDS:
                    setattr(current, name, getattr(report, name))
                current.version += 1
            _save_with_reason(current, user, "Created" if created else "Edited")
    except IntegrityError:
        # Two people creating the same period at once: the form checked, the database decides.
        raise WorkflowError(
            f"This activity already has a report for {report.period}: it was saved a moment "
            "ago by someone else."
        ) from None
    return current


def submit_report(report, user, report_url=""):
    """Submit `report` for review (a draft, or a returned report after its changes).

    By its author or another editor of its region. Tells the region's reviewers by e-mail,
    with `report_url` (an absolute link). Returns (the report, the reviewers told).
    """
    with transaction.atomic():
        current = _locked(report)
        if not user.has_perm("activities.add_progressreport", current.activity):
            raise NotAllowed("Only editors of the activity's region submit its reports.")
        if not permissions.can_see_report(user, current):
            raise NotAllowed("A draft is its author's own until submitted.")
        _check_move(current, ProgressReport.State.SUBMITTED)
        current.state = ProgressReport.State.SUBMITTED
        current.submitted_at = timezone.now()
        # The previous review, if any, stays in the history; the new one starts afresh.
        current.reviewer, current.reviewed_at, current.review_comment = None, None, ""
        current.version += 1
        _save_with_reason(current, user, "Submitted")
    reviewers = list(reviewers_of(current))
    notified = _mail(
        reviewers,
        "report_submitted",
        {"report": current, "submitted_by": user, "report_url": report_url},
    )
    return current, notified


def approve_report(report, user, comment=""):
    """Approve a submitted `report`, with an optional `comment`: it counts from now on and is
    read-only (administrators excepted). By a reviewer of its region who is not its author."""
    with transaction.atomic():
        current = _locked(report)
        _review(current, user, ProgressReport.State.APPROVED, comment)
        _save_with_reason(current, user, "Approved")
    return current


def return_report(report, user, comment, report_url=""):
    """Return a submitted `report` to its author with a `comment` saying what to change; the
    author is told by e-mail, with `report_url`. Returns (the report, [the author] or [])."""
    with transaction.atomic():
        current = _locked(report)
        _review(current, user, ProgressReport.State.RETURNED, comment)
        # The history row keeps the whole comment in its own field; the reason stays short
        # (history_change_reason is a 100-character column).
        _save_with_reason(current, user, "Returned")
    notified = _mail(
        [current.author],
        "report_returned",
        {"report": current, "reviewer": user, "report_url": report_url},
    )
    return current, notified


def allowed_moves(user, report):
    """The workflow moves `user` may make on `report` now, by the state they lead to: what the
    report's page offers as buttons. The services check the same rules again on the locked
    row."""
    if report.activity.is_archived:
        return set()
    moves = set()
    if report.can_become(ProgressReport.State.SUBMITTED) and user.has_perm(
        "activities.add_progressreport", report.activity
    ):
        moves.add(ProgressReport.State.SUBMITTED)
    if report.state == ProgressReport.State.SUBMITTED and user.has_perm(
        "activities.review_progressreport", report
    ):
        moves |= {ProgressReport.State.APPROVED, ProgressReport.State.RETURNED}
    return moves


def reviewers_of(report):
    """The users told of `report`'s submission: active reviewers assigned to its region, with
    an e-mail address, its author excepted (nobody reviews their own report). Administrators
    are not told unless assigned to the region."""
    return (
        get_user_model()
        # The backend that holds permissions: django-axes' backend, listed first, holds none.
        .objects.with_perm(
            "activities.review_progressreport",
            is_active=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(region_assignments__region_id=report.activity.region_id)
        .exclude(pk=report.author_id)
        .exclude(email="")
        .order_by("username")
    )


def report_changes_since(report, version):
    """What was changed on `report` since `version` (the one an edit form was read at), with
    the values now. Empty when that version left no history row."""
    started = report.history.filter(version=version).order_by("-history_date").first()
    if started is None:
        return []
    changes = []
    for name in [*REPORT_FIELDS, "state"]:
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


def _locked(report):
    """`report` read again under a row lock, so that two people acting at once act in turn and
    the second sees what the first did."""
    # The row alone, with no join: when PostgreSQL waits for the lock, it reads the locked row
    # again once the lock is granted, but not the rows joined to it, which would still be
    # those of before the wait (a reviewer of None beside the reviewer_id just set). Related
    # rows are read after the lock, as they are now.
    return ProgressReport.objects.select_for_update().get(pk=report.pk)


def _check_move(report, state):
    if report.activity.is_archived:
        raise WorkflowError(f"{report.activity} is archived: its reports are read-only.")
    if not report.can_become(state):
        raise WorkflowError(_refusal(report, state))


def _refusal(report, state):
    """Why `report` cannot move to `state`, in words."""
    State = ProgressReport.State
    if report.state == State.DRAFT:
        return "This report is still a draft: it is approved or returned once submitted."
    if report.state == State.SUBMITTED:
        return "This report was already submitted: it waits for its review."
    reviewer = _name(report.reviewer) if report.reviewer else "a reviewer"
    if report.state == State.RETURNED:
        return (
            f"This report was already returned to its author by {reviewer}: it is reviewed "
            "again once resubmitted."
        )
    return f"This report was already approved by {reviewer}: it is read-only."


def _name(user):
    return user.get_full_name() or user.username


def _review(report, user, state, comment):
    if not user.has_perm("activities.review_progressreport", report.activity):
        raise NotAllowed("Only reviewers of the activity's region approve or return its reports.")
    if report.author_id == user.pk:
        # The database refuses it too (progressreport_not_reviewed_by_author); say it first.
        raise WorkflowError(
            "You wrote this report: another reviewer of the region approves or returns it."
        )
    _check_move(report, state)
    comment = comment.strip()
    if state == ProgressReport.State.RETURNED and not comment:
        raise WorkflowError("Say what to change: a returned report needs a comment.")
    report.state = state
    report.reviewer = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.version += 1


def _save_with_reason(report, user, reason):
    report._history_user, report._change_reason = user, reason
    try:
        report.save()
    finally:
        del report._history_user, report._change_reason


def _mail(users, template, context):
    """Send the e-mail `template` (templates/activities/email/<template>_subject.txt and .txt)
    to `users`. The move is already saved: a mail server down is logged, not raised. Returns
    the users written to."""
    recipients = [user.email for user in users if user.email]
    if not recipients:
        return []
    subject = " ".join(
        render_to_string(f"activities/email/{template}_subject.txt", context).split()
    )
    body = render_to_string(f"activities/email/{template}.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send %s to %s", template, recipients)
        return []
    return [user for user in users if user.email]


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
