"""Progress reports: an activity's report for a quarter, and its workflow (draft, submitted,
approved or returned)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import formats, timezone
from simple_history.models import HistoricalRecords

from activities.models.activity import Activity, quarter_of
from activities.validators import validate_evidence_links
from initiatives.validators import validate_multiline_text


class ProgressReportQuerySet(models.QuerySet):
    """Progress reports as the workflow asks for them. Drafts are their author's own: lists
    shown to a user go through `visible_to(user)` or one of the author's own questions."""

    def get_by_natural_key(self, activity_uid, year, quarter):
        return self.get(activity__uid=activity_uid, year=year, quarter=quarter)

    def approved(self):
        """The reports that count: dashboards and staleness read only these."""
        return self.filter(state=ProgressReport.State.APPROVED)

    def people_reached(self):
        """The people these reports reached, by sex, and how many activities they are of:
        {"women", "men", "total", "activities"}. One query. What the tracker counts as people
        reached, on every page: the approved reports' figures, never the activities' plans."""
        totals = self.aggregate(
            women=Sum("people_reached_women"),
            men=Sum("people_reached_men"),
            activities=Count("activity", distinct=True),
        )
        women, men = totals["women"] or 0, totals["men"] or 0
        return {
            "women": women,
            "men": men,
            "total": women + men,
            "activities": totals["activities"],
        }

    def visible_to(self, user):
        """Every report but other people's drafts."""
        return self.filter(~Q(state=ProgressReport.State.DRAFT) | Q(author=user))

    def in_regions(self, regions):
        return self.filter(activity__region__in=regions)

    def drafts_of(self, user):
        """`user`'s drafts, not yet submitted."""
        return self.filter(state=ProgressReport.State.DRAFT, author=user)

    def returned_to(self, user):
        """`user`'s reports that a reviewer returned for changes."""
        return self.filter(state=ProgressReport.State.RETURNED, author=user)

    def waiting_for_review_by(self, user):
        """Submitted reports that `user` may approve or return: in the regions they review,
        written by someone else. None for a user who does not review."""
        # Imported here: permissions is the layer above the models and may come to import them.
        from activities import permissions

        if not user.has_perm("activities.review_progressreport"):
            return self.none()
        return (
            self.filter(state=ProgressReport.State.SUBMITTED)
            .filter(activity__region__in=permissions.region_ids(user))
            .exclude(author=user)
        )


