"""Reference data: action plans, ITU-D regions, countries and the groups they are in (LDC, SIDS,
LLDC and groups of our own), regional initiatives and their expected results, and the monthly
rates of exchange that convert budgets into US dollars.

Every model has a natural key, so fixtures name rows by their codes and never by integer ids.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from initiatives.converters import CODE_REGEX
from initiatives.validators import validate_currency, validate_multiline_text, validate_text

# A code is part of the URLs of its pages (initiatives.converters), so it holds only what a URL
# carries as it is.
CODE_MESSAGE = (
    "A code starts with a letter or a digit and holds only letters, digits, dots, hyphens and "
    "underscores."
)


class CodeManager(models.Manager):
    """Looks rows up by their `code`, the natural key of most reference models."""

    def get_by_natural_key(self, code):
        return self.get(code=code)


class ActionPlanQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)

    def current(self, today=None):
        """The plan in force today, or else the latest one (None when there is none)."""
        year = (today or datetime.date.today()).year
        return (
            self.filter(start_year__lte=year, end_year__gte=year).order_by("-start_year").first()
            or self.order_by("-start_year").first()
        )


class ActionPlan(models.Model):
    """A WTDC action plan, e.g. WTDC-25's Baku Action Plan for 2026-2029."""

    code = models.CharField(
        max_length=20, unique=True, help_text="e.g. WTDC-25", validators=[validate_text]
    )
    name = models.CharField(
        max_length=200, help_text="e.g. Baku Action Plan", validators=[validate_text]
    )
    conference = models.CharField(max_length=200, blank=True, validators=[validate_text])
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()

    history = HistoricalRecords()
    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CODE_REGEX),
                name="actionplan_code_url_safe",
                violation_error_message=CODE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="actionplan_end_year_not_before_start_year",
                violation_error_message="The end year cannot be before the start year.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code}, {self.start_year}–{self.end_year})"

    def natural_key(self):
        return (self.code,)

    @property
    def years(self):
        return range(self.start_year, self.end_year + 1)


class Region(models.Model):
    """An ITU-D region: AFR, AMS, ARB, ASP, CIS or EUR."""

    code = models.CharField(max_length=10, unique=True, validators=[validate_text])
    name = models.CharField(max_length=100, validators=[validate_text])

    history = HistoricalRecords()
    objects = CodeManager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CODE_REGEX),
                name="region_code_url_safe",
                violation_error_message=CODE_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class CountryGroupQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)

    def offered_in(self, region):
        """The groups a region's pages offer: those of every region and the region's own."""
        return self.filter(Q(region__isnull=True) | Q(region=region))

    def offered_everywhere(self):
        """The groups every region's pages offer, and the pages of all regions (LDC, SIDS,
        LLDC)."""
        return self.filter(region__isnull=True)


class CountryGroup(models.Model):
    """A group of countries that the figures count apart: the UN's LDC, SIDS and LLDC, or a
    group of our own such as the Pacific island countries. Its members are its designations,
    each for a span of time, so a country joins or leaves a group on a date."""

    # A designation names its group by code (initiatives 0010 kept the LDC/SIDS/LLDC codes in
    # place), and the code is in the lists' URLs (?group=PIC): it does not change once made.
    code = models.CharField(
        max_length=10,
        unique=True,
        help_text="A short code, e.g. PIC: it is in the lists' web addresses and cannot change.",
        validators=[validate_text],
    )
    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="The group's name as a heading says it, e.g. Pacific island countries.",
        validators=[validate_text],
    )
    member_name = models.CharField(
        max_length=100,
        help_text="What a member is called, e.g. Pacific island country.",
        validators=[validate_text],
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="country_groups",
        null=True,
        blank=True,
        help_text="Offered on this region's pages only. Empty: on every region's pages and on "
        "the pages of all regions.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="The groups are shown in this order (then by code)."
    )
    source = models.TextField(
        blank=True,
        help_text="Where the membership comes from, so that it can be checked.",
        validators=[validate_multiline_text],
    )

    history = HistoricalRecords()
    objects = CountryGroupQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CODE_REGEX),
                name="countrygroup_code_url_safe",
                violation_error_message=CODE_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["initiatives.region"]

    @property
    def sort_key(self):
        return (self.position, self.code)


def _active_on(day, prefix=""):
    """Designations in force on `day`: started on or before it and not yet ended.

    A country that graduates on D is in the group the day before D and not on D, so the end date
    is exclusive.
    """
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )


