"""E-mail reminders, sent daily by `manage.py send_reminders`: to editors, the activities they
lead or created that have no progress report for the quarter closed `REMINDER_DAYS_AFTER_QUARTER`
days ago; to reviewers, the reports of their regions waiting for review for more than
`REVIEW_REMINDER_DAYS` days. One e-mail per user and kind, each reminder once.

Once: each reminder is a `Reminder` row, written and committed *before* its e-mail goes, under
unique constraints, and a run sends only the rows it wrote itself. A second run, or two runs at
once, find the rows there and send nothing again. The rows are written user by user, just
before each e-mail. A mail server that refuses the e-mail is logged and its rows deleted: the
next run tries again. A run stopped between writing a user's rows and the mail server taking
their e-mail (killed, the machine down) leaves those rows without `sent_at`: that one e-mail is
not sent at all rather than perhaps twice (at most once: a reminder is a nudge, a second copy
more annoying than one missing), and the users after it get theirs on the next run.
`Reminder.objects.filter(sent_at=None)` lists what was lost so.

Who is told: active users with an e-mail address who did not turn reminders off
(`NotificationPreference`), and who may still act — write the activity's reports
(`activities.add_progressreport` on it), or review the report (`activities.review_progressreport`
on it, never its author, and only in the regions assigned to them, as `services.reviewers_of`
tells of a submission). The queries are a fixed number, plus a fixed few per user told (their
permissions and regions), whatever the number of activities and reports.
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from activities.models import (
    Activity,
    ProgressReport,
    RegionAssignment,
    Reminder,
    previous_quarters,
)
from activities.services import _mail

Kind = Reminder.Kind


def reminded_quarter(today, days):
    """The latest quarter closed at least `days` days before `today`, as (year, quarter): with 10
    days, 2026 Q2 (closed at the end of 30 June) from 11 July 2026 on, 2026 Q1 until then."""
    return previous_quarters(today - datetime.timedelta(days=days), count=1)[0]


def quarter_dates(year, quarter):
    """The first and the last day of `year` Q`quarter`."""
    start = datetime.date(year, 3 * quarter - 2, 1)
    if quarter == 4:
        return start, datetime.date(year, 12, 31)
    return start, datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


@dataclass
class Digest:
    """One e-mail to one user: the activities whose report is missing for `period` (kind
    MISSING_REPORT), or the reports waiting for their review (kind REVIEW)."""

    kind: str
    user: object
    items: list = field(default_factory=list)  # activities, or progress reports
    year: int | None = None
    quarter: int | None = None
    days: int | None = None  # how long the reports have waited, at least (kind REVIEW)

    @property
    def period(self):
        return f"{self.year} Q{self.quarter}" if self.year else ""

    def describe(self):
        """What it says, in one line: for --dry-run."""
        count = len(self.items)
        if self.kind == Kind.MISSING_REPORT:
            what = f"{count} progress report{'s' if count != 1 else ''} missing for {self.period}"
            names = [activity.title for activity in self.items]
        else:
            what = f"{count} report{'s' if count != 1 else ''} waiting for review"
            names = [f"{report.activity.title}, {report.period}" for report in self.items]
        return f"{self.user.username} <{self.user.email}>: {what}: {'; '.join(names)}"

    def rows(self, run):
        """The `Reminder` rows that record it, written by `run`."""
        if self.kind == Kind.MISSING_REPORT:
            return [
                Reminder(
                    kind=self.kind,
                    user=self.user,
                    activity=activity,
                    year=self.year,
                    quarter=self.quarter,
                    run=run,
                )
                for activity in self.items
            ]
        return [
            Reminder(
                kind=self.kind,
                user=self.user,
                report=report,
                submitted_at=report.submitted_at,
                run=run,
            )
            for report in self.items
        ]

    def keep_only(self, rows):
        """Narrow the items to those of `rows` (the reminders this run wrote)."""
        if self.kind == Kind.MISSING_REPORT:
            kept = {row.activity_id for row in rows}
            self.items = [activity for activity in self.items if activity.pk in kept]
        else:
            kept = {(row.report_id, row.submitted_at) for row in rows}
            self.items = [r for r in self.items if (r.pk, r.submitted_at) in kept]

    def context(self):
        settings_url = absolute_url(reverse("activities:reminder_settings"))
        context = {"user": self.user, "settings_url": settings_url}
        if self.kind == Kind.MISSING_REPORT:
            start, end = quarter_dates(self.year, self.quarter)
            context.update(
                period=self.period,
                quarter_start=start,
                quarter_end=end,
                items=[
                    {
                        "activity": activity,
                        "url": absolute_url(
                            reverse("activities:report_create", args=[activity.pk])
                            + f"?year={self.year}&quarter={self.quarter}"
                        ),
                    }
                    for activity in self.items
                ],
            )
        else:
            context.update(
                days=self.days,
                regions=sorted({report.activity.region.name for report in self.items}),
                items=[
                    {"report": report, "url": absolute_url(report.get_absolute_url())}
                    for report in self.items
                ],
            )
        return context

    @property
    def template(self):
        return f"reminder_{self.kind}"


def _users_to_tell(user_ids):
    """Among `user_ids` (ids, or a query of them), the users reminders may go to: active, with
    an e-mail address, and who did not turn them off."""
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .exclude(notification_preference__reminders=False)
        .order_by("username")
    )


def missing_report_digests(today, days):
    """The e-mails to send on `today` about reports missing for the quarter closed `days` days
    before: to each user, the activities they lead (focal point) or created that ran during
    that quarter — dates overlapping it, ongoing or completed, not archived — with no report for
    it in any state (a draft is a report started), and whose reports they still write. What was
    recorded as reminded already is left out."""
    year, quarter = reminded_quarter(today, days)
    start, end = quarter_dates(year, quarter)
    reported = ProgressReport.objects.filter(year=year, quarter=quarter).values("activity_id")
    activities = (
        Activity.objects.not_archived()
        .filter(status__in=Activity.DELIVERING_STATUSES, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .exclude(pk__in=reported)
        .select_related("region")
        .order_by("title", "pk")
    )
    reminded = set(
        Reminder.objects.missing_report(year, quarter).values_list("user_id", "activity_id")
    )
    wanted = defaultdict(list)
    for activity in activities:
        for user_id in {activity.focal_point_id, activity.created_by_id} - {None}:
            if (user_id, activity.pk) not in reminded:
                wanted[user_id].append(activity)
    digests = []
    for user in _users_to_tell(list(wanted)):
        items = [
            activity
            for activity in wanted[user.pk]
            if user.has_perm("activities.add_progressreport", activity)
        ]
        if items:
            digests.append(Digest(Kind.MISSING_REPORT, user, items, year, quarter))
    return digests


def review_digests(today, days):
    """The e-mails to send on `today` about reports waiting for review: to each reviewer, the
    reports of the regions assigned to them submitted more than `days` days before `today` (by
    date), not by them, of activities not archived. What was recorded as reminded already (for
    the same submission) is left out."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.min)
    )
    waiting = ProgressReport.objects.filter(
        state=ProgressReport.State.SUBMITTED,
        submitted_at__lt=cutoff,
        activity__archived_at__isnull=True,
    )
    reports = list(
        waiting.select_related("activity__region", "author").order_by("submitted_at", "pk")
    )
    if not reports:
        return []
    reminded = set(
        Reminder.objects.review(waiting.values("pk")).values_list(
            "user_id", "report_id", "submitted_at"
        )
    )
    region_ids = {report.activity.region_id for report in reports}
    reviewers = (
        get_user_model()
        # The backend that holds permissions: django-axes' backend, listed first, holds none.
        .objects.with_perm(
            "activities.review_progressreport",
            is_active=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(pk__in=RegionAssignment.objects.filter(region_id__in=region_ids).values("user_id"))
        .values("pk")
    )
    assigned = defaultdict(set)
    for user_id, region_id in RegionAssignment.objects.filter(
        user_id__in=reviewers, region_id__in=region_ids
    ).values_list("user_id", "region_id"):
        assigned[user_id].add(region_id)
    digests = []
    for user in _users_to_tell(reviewers):
        items = [
            report
            for report in reports
            if report.activity.region_id in assigned[user.pk]
            and (user.pk, report.pk, report.submitted_at) not in reminded
            and user.has_perm("activities.review_progressreport", report)
        ]
        if items:
            digests.append(Digest(Kind.REVIEW, user, items, days=days))
    return digests


@dataclass
class Outcome:
    """What a run did: the e-mails sent (or, in a dry run, to send), those the mail server
    refused, and the reminders they carried, by kind."""

    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def reminders(self, kind):
        return sum(len(digest.items) for digest in self.sent if digest.kind == kind)


def send(digest, run):
    """Record `digest`'s reminders for `run`, then send those that no other run recorded first.
    Returns True (sent), False (the mail server refused: the rows are deleted, for the next run
    to try again) or None (nothing left to send)."""
    Reminder.objects.bulk_create(digest.rows(run), ignore_conflicts=True)
    mine = Reminder.objects.filter(run=run, user=digest.user, kind=digest.kind)
    digest.keep_only(list(mine))
    if not digest.items:
        return None
    if not _mail([digest.user], digest.template, digest.context()):
        mine.delete()
        return False
    mine.update(sent_at=timezone.now())
    return True


def send_reminders(today, *, dry_run=False, report_days=None, review_days=None, log=None):
    """Send the reminders due on `today` (or, with `dry_run`, only say them, through `log`, and
    record nothing). The days default to the settings. Returns an `Outcome`."""
    report_days = settings.REMINDER_DAYS_AFTER_QUARTER if report_days is None else report_days
    review_days = settings.REVIEW_REMINDER_DAYS if review_days is None else review_days
    digests = missing_report_digests(today, report_days) + review_digests(today, review_days)
    outcome = Outcome()
    run = uuid.uuid4()
    for digest in digests:
        if dry_run:
            outcome.sent.append(digest)
            if log:
                log(f"Would remind {digest.describe()}")
            continue
        sent = send(digest, run)
        if sent:
            outcome.sent.append(digest)
        elif sent is False:
            outcome.failed.append(digest)
    return outcome
