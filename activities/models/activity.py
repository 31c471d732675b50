"""Activities: what a regional office runs, where (countries), toward which expected results,
for whom (target groups), and the quarters they report on."""

import datetime
import uuid

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from activities.models.money import FundingSource
from initiatives.models import Country, ExpectedResult, Region
from initiatives.validators import validate_multiline_text, validate_text


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


class ActivityExpectedResultQuerySet(models.QuerySet):
    """The links that count for expected results, written once: an activity counts for an
    expected result R when it is linked to R, or to an expected result of an earlier plan that
    R continues (`ExpectedResult.continues`, set by administrators) — "via the previous plan".
    Every figure, list and filter of a plan's results goes through these two methods."""

    def counting_for(self, results):
        """The links that make their activities count for one of `results` (expected results,
        their ids, or a queryset of them): to one of them, or to an earlier result one of them
        continues. Narrow the activities with `pk__in=….values("activity_id")`. Written with
        the results' ids rather than joins, so that PostgreSQL reads the index of the links'
        expected results."""
        continued = ExpectedResult.continues.through.objects.filter(
            from_expectedresult__in=results
        ).values("to_expectedresult_id")
        return self.filter(Q(expected_result__in=results) | Q(expected_result__in=continued))

    def counted_pairs(self, results):
        """The same links as `counting_for(results)`, as (activity id, id of the result of
        `results` it counts for, id of the earlier result it counts through or None when the
        activity is linked to the result itself): one row per pair, in one query. An activity
        may count for a result both ways: the caller counts it once."""
        direct = self.filter(expected_result__in=results).values_list(
            "activity_id", "expected_result_id", Value(None, output_field=models.IntegerField())
        )
        via = self.filter(expected_result__continued_by__in=results).values_list(
            "activity_id", "expected_result__continued_by", "expected_result_id"
        )
        return direct.union(via)


class ActivityExpectedResult(models.Model):
    """An expected result an activity advances. Expected results in use cannot be deleted."""

    TARGET_FIELD = "expected_result"

    activity = models.ForeignKey("activities.Activity", on_delete=models.CASCADE)
    expected_result = models.ForeignKey(ExpectedResult, on_delete=models.PROTECT)
    # The percentage of the activity's money that goes to this result: the shares of an
    # activity's results sum to 100 (activities.services keeps them so; equal by default).
    share = models.DecimalField(max_digits=5, decimal_places=2, default=100)

    objects = ActivityLinkManager.from_queryset(ActivityExpectedResultQuerySet)()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "expected_result"], name="activityexpectedresult_unique"
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=100),
                name="activityexpectedresult_share_percent",
                violation_error_message="A share is a percentage, from 0 to 100.",
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


def _reports():
    """Progress reports (activities.models.report, which builds on this module)."""
    return apps.get_model("activities", "ProgressReport").objects