def _active_during(first_day, last_day, prefix=""):
    """Designations in force on at least one day between first_day and last_day (inclusive)."""
    return (
        Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": last_day})
    ) & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": first_day}))


class CountryQuerySet(models.QuerySet):
    def get_by_natural_key(self, iso3):
        return self.get(iso3=iso3)

    def in_region(self, region):
        if isinstance(region, str):
            return self.filter(region__code=region)
        return self.filter(region=region)

    def in_group(self, group, on=None):
        """Countries that are in `group` (a CountryGroup or its code: LDC, PIC…) on the date
        `on` (default: today)."""
        day = on or datetime.date.today()
        return self.filter(
            pk__in=Designation.objects.filter(_active_on(day), group=group).values("country_id")
        )

    def in_group_during(self, group, year):
        """Countries that were in `group` at any time during `year`.

        A year's figures count a country in a group when it was in it on any day of that year:
        Lao PDR, which left the LDCs on 24 Nov 2026, is an LDC in 2026's figures, not in 2027's.
        """
        first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(
            pk__in=Designation.objects.filter(
                _active_during(first_day, last_day), group=group
            ).values("country_id")
        )

    def with_designations(self):
        """Fetch the designations and their groups with the countries, for badges without a
        query per row."""
        designations = Designation.objects.select_related("group")
        return self.select_related("region").prefetch_related(
            models.Prefetch("designations", queryset=designations)
        )

    def search(self, text):
        """Countries whose name or one of whose other names contains each word of `text`
        (case-insensitive): "Vietnam" finds Viet Nam, "Ivory Coast" Côte d'Ivoire, "Laos" the
        Lao People's Democratic Republic. Every search for a country by name goes through it."""
        countries = self
        for word in text.split():
            countries = countries.filter(Q(name__icontains=word) | Q(other_names__icontains=word))
        return countries


class Country(models.Model):
    """An ITU Member State, named by its ISO 3166-1 alpha-3 code."""

    iso3 = models.CharField("ISO alpha-3", max_length=3, unique=True, validators=[validate_text])
    iso2 = models.CharField("ISO alpha-2", max_length=2, unique=True, validators=[validate_text])
    m49 = models.CharField("UN M49 code", max_length=3, unique=True, validators=[validate_text])
    name = models.CharField(max_length=100, unique=True, validators=[validate_text])
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="countries")
    # Text rather than a list, so that a plain `icontains` finds a name on every database.
    other_names = models.TextField(
        blank=True,
        help_text="Short and other names the country is known by, one per line (Vietnam, "
        "Ivory Coast, Turkey): every search for a country finds it by them too.",
        validators=[validate_multiline_text],
    )
    note = models.TextField(
        blank=True,
        help_text="What is uncertain and must be confirmed.",
        validators=[validate_multiline_text],
    )

    history = HistoricalRecords()
    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=Q(iso3__regex=r"^[A-Z]{3}$"),
                name="country_iso3_three_capitals",
                violation_error_message="The ISO alpha-3 code is three capital letters.",
            ),
            models.CheckConstraint(
                condition=Q(iso2__regex=r"^[A-Z]{2}$"),
                name="country_iso2_two_capitals",
                violation_error_message="The ISO alpha-2 code is two capital letters.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:country_detail", args=[self.iso3])

    def natural_key(self):
        return (self.iso3,)

    def clean(self):
        # One name per line, each once, without blanks or the country's own name.
        self.other_names = "\n".join(self.other_name_list)

    @property
    def other_name_list(self):
        """The other names, in their order: ["Vietnam"] for Viet Nam."""
        names = []
        for line in self.other_names.splitlines():
            name = " ".join(line.split())
            if name and name != self.name and name not in names:
                names.append(name)
        return names

    @property
    def all_names(self):
        """The name and then the other names: what a search matches."""
        return [self.name, *self.other_name_list]

    def groups_on(self, day=None):
        """The CountryGroups this country is in on `day` (default: today), in their order.

        Reads the designations already fetched by `with_designations()` when there are some, so a
        list of countries shows its badges without a query per country.
        """
        day = day or datetime.date.today()
        return _in_order(d.group for d in self.designations.all() if d.is_active_on(day))

    @property
    def current_groups(self):
        return self.groups_on()

    def groups_during(self, year):
        """The groups this country was in on at least one day of `year`: what a year's figures
        count it as (Lao PDR is an LDC in 2026, the year it graduated). Reads prefetched
        designations like `groups_on`."""
        return _in_order(d.group for d in self.designations.all() if d.is_active_during(year))


