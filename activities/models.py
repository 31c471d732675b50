"""Work data: the activities that regional offices run and their progress reports, and the
regions each user works in.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from initiatives.models import Country, ExpectedResult, Region
from initiatives.validators import validate_multiline_text, validate_text


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
    name = models.CharField(max_length=100, unique=True, validators=[validate_text])
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
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


def quarter_of(day):
    """The (year, quarter) that `day` falls in: 15 May 2026 → (2026, 2)."""
    return day.year, (day.month - 1) // 3 + 1


def previous_quarters(today=None, count=2):
    """The `count` complete quarters before the quarter of `today` (default: today), newest
    first, as (year, quarter): on 15 May 2026, [(2026, 1), (2025, 4)]."""
    year, quarter = quarter_of(today or datetime.date.today())
    quarters = []
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        quarters.append((year, quarter))
    return quarters


class LinkedHistoricalRecords(HistoricalRecords):
    """simple-history's records, reachable afterwards as `Model.history_records`.

    simple-history keeps its HistoricalRecords only as signal receivers. A service that saves a
    row and then its many-to-many links (under `skip_history_when_saving`) needs it to write the
    one history row of the final state: see `activities.services.write_history`.
    """

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender.history_records = self


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
        """Activities active in `year`: their dates overlap it (one with no end date runs on),
        except that a planned activity counts only in the year it starts — a plan is not yet
        work in the years after."""
        return (
            self.filter(start_date__lte=datetime.date(year, 12, 31))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=datetime.date(year, 1, 1)))
            .filter(~Q(status=Activity.Status.PLANNED) | Q(start_date__year=year))
        )

    def counted_in(self, year):
        """The activities that count in `year`'s figures: active in it, neither archived nor
        cancelled. Every dashboard figure starts from this set."""
        return self.not_archived().filter(status__in=Activity.COUNTED_STATUSES).active_in(year)

    def with_approved_report_in(self, year):
        """Activities with at least one approved progress report for a quarter of `year`."""
        return self.filter(
            pk__in=ProgressReport.objects.approved().filter(year=year).values("activity_id")
        )

    # The methods below narrow through subqueries (`pk__in`) rather than joins, so that an
    # activity in several countries or advancing several results is counted and listed once,
    # without `.distinct()` (which would make counts and sorting dearer).

    def search(self, text):
        """Activities whose title, description, reference or a country's name contains each
        word of `text` (case-insensitive): "IXP Tonga" finds the IXP study in Tonga."""
        activities = self
        for word in text.split():
            in_country_name = ActivityCountry.objects.filter(country__name__icontains=word).values(
                "activity_id"
            )
            activities = activities.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(reference__icontains=word)
                | Q(pk__in=in_country_name)
            )
        return activities

    def in_country(self, country):
        """Activities in `country` (a Country or its ISO alpha-3 code), among others."""
        links = ActivityCountry.objects.all()
        if isinstance(country, str):
            links = links.filter(country__iso3=country)
        else:
            links = links.filter(country=country)
        return self.filter(pk__in=links.values("activity_id"))

    def in_group(self, group, on=None):
        """Activities with at least one country in `group` (LDC, SIDS or LLDC) on the date `on`
        (default: today)."""
        return self._in_countries(Country.objects.in_group(group, on=on))

    def in_group_during(self, group, year):
        """Activities with at least one country that was in `group` on some day of `year`."""
        return self._in_countries(Country.objects.in_group_during(group, year))

    def _in_countries(self, countries):
        return self.filter(
            pk__in=ActivityCountry.objects.filter(country__in=countries).values("activity_id")
        )

    def advancing(self, expected_result):
        """Activities that advance `expected_result`, among others."""
        return self.filter(
            pk__in=ActivityExpectedResult.objects.filter(expected_result=expected_result).values(
                "activity_id"
            )
        )

    def in_initiative(self, initiative):
        """Activities that advance at least one expected result of `initiative`."""
        return self.filter(
            pk__in=ActivityExpectedResult.objects.filter(
                expected_result__initiative=initiative
            ).values("activity_id")
        )

    def in_plan(self, action_plan):
        """Activities that advance at least one expected result of `action_plan`."""
        return self.filter(
            pk__in=ActivityExpectedResult.objects.filter(
                expected_result__initiative__action_plan=action_plan
            ).values("activity_id")
        )

    def mine(self, user):
        """The activities `user` is the focal point of or created."""
        return self.filter(Q(focal_point=user) | Q(created_by=user))

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def stale(self, today=None):
        """Ongoing activities, not archived, with no approved progress report for either of the
        last two complete quarters before the quarter of `today` (default: today).

        On 15 May 2026 an ongoing activity is stale unless it has an approved report for 2026 Q1
        or for 2025 Q4; a draft, submitted or returned report does not count. An activity that
        started in the current quarter has had no quarter to report on yet, so it is not stale.
        The home page and the dashboards share this one definition; chain it like any other
        filter (`Activity.objects.in_regions(regions).stale(today=day)`).
        """
        today = today or datetime.date.today()
        year, quarter = quarter_of(today)
        quarter_start = datetime.date(year, 3 * quarter - 2, 1)
        periods = Q()
        for year, quarter in previous_quarters(today, count=2):
            periods |= Q(year=year, quarter=quarter)
        recently_reported = ProgressReport.objects.approved().filter(periods).values("activity_id")
        return (
            self.not_archived()
            .filter(status=Activity.Status.ONGOING, start_date__lt=quarter_start)
            .exclude(pk__in=recently_reported)
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

    # Cancelled activities never count in figures; only ongoing and completed ones deliver.
    COUNTED_STATUSES = [Status.PLANNED, Status.ONGOING, Status.SUSPENDED, Status.COMPLETED]
    DELIVERING_STATUSES = [Status.ONGOING, Status.COMPLETED]

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
    title = models.CharField(max_length=300, validators=[validate_text])
    description = models.TextField(blank=True, validators=[validate_multiline_text])
    reference = models.CharField(
        max_length=50,
        blank=True,
        validators=[validate_text],
        help_text="Optional, unique when given, e.g. an ITU project number.",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="activities")
    countries = models.ManyToManyField(Country, through=ActivityCountry, related_name="activities")
    expected_results = models.ManyToManyField(
        ExpectedResult, through=ActivityExpectedResult, related_name="activities"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    modality = models.CharField(max_length=30, choices=Modality.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    budget_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(
        max_length=3,
        default="USD",
        help_text="ISO 4217 code, e.g. USD.",
        validators=[validate_text],
    )
    funding_source = models.CharField(max_length=30, choices=FundingSource.choices, blank=True)
    partners = models.TextField(blank=True, validators=[validate_multiline_text])
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

    # What people edit, in the order of the activity form; the change history shows the same.
    EDITABLE_FIELDS = [
        "title",
        "reference",
        "description",
        "status",
        "modality",
        "region",
        "countries",
        "expected_results",
        "start_date",
        "end_date",
        "budget_amount",
        "currency",
        "funding_source",
        "partners",
        "target_groups",
        "focal_point",
        "people_reached_women",
        "people_reached_men",
    ]

    history = LinkedHistoricalRecords(m2m_fields=[countries, expected_results, target_groups])
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
            # The list's default order (newest first) over the activities it shows (not
            # archived): its first page is read off this index, not sorted from every row.
            models.Index(
                F("start_date").desc(),
                "title",
                name="activity_newest_first",
                condition=Q(archived_at__isnull=True),
            ),
            # Small, so that counting the activities not archived (the list's total) and
            # narrowing them by status reads it rather than the whole table.
            models.Index(
                fields=["status"],
                name="activity_live_status",
                condition=Q(archived_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:activity_detail", args=[self.pk])

    def natural_key(self):
        return (str(self.uid),)

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def people_reached(self):
        return self.people_reached_women + self.people_reached_men


class ProgressReportQuerySet(models.QuerySet):
    """Progress reports as the workflow asks for them. Drafts are their author's own: lists
    shown to a user go through `visible_to(user)` or one of the author's own questions."""

    def get_by_natural_key(self, activity_uid, year, quarter):
        return self.get(activity__uid=activity_uid, year=year, quarter=quarter)

    def approved(self):
        """The reports that count: dashboards and staleness read only these."""
        return self.filter(state=ProgressReport.State.APPROVED)

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
        blank=True, help_text="One link per line.", validators=[validate_multiline_text]
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

    def can_become(self, state):
        """Whether the workflow leads from this report's state to `state`."""
        return state in self.TRANSITIONS[self.state]

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES

    @property
    def people_reached(self):
        return self.people_reached_women + self.people_reached_men


class ImportBatchQuerySet(models.QuerySet):
    def stale(self, older_than=None):
        """Previews never confirmed, uploaded more than `older_than` ago (a timedelta; default
        `ImportBatch.PREVIEW_KEPT`): their files are of no more use and are deleted."""
        older_than = ImportBatch.PREVIEW_KEPT if older_than is None else older_than
        return self.filter(
            status=ImportBatch.Status.PREVIEWED,
            created_at__lt=timezone.now() - older_than,
        )


class ImportBatch(models.Model):
    """A spreadsheet uploaded for import, kept between its preview and its confirmation.

    The confirmation reads and checks the stored file again before saving anything; once
    imported, the file's bytes are dropped and the row stays as a record of who imported what.
    A preview not confirmed within PREVIEW_KEPT is stale: deleted when its uploader uploads
    again, and by `manage.py purge_import_batches` (run daily).
    """

    PREVIEW_KEPT = datetime.timedelta(days=1)

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        IMPORTED = "imported", "Imported"

    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    imported_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"{self.filename} ({self.get_status_display().lower()})"