class ProgressReport(models.Model):
    """An activity's report for one quarter, written by staff and approved by a reviewer.

    Only approved reports count in dashboards; drafts are their author's.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(choices=[(q, f"Q{q}") for q in range(1, 5)])
    activity_status = models.CharField(
        "status at the time",
        max_length=20,
        choices=Activity.Status.choices,
    )
    percent_complete = models.PositiveSmallIntegerField(default=0)
    achievements = models.TextField(blank=True, validators=[validate_multiline_text])
    challenges = models.TextField(blank=True, validators=[validate_multiline_text])
    next_steps = models.TextField(blank=True, validators=[validate_multiline_text])
    evidence_links = models.TextField(
        blank=True,
        help_text="One link per line.",
        validators=[validate_multiline_text, validate_evidence_links],
    )
    people_reached_women = models.PositiveIntegerField(default=0)
    people_reached_men = models.PositiveIntegerField(default=0)

    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_reports"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_reports",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True, validators=[validate_multiline_text])

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = ProgressReportQuerySet.as_manager()

    # The workflow, in one place: from each state, the states a report may move to. Editing is
    # allowed in EDITABLE_STATES only (administrators excepted: activities/permissions.py).
    TRANSITIONS = {
        State.DRAFT: {State.SUBMITTED},
        State.SUBMITTED: {State.APPROVED, State.RETURNED},
        State.RETURNED: {State.SUBMITTED},
        State.APPROVED: set(),
    }
    EDITABLE_STATES = {State.DRAFT, State.RETURNED}
    # What an author writes, in the order of the form (the workflow's fields are the
    # transitions' own): what an edit saves and what an edit conflict compares.
    EDITABLE_FIELDS = [
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

    class Meta:
        ordering = ["activity", "-year", "-quarter"]
        permissions = [("review_progressreport", "Can approve or return progress reports")]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "year", "quarter"],
                name="progressreport_one_per_activity_and_period",
                violation_error_message="This activity already has a report for this quarter.",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="progressreport_percent_0_to_100",
                violation_error_message="Percent complete is between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="progressreport_quarter_1_to_4",
                violation_error_message="The quarter is 1, 2, 3 or 4.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="progressreport_year_plausible",
                violation_error_message="The year must be between 2000 and 2100.",
            ),
            # A reviewed report names its reviewer, and nobody reviews their own report.
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "returned"])
                | (Q(reviewer__isnull=False) & Q(reviewed_at__isnull=False)),
                name="progressreport_reviewed_has_reviewer",
                violation_error_message="An approved or returned report needs its reviewer.",
            ),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=F("author")),
                name="progressreport_not_reviewed_by_author",
                violation_error_message="Nobody reviews their own report.",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "activity"], name="report_state_activity"),
            # Only approved reports count: those of a quarter (staleness, people reached in a
            # year) and an activity's (its latest percent complete), without reading the rest.
            models.Index(
                fields=["year", "quarter", "activity"],
                name="report_approved_period",
                condition=Q(state="approved"),
            ),
            models.Index(
                fields=["activity", "year", "quarter"],
                name="report_approved_activity",
                condition=Q(state="approved"),
            ),
        ]

    def __str__(self):
        return f"{self.activity} – {self.period}"

    def get_absolute_url(self):
        return reverse("activities:report_detail", args=[self.activity_id, self.pk])

    def natural_key(self):
        return (*self.activity.natural_key(), self.year, self.quarter)

    natural_key.dependencies = ["activities.activity"]

    @property
    def period(self):
        return f"{self.year} Q{self.quarter}"

    def clean(self):
        """A report is for a quarter that has begun and that the activity's dates overlap.

        Checked on every save, an edit's too: a report whose activity's dates have moved since
        it was written is refused until its quarter or the activity's dates are put right, and
        the message says which dates it is outside of. (The workflow's moves — submit, approve,
        return — change no period and do not ask.)
        """
        message = self.period_refusal(timezone.localdate())
        if message:
            raise ValidationError({"quarter": message}, code="impossible_period")

    def period_refusal(self, today):
        """Why this report's quarter is impossible on `today`, in words, or "" if it is not:
        outside the activity's dates (the quarter ends before its start or starts after its
        end), or not begun yet (after the quarter of `today`)."""
        if self.activity_id is None or self.quarter not in (1, 2, 3, 4):
            return ""
        if not isinstance(self.year, int) or not datetime.MINYEAR < self.year < datetime.MAXYEAR:
            return ""  # the constraint progressreport_year_plausible says what is wrong
        first_day = datetime.date(self.year, 3 * self.quarter - 2, 1)
        next_quarter = datetime.date(self.year + self.quarter // 4, 3 * self.quarter % 12 + 1, 1)
        last_day = next_quarter - datetime.timedelta(days=1)
        activity = self.activity
        start, end = activity.start_date, activity.end_date
        if (start and last_day < start) or (end and first_day > end):
            if end is None:
                dates = f"runs from {_day(start)}, with no end date"
            else:
                dates = f"{'ran' if end < today else 'runs'} from {_day(start)} to {_day(end)}"
            return f"The activity {dates}: {self.period} is outside its dates."
        if (self.year, self.quarter) > quarter_of(today):
            return f"{self.period} has not started yet: report on a quarter once it has begun."
        return ""

    def can_become(self, state):
        """Whether the workflow leads from this report's state to `state`."""
        return state in self.TRANSITIONS[self.state]

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES

    @property
    def people_reached(self):
        return self.people_reached_women + self.people_reached_men


def _day(date):
    """A date as the refusals say it: "3 Mar 2026"."""
    return formats.date_format(date, "j M Y")