def _in_order(groups):
    """`groups` once each, in their order (position, then code)."""
    return sorted({group.code: group for group in groups}.values(), key=lambda g: g.sort_key)


class DesignationManager(models.Manager):
    def get_by_natural_key(self, iso3, group, start_date):
        return self.get(country__iso3=iso3, group=group, start_date=start_date)


class Designation(models.Model):
    """A country's membership of a country group (LDC, SIDS, LLDC or one of ours) for a span
    of time.

    `start_date` empty means "since before our records"; `end_date` empty means "still in force".
    The end date is the day the country left the group (its graduation date): it is no longer in
    the group on that day.
    """

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="designations")
    group = models.ForeignKey(
        CountryGroup,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="group",
        related_name="designations",
    )
    start_date = models.DateField(null=True, blank=True, help_text="Empty: since before records.")
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text="The day the country left the group (e.g. its LDC graduation date). "
        "Empty: still in the group.",
    )
    note = models.TextField(blank=True, validators=[validate_multiline_text])

    history = HistoricalRecords()
    objects = DesignationManager()

    class Meta:
        ordering = ["country__name", "group", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gt=F("start_date")),
                name="designation_end_after_start",
                violation_error_message="The end date must be after the start date.",
            ),
            models.UniqueConstraint(
                fields=["country", "group", "start_date"],
                name="designation_unique_country_group_start",
            ),
            # NULLs are distinct in a unique index, so "since before records" needs its own.
            models.UniqueConstraint(
                fields=["country", "group"],
                condition=Q(start_date__isnull=True),
                name="designation_unique_country_group_open_start",
                violation_error_message="This country already has this group since before records.",
            ),
        ]

    def __str__(self):
        span = f"{self.start_date or '…'} – {self.end_date or '…'}"
        return f"{self.country} {self.group_id} ({span})"

    def natural_key(self):
        return (*self.country.natural_key(), self.group_id, self.start_date)

    natural_key.dependencies = ["initiatives.country", "initiatives.countrygroup"]

    def is_active_on(self, day):
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day < self.end_date
        )

    def is_active_during(self, year):
        """In force on at least one day of `year` (the end date is exclusive, as always)."""
        return (self.start_date is None or self.start_date.year <= year) and (
            self.end_date is None or self.end_date > datetime.date(year, 1, 1)
        )


class InitiativeQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_code, code):
        return self.get(action_plan__code=plan_code, code=code)

    def with_result_counts(self):
        """Each initiative with its plan, its region and `expected_result_count`."""
        return self.select_related("action_plan", "region").annotate(
            expected_result_count=models.Count("expected_results")
        )


