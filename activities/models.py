"""Work data: the activities that regional offices run and their progress reports, and the
regions each user works in.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from initiatives.models import Country, ExpectedResult, Region


class RegionAssignment(models.Model):
    """A region a user works in: Editors and Reviewers write only in their assigned regions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_assignments"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="assignments")

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="regionassignment_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.region.code}"


class TargetGroupManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class TargetGroup(models.Model):
    """A group of people an activity is meant for: women and girls, youth, …"""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = TargetGroupManager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class ActivityLinkManager(models.Manager):
    """Natural keys for an activity's links: (activity uid, the linked row's natural key)."""

    def get_by_natural_key(self, activity_uid, *target_key):
        target_field = self.model.TARGET_FIELD
        target_model = self.model._meta.get_field(target_field).related_model
        return self.get(
            activity__uid=activity_uid,
            **{target_field: target_model.objects.get_by_natural_key(*target_key)},
        )


class ActivityCountry(models.Model):
    """A country an activity works in. Countries in use cannot be deleted."""

    TARGET_FIELD = "country"

    activity = models.ForeignKey("activities.Activity", on_delete=models.CASCADE)
    country = models.ForeignKey(Country, on_delete=models.PROTECT)

    objects = ActivityLinkManager()

    class Meta:
        verbose_name = "activity country"
        verbose_name_plural = "activity countries"
        constraints = [
            models.UniqueConstraint(fields=["activity", "country"], name="activitycountry_unique"),
        ]

    def __str__(self):
        return f"{self.activity} – {self.country}"

    def natural_key(self):
        return (*self.activity.natural_key(), *self.country.natural_key())

    natural_key.dependencies = ["activities.activity", "initiatives.country"]


class ActivityExpectedResult(models.Model):
    """An expected result an activity advances. Expected results in use cannot be deleted."""

    TARGET_FIELD = "expected_result"

    activity = models.ForeignKey("activities.Activity", on_delete=models.CASCADE)
    expected_result = models.ForeignKey(ExpectedResult, on_delete=models.PROTECT)

    objects = ActivityLinkManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "expected_result"], name="activityexpectedresult_unique"
            ),
        ]

    def __str__(self):
        return f"{self.activity} – {self.expected_result.code}"

    def natural_key(self):
        return (*self.activity.natural_key(), *self.expected_result.natural_key())

    natural_key.dependencies = ["activities.activity", "initiatives.expectedresult"]


class ActivityQuerySet(models.QuerySet):
    def get_by_natural_key(self, uid):
        return self.get(uid=uid)

    def in_regions(self, regions):
        return self.filter(region__in=regions)

    def not_archived(self):
        return self.filter(archived_at__isnull=True)

    def for_list(self):
        """What a list row shows — region, countries with their badges, expected results —
        fetched in a fixed number of queries, whatever the number of rows."""
        return self.select_related("region").prefetch_related(
            models.Prefetch("countries", queryset=Country.objects.with_designations()),
            models.Prefetch(
                "expected_results",
                queryset=ExpectedResult.objects.select_related("initiative").order_by(
                    "initiative__code", "number"
                ),
            ),
        )

    def active_in(self, year):
        """Activities whose dates overlap `year`; one with no end date runs on."""
        return self.filter(start_date__lte=datetime.date(year, 12, 31)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=datetime.date(year, 1, 1))
        )


class Activity(models.Model):
    """A national, multi-country or regional activity of a regional office (what the product card
    calls a project), mapped to the expected results it advances."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ONGOING = "ongoing", "Ongoing"
        COMPLETED = "completed", "Completed"
        SUSPENDED = "suspended", "Suspended"
        CANCELLED = "cancelled", "Cancelled"

    class Modality(models.TextChoices):
        PROJECT = "project", "Project"
        POLICY_ASSISTANCE = "policy_assistance", "Policy/regulatory assistance"
        CAPACITY_BUILDING = "capacity_building", "Capacity building/training"
        STUDY = "study", "Study/assessment"
        EVENT = "event", "Event/forum"
        INFRASTRUCTURE = "infrastructure", "Infrastructure/deployment"
        OTHER = "other", "Other"

    class FundingSource(models.TextChoices):
        REGULAR_BUDGET = "regular_budget", "ITU regular budget"
        ICT_DF = "ict_df", "ICT Development Fund"
        EXTRA_BUDGETARY = "extra_budgetary", "Extra-budgetary or partner"
        IN_KIND = "in_kind", "In kind"

    # A stable identity for fixtures, backups and spreadsheets, whether or not a reference is given.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    reference = models.CharField(
        max_length=50,
        blank=True,
        help_text="Optional, unique when given, e.g. an ITU project number.",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="activities")
    countries = models.ManyToManyField(
        Country, through=ActivityCountry, related_name="activities"
    )
    expected_results = models.ManyToManyField(
        ExpectedResult, through=ActivityExpectedResult, related_name="activities"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    modality = models.CharField(max_length=30, choices=Modality.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    budget_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code, e.g. USD.")
    funding_source = models.CharField(max_length=30, choices=FundingSource.choices, blank=True)
    partners = models.TextField(blank=True)
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="activities")
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="focal_point_activities",
    )
    people_reached_women = models.PositiveIntegerField(default=0)
    people_reached_men = models.PositiveIntegerField(default=0)
    is_demo = models.BooleanField(default=False, help_text="Part of the demo data set.")
    archived_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a form carries the version it was read at, and a save that finds
    # another version in the database is refused instead of overwriting someone's work.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(m2m_fields=[countries, expected_results, target_groups])
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name_plural = "activities"
        permissions = [("work_in_all_regions", "Can write activities and reports in every region")]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="activity_unique_reference",
                violation_error_message="Another activity already has this reference.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="activity_end_not_before_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="activity_budget_not_negative",
                violation_error_message="The budget cannot be negative.",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="activity_region_status"),
            models.Index(fields=["start_date", "end_date"], name="activity_dates"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (str(self.uid),)

    def get_absolute_url(self):
        return reverse("activities:activity_detail", args=[self.pk])

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def people_reached(self):
        return self.people_reached_women + self.people_reached_men


class ProgressReportManager(models.Manager):
    def get_by_natural_key(self, activity_uid, year, quarter):
        return self.get(activity__uid=activity_uid, year=year, quarter=quarter)


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
    achievements = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    evidence_links = models.TextField(blank=True, help_text="One link per line.")
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
    review_comment = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    objects = ProgressReportManager()

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
        ]

    def __str__(self):
        return f"{self.activity} – {self.period}"

    def natural_key(self):
        return (*self.activity.natural_key(), self.year, self.quarter)

    natural_key.dependencies = ["activities.activity"]

    @property
    def period(self):
        return f"{self.year} Q{self.quarter}"

    @property
    def people_reached(self):
        return self.people_reached_women + self.people_reached_men
