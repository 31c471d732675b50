"""E-mail reminders (`manage.py send_reminders`): each one sent, recorded so that it is never sent
twice, and each user's choice to receive them or not."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from activities.models.activity import Activity
from activities.models.report import ProgressReport


class NotificationPreference(models.Model):
    """A user's choice about e-mail reminders. A user without one gets them (the default). Its
    history says who turned them off, and when."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    reminders = models.BooleanField(
        "e-mail reminders",
        default=True,
        help_text="Reports missing for the quarter just closed, and reports waiting for review.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"{self.user}: reminders {'on' if self.reminders else 'off'}"


class ReminderQuerySet(models.QuerySet):
    def missing_report(self, year, quarter):
        """The reminders of a missing report for `year` Q`quarter`."""
        return self.filter(kind=Reminder.Kind.MISSING_REPORT, year=year, quarter=quarter)

    def review(self, reports):
        """The reminders of reports waiting for review, among `reports`."""
        return self.filter(kind=Reminder.Kind.REVIEW, report__in=reports)


class Reminder(models.Model):
    """One reminder to one user: that `activity` has no report for `year` Q`quarter`, or that
    `report` (as submitted at `submitted_at`) waits for their review.

    The row is written, committed, *before* the e-mail goes (`sent_at` is set once the mail
    server took it), and the unique constraints refuse a second row: two runs at once, or a run
    again, never send the same reminder twice. A run stopped between the two leaves a row
    without `sent_at`: that reminder is not sent again (at most once, never twice).
    """

    class Kind(models.TextChoices):
        MISSING_REPORT = "missing_report", "Progress report missing"
        REVIEW = "review", "Report waiting for review"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    # A missing report: the activity and the quarter.
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(null=True, blank=True)
    # A report waiting for review: the report and its submission (a report returned and
    # submitted again is a new submission, reminded of again).
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    # The run that wrote the row: a run sends only the reminders it wrote itself.
    run = models.UUIDField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty: the run stopped before the mail server took the e-mail. Not sent again.",
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity", "year", "quarter"],
                condition=Q(kind="missing_report"),
                name="reminder_missing_report_once",
            ),
            models.UniqueConstraint(
                fields=["user", "report", "submitted_at"],
                condition=Q(kind="review"),
                name="reminder_review_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="missing_report",
                        activity__isnull=False,
                        year__isnull=False,
                        quarter__isnull=False,
                        report__isnull=True,
                    )
                    | Q(
                        kind="review",
                        report__isnull=False,
                        submitted_at__isnull=False,
                        activity__isnull=True,
                    )
                ),
                name="reminder_kind_has_its_fields",
            ),
        ]
        indexes = [
            # send_reminders reads back the rows its run wrote.
            models.Index(fields=["run"], name="reminder_run"),
        ]

    def __str__(self):
        if self.kind == self.Kind.MISSING_REPORT:
            return f"{self.user}: no report for {self.year} Q{self.quarter} of {self.activity}"
        return f"{self.user}: {self.report} waiting for review"