class Initiative(models.Model):
    """A regional initiative of an action plan, e.g. ASP3 of the Baku Action Plan."""

    action_plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="initiatives"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="initiatives")
    code = models.CharField(max_length=10, help_text="e.g. ASP3", validators=[validate_text])
    title = models.CharField(max_length=300, validators=[validate_text])
    objective = models.TextField(validators=[validate_multiline_text])

    history = HistoricalRecords()
    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["action_plan", "region__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["action_plan", "code"], name="initiative_unique_code_in_plan"
            ),
            models.CheckConstraint(
                condition=Q(code__regex=CODE_REGEX),
                name="initiative_code_url_safe",
                violation_error_message=CODE_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"

    def get_absolute_url(self):
        return reverse("reports:initiative_detail", args=[self.action_plan.code, self.code])

    def natural_key(self):
        return (*self.action_plan.natural_key(), self.code)

    natural_key.dependencies = ["initiatives.actionplan", "initiatives.region"]


class ExpectedResultManager(models.Manager):
    def get_by_natural_key(self, plan_code, initiative_code, number):
        return self.get(
            initiative__action_plan__code=plan_code,
            initiative__code=initiative_code,
            number=number,
        )

    def get_queryset(self):
        return super().get_queryset().select_related("initiative")


class ExpectedResult(models.Model):
    """An expected result of an initiative, numbered in the order of the text: ASP3.4."""

    SHORT_LABEL_WORDS = 8

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="expected_results"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField(validators=[validate_multiline_text])
    continues = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="continued_by",
        blank=True,
        help_text="The expected results of earlier action plans that this one carries on: "
        "activities linked to them count for this one in this plan's figures.",
    )

    history = HistoricalRecords(m2m_fields=[continues])
    objects = ExpectedResultManager()

    class Meta:
        ordering = ["initiative", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "number"], name="expectedresult_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="expectedresult_number_from_one"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.short_label}"

    def get_absolute_url(self):
        return reverse(
            "reports:result_detail",
            args=[self.initiative.action_plan.code, self.initiative.code, self.number],
        )

    def natural_key(self):
        return (*self.initiative.natural_key(), self.number)

    natural_key.dependencies = ["initiatives.initiative"]

    @property
    def code(self):
        return f"{self.initiative.code}.{self.number}"

    @property
    def code_in_plan(self):
        """The code with its plan's, for a result shown beside another plan's: "GEN-22 ASP1.2"
        (fetch it with its initiative's action plan)."""
        return f"{self.initiative.action_plan.code} {self.code}"

    def validate_continues(self, earlier_results, plan):
        """Raise ValidationError unless each of `earlier_results` may be continued by this
        result in `plan` (its initiative's action plan): a result of a plan that starts before
        it, never this result itself. A many-to-many link has no check constraint: the admin
        form, and any code that sets `continues`, asks this."""
        wrong = [
            result
            for result in earlier_results
            if result.pk == self.pk or result.initiative.action_plan.start_year >= plan.start_year
        ]
        if wrong:
            codes = ", ".join(result.code_in_plan for result in wrong)
            raise ValidationError(
                f"An expected result continues results of earlier action plans only (plans "
                f"that start before {plan.code}, {plan.start_year}), never itself: remove "
                f"{codes}.",
                code="continues_not_earlier",
            )

    @property
    def short_label(self):
        words = self.text.split()
        if len(words) <= self.SHORT_LABEL_WORDS:
            return self.text
        return " ".join(words[: self.SHORT_LABEL_WORDS]) + " …"


# --- Indicators: how far an expected result has come, against its targets ---------------------


class IndicatorQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_code, initiative_code, number, code):
        return self.get(
            expected_result=ExpectedResult.objects.get_by_natural_key(
                plan_code, initiative_code, number
            ),
            code=code,
        )

    def reported(self):
        """The indicators whose values progress reports carry."""
        return self.filter(measure=Indicator.Measure.REPORTED)

    def from_reports(self):
        """The indicators whose actual adds up approved reports' figures (`from_reports`)."""
        return self.filter(
            measure__in=[Indicator.Measure.REPORTED, Indicator.Measure.PEOPLE_REACHED]
        )

    def computed(self):
        """The indicators counted from the activities, by the dashboard's own rules."""
        return self.exclude(measure=Indicator.Measure.REPORTED)

    def add_computed(self, results):
        """Give each of `results` (expected results) the computed indicators it lacks: every
        expected result has them, at no typing. Returns how many were made."""
        results = list(results)
        have = set(
            self.filter(expected_result__in=results)
            .computed()
            .values_list("expected_result_id", "measure")
        )
        made = [
            Indicator(
                expected_result=result,
                code=measure.computed_code,
                name=measure.label,
                measure=measure,
                aggregation=measure.computed_aggregation,
            )
            for result in results
            for measure in Indicator.Measure
            if measure != Indicator.Measure.REPORTED and (result.pk, measure) not in have
        ]
        self.bulk_create(made)
        return len(made)