class ActivityQuerySet(models.QuerySet):
    def get_by_natural_key(self, uid):
        return self.get(uid=uid)

    def in_regions(self, regions):
        return self.filter(region__in=regions)

    def funded_by(self, funding_source=None, year=None):
        """Those with a budget line from `funding_source` ("": one not stated; None: any) for
        `year` (None: any): one line that is both, so that the ICT-DF in 2026 is not a line of
        the ICT-DF for 2027 beside another line for 2026. One subquery, no duplicates."""
        lines = apps.get_model("activities", "BudgetLine").objects.filter(activity=OuterRef("pk"))
        if funding_source is not None:
            lines = lines.filter(funding_source=funding_source)
        if year is not None:
            lines = lines.filter(year=year)
        return self.filter(Exists(lines))

    def not_archived(self):
        return self.filter(archived_at__isnull=True)

    def for_list(self):
        """What a list row shows — region, countries with their badges, expected results with
        their plans — fetched in a fixed number of queries, whatever the number of rows."""
        return self.select_related("region").prefetch_related(
            models.Prefetch("countries", queryset=Country.objects.with_designations()),
            models.Prefetch(
                "expected_results",
                queryset=ExpectedResult.objects.select_related("initiative__action_plan").order_by(
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
        return self.filter(pk__in=_reports().approved().filter(year=year).values("activity_id"))

    # The methods below narrow through subqueries (`pk__in`) rather than joins, so that an
    # activity in several countries or advancing several results is counted and listed once,
    # without `.distinct()` (which would make counts and sorting dearer).

    def search(self, text):
        """Activities whose title, description, reference or a country's name (or other name:
        "Vietnam") contains each word of `text` (case-insensitive): "IXP Tonga" finds the IXP
        study in Tonga."""
        activities = self
        for word in text.split():
            in_country_name = ActivityCountry.objects.filter(
                country__in=Country.objects.search(word)
            ).values("activity_id")
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
        """Activities that advance `expected_result`, among others: linked to it, or to an
        earlier plan's result it continues (`ActivityExpectedResult.objects.counting_for`)."""
        return self.counting_for([expected_result])

    def in_initiative(self, initiative):
        """Activities that advance at least one expected result of `initiative` (directly or
        through an earlier result it continues)."""
        return self.counting_for(ExpectedResult.objects.filter(initiative=initiative))

    def in_plan(self, action_plan):
        """Activities that advance at least one expected result of `action_plan` (directly or
        through an earlier plan's result it continues)."""
        return self.counting_for(ExpectedResult.objects.filter(initiative__action_plan=action_plan))

    def counting_for(self, results):
        """Activities that count for at least one of `results` (expected results, their ids or
        a queryset of them): the rule of `ActivityExpectedResult.objects.counting_for`."""
        links = ActivityExpectedResult.objects.counting_for(results)
        return self.filter(pk__in=links.values("activity_id"))

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
        # NOT EXISTS rather than NOT IN: the database asks the index of each ongoing activity's
        # approved reports rather than reading those of every activity for the two quarters.
        recently_reported = _reports().approved().filter(periods, activity=OuterRef("pk"))
        return (
            self.not_archived()
            .filter(status=Activity.Status.ONGOING, start_date__lt=quarter_start)
            .exclude(Exists(recently_reported))
        )

    def needs_attention(self, today=None):
        """Activities, not archived, whose status their dates contradict on `today` (default:
        today): an ongoing one past its end date, or a planned one past its start date.

        On 4 Dec 2026 an activity still "ongoing" that ended on 30 Nov 2026 needs attention, and
        so does one still "planned" that was to start on 1 Dec; either leaves the figures
        wrong until its editor updates the status (or the dates). The list filters them
        (`?attention=1`), their pages and list rows say why (`Activity.attention_reason`, the
        same rule for one activity), the home page and the region dashboard count them.
        """
        today = today or timezone.localdate()
        return self.not_archived().filter(
            Q(status=Activity.Status.ONGOING, end_date__lt=today)
            | Q(status=Activity.Status.PLANNED, start_date__lt=today)
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
    COMPLETED_WITHOUT_END_DATE = "A completed activity needs its end date: give the day it ended."

    class Modality(models.TextChoices):
        PROJECT = "project", "Project"
        POLICY_ASSISTANCE = "policy_assistance", "Policy/regulatory assistance"
        CAPACITY_BUILDING = "capacity_building", "Capacity building/training"
        STUDY = "study", "Study/assessment"
        EVENT = "event", "Event/forum"
        INFRASTRUCTURE = "infrastructure", "Infrastructure/deployment"
        OTHER = "other", "Other"

    FundingSource = FundingSource  # of its budget lines (activities.models.money)

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
    # Its money is in its budget lines (activities.models.money). Split across its expected
    # results in equal shares unless an editor set the shares (ActivityExpectedResult.share).
    custom_split = models.BooleanField(
        "shares set by an editor",
        default=False,
        help_text="Off: the money is split across the expected results in equal shares.",
    )
    partners = models.TextField(blank=True, validators=[validate_multiline_text])
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="activities")
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="focal_point_activities",
    )
    # What the activity plans: the people it reaches are counted from its approved progress
    # reports (ProgressReport.people_reached_women and _men), one source of truth.
    planned_participants_women = models.PositiveIntegerField(
        "planned participants (women)", default=0
    )
    planned_participants_men = models.PositiveIntegerField("planned participants (men)", default=0)
    iati_excluded = models.BooleanField(
        "keep out of the IATI publication",
        default=False,
        help_text="On: the activity is left out of the IATI file of its region.",
    )
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
        "partners",
        "target_groups",
        "focal_point",
        "planned_participants_women",
        "planned_participants_men",
        "iati_excluded",
    ]
    # Its links: the many-to-many fields, saved and kept in its history with the row.
    LINK_FIELDS = ["countries", "expected_results", "target_groups"]

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

    def clean(self):
        # The constraint activity_end_not_before_start, checked here without a query.
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": "The end date cannot be before the start date."}, code="end_date"
            )
        # A completed activity has ended on some day: without it, the figures of the years
        # after would count it as running on.
        if self.status == self.Status.COMPLETED and self.end_date is None:
            raise ValidationError(
                {"end_date": self.COMPLETED_WITHOUT_END_DATE}, code="completed_without_end_date"
            )

    def attention_reason(self, today=None):
        """Why the activity needs attention on `today` (default: today), in words — "its end
        date has passed" for one still ongoing after its end date, "its start date has passed"
        for one still planned after its start date — or "" when its status and dates agree.
        The same rule as `Activity.objects.needs_attention(today)`, for one activity."""
        today = today or timezone.localdate()
        if self.is_archived:
            return ""
        if self.status == self.Status.ONGOING and self.end_date and self.end_date < today:
            return "its end date has passed"
        if self.status == self.Status.PLANNED and self.start_date and self.start_date < today:
            return "its start date has passed"
        return ""

    @property
    def attention(self):
        """`attention_reason()` as of today, for templates: "" when none is needed."""
        return self.attention_reason()

    def natural_key(self):
        return (str(self.uid),)

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def planned_participants(self):
        return self.planned_participants_women + self.planned_participants_men