class Indicator(models.Model):
    """A measure of an expected result's progress, e.g. ASP3.4-1 "IXPs established" (its
    `code`, "1", follows its expected result's).

    *Computed* ones (countries reached, LDC/SIDS/LLDC reached, activities completed, people
    reached) every expected result has, counted by the dashboard's own rules from the
    activities (people reached: from their approved reports' women and men); *reported*
    ones take their values from approved progress reports, added up as `aggregation` says
    (reports.queries.indicators holds the counting rules).
    """

    class Measure(models.TextChoices):
        REPORTED = "reported", "Reported in progress reports"
        COUNTRIES_REACHED = "countries_reached", "Countries reached"
        LDC_REACHED = "ldc_reached", "Least developed countries reached"
        SIDS_REACHED = "sids_reached", "Small island developing states reached"
        LLDC_REACHED = "lldc_reached", "Landlocked developing countries reached"
        ACTIVITIES_COMPLETED = "activities_completed", "Activities completed"
        PEOPLE_REACHED = "people_reached", "People reached"

        @property
        def computed_code(self):
            """The suffix of a computed indicator's code: ASP3.4-CR."""
            return {
                "countries_reached": "CR",
                "ldc_reached": "LDC",
                "sids_reached": "SIDS",
                "lldc_reached": "LLDC",
                "activities_completed": "AC",
                "people_reached": "PR",
            }[self.value]

        @property
        def computed_aggregation(self):
            if self in (Indicator.Measure.ACTIVITIES_COMPLETED, Indicator.Measure.PEOPLE_REACHED):
                return Indicator.Aggregation.SUM
            return Indicator.Aggregation.COUNTRIES

        @property
        def group(self):
            """The country group a "… reached" measure counts (LDC, SIDS, LLDC), else ""."""
            return {"ldc_reached": "LDC", "sids_reached": "SIDS", "lldc_reached": "LLDC"}.get(
                self.value, ""
            )

    class Unit(models.TextChoices):
        NUMBER = "number", "Number"
        PERCENT = "percent", "Percent"
        YES_NO = "yes_no", "Yes or no"
        MILESTONE = "milestone", "Milestone"

    class Direction(models.TextChoices):
        UP = "up", "Up is good"
        DOWN = "down", "Down is good"

    class Aggregation(models.TextChoices):
        SUM = "sum", "Summed per period"
        CUMULATIVE = "cumulative", "Cumulative since the plan began"
        LATEST = "latest", "Latest value"
        COUNTRIES = "countries", "Distinct countries"

    # A milestone indicator's values: steps from 0 to 4.
    MILESTONES = [
        (0, "Not started"),
        (1, "Drafted"),
        (2, "Consulted"),
        (3, "Adopted"),
        (4, "Implemented"),
    ]
    UNIT_LIMITS = {"percent": 100, "yes_no": 1, "milestone": len(MILESTONES) - 1}

    expected_result = models.ForeignKey(
        ExpectedResult, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(
        max_length=10,
        help_text="After the expected result's: 1 for ASP3.4-1.",
        validators=[validate_text],
    )
    name = models.CharField(max_length=300, validators=[validate_text])
    measure = models.CharField(
        max_length=30,
        choices=Measure.choices,
        default=Measure.REPORTED,
        help_text="Reported: values come from approved progress reports. The others are "
        "counted from the activities, as the dashboard counts them.",
    )
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    aggregation = models.CharField(
        "how values add up",
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
        help_text="Summed per period: a year's value is the sum of its quarters' values. "
        "Cumulative: the sum since the plan's first year. Latest value: each activity's latest "
        "value. Distinct countries: the countries with a value above zero.",
    )
    by_sex = models.BooleanField("by sex", default=False)
    by_age = models.BooleanField("by age group", default=False)
    by_disability = models.BooleanField("persons with disabilities", default=False)
    by_country = models.BooleanField("by country", default=False)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_source = models.CharField(
        max_length=300, blank=True, validators=[validate_text], help_text="Where it comes from."
    )
    is_demo = models.BooleanField(
        default=False, help_text="Made up for the demonstration: not an official indicator."
    )

    history = HistoricalRecords()
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["expected_result", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["expected_result", "code"],
                name="indicator_unique_code_in_result",
                violation_error_message="This expected result already has an indicator of "
                "this code.",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=CODE_REGEX),
                name="indicator_code_url_safe",
                violation_error_message=CODE_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["expected_result", "measure"],
                condition=~Q(measure="reported"),
                name="indicator_one_computed_measure_per_result",
                violation_error_message="This expected result already has this measure.",
            ),
            models.CheckConstraint(
                condition=Q(measure="reported")
                | Q(by_sex=False, by_age=False, by_disability=False, by_country=False),
                name="indicator_computed_not_disaggregated",
                violation_error_message="Only a reported indicator takes disaggregations.",
            ),
            # Parts add up to a count; a percent, a yes/no or a milestone step does not.
            models.CheckConstraint(
                condition=Q(unit="number")
                | Q(by_sex=False, by_age=False, by_disability=False, by_country=False),
                name="indicator_only_numbers_disaggregated",
                violation_error_message="Only an indicator counted in numbers is broken down: "
                "the parts of a percent, a yes/no or a milestone do not add up.",
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_value__gte=0),
                name="indicator_baseline_not_negative",
                violation_error_message="A baseline cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.full_code} {self.name}"

    def natural_key(self):
        return (*self.expected_result.natural_key(), self.code)

    natural_key.dependencies = ["initiatives.expectedresult"]

    @property
    def full_code(self):
        """ASP3.4-1: the expected result's code and the indicator's."""
        return f"{self.expected_result.code}-{self.code}"

    @property
    def is_computed(self):
        return self.measure != self.Measure.REPORTED

    @property
    def from_reports(self):
        """Whether its actual adds up approved progress reports' figures (a reported one's
        values, or the people reached), so that a page can list the reports behind it."""
        return self.measure in (self.Measure.REPORTED, self.Measure.PEOPLE_REACHED)

    @property
    def disaggregations(self):
        """The dimensions a value is broken down by, in the form's order."""
        flags = {
            "sex": self.by_sex,
            "age": self.by_age,
            "disability": self.by_disability,
            "country": self.by_country,
        }
        return [dimension for dimension, on in flags.items() if on]

    @property
    def max_value(self):
        """The highest value the unit allows (None: any number)."""
        return self.UNIT_LIMITS.get(self.unit)


class TargetManager(models.Manager):
    def get_by_natural_key(self, plan_code, initiative_code, number, code, year):
        indicator = Indicator.objects.get_by_natural_key(plan_code, initiative_code, number, code)
        return self.get(indicator=indicator, year=year)


class Target(models.Model):
    """What an indicator is to reach in a year of the plan, or by the plan's end (`year`
    empty). A change keeps the old value, who changed it and why (its history)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: by the end of the plan."
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)

    history = HistoricalRecords()
    objects = TargetManager()

    class Meta:
        ordering = ["indicator", F("year").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="target_unique_indicator_year"
            ),
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(year__isnull=True),
                name="target_unique_indicator_end_of_plan",
                violation_error_message="This indicator already has a target for the plan's end.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_value_not_negative",
                violation_error_message="A target cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.full_code} {self.year or 'end of plan'}: {self.value}"

    def natural_key(self):
        return (*self.indicator.natural_key(), self.year)

    natural_key.dependencies = ["initiatives.indicator"]

    def clean(self):
        indicator = getattr(self, "indicator", None)
        if indicator is None:
            return
        plan = indicator.expected_result.initiative.action_plan
        if self.year is not None and self.year not in plan.years:
            raise ValidationError(
                {"year": f"A year of the plan, {plan.start_year} to {plan.end_year}."}
            )
        limit = indicator.max_value
        if limit is not None and self.value is not None and self.value > limit:
            raise ValidationError({"value": f"At most {limit} for this indicator's unit."})


class ExchangeRateQuerySet(models.QuerySet):
    def get_by_natural_key(self, currency, month):
        return self.get(currency=currency, month=month)

    def for_pairs(self, pairs):
        """{(currency, month): ExchangeRate} of the (currency, month) `pairs`. One query."""
        pairs = set(pairs)
        if not pairs:
            return {}
        rows = self.filter(
            currency__in={currency for currency, _month in pairs},
            month__in={month for _currency, month in pairs},
        )
        return {
            (rate.currency, rate.month): rate
            for rate in rows
            if (rate.currency, rate.month) in pairs
        }


class ExchangeRate(models.Model):
    """The UN operational rate of exchange of a currency for a month: how many units of it one
    US dollar buys. Administrators keep them (the admin, or a spreadsheet); amounts are
    converted with them (initiatives.money), and a month without its rate is shown as missing,
    never guessed."""

    currency = models.CharField(
        max_length=3,
        validators=[validate_text, validate_currency],
        help_text="ISO 4217 code, e.g. EUR. US dollars need no rate.",
    )
    month = models.DateField(help_text="The first day of the month the rate is for.")
    rate = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        help_text="Units of the currency for one US dollar, e.g. 0.92 for the euro.",
    )
    source = models.CharField(
        max_length=200,
        blank=True,
        default="UN operational rates of exchange",
        validators=[validate_text],
    )
    is_demo = models.BooleanField(
        default=False, help_text="An illustrative rate of the demo data, not a real one."
    )

    history = HistoricalRecords()
    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "month"],
                name="exchangerate_unique_month",
                violation_error_message="This currency already has a rate for this month.",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="exchangerate_rate_positive",
                violation_error_message="A rate is more than 0.",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="exchangerate_first_of_month",
                violation_error_message="A rate is for a month: give its first day.",
            ),
            models.CheckConstraint(
                condition=~Q(currency="USD"),
                name="exchangerate_not_usd",
                violation_error_message="US dollars need no rate.",
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.month:%Y-%m}: {self.rate}"

    def natural_key(self):
        return (self.currency, self.month.isoformat())

    def clean(self):
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
