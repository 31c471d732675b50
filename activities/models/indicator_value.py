"""The values a progress report gives for the reported indicators of its activity's expected
results, for its quarter, each with its breakdowns (by sex, age group, disability, country):
a breakdown's parts add up to the value. Only approved reports count (reports.queries.indicators).
And what an activity plans to contribute to those indicators over its life.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from activities.models.report import ProgressReport
from initiatives.models import Indicator
from initiatives.validators import validate_text


class IndicatorValueManager(models.Manager):
    def get_by_natural_key(self, activity_uid, year, quarter, *indicator_key):
        return self.get(
            report=ProgressReport.objects.get_by_natural_key(activity_uid, year, quarter),
            indicator=Indicator.objects.get_by_natural_key(*indicator_key),
        )


class IndicatorValue(models.Model):
    """A progress report's value of one reported indicator, for the report's quarter."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="indicator_values"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=2)

    history = HistoricalRecords()
    objects = IndicatorValueManager()

    class Meta:
        ordering = ["indicator__expected_result", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="indicatorvalue_unique_report_indicator"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="indicatorvalue_not_negative",
                violation_error_message="A value cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.full_code} {self.report.period}: {self.value}"

    def natural_key(self):
        """The report's key and the indicator's: fixtures (the demo's) name no ids."""
        return (*self.report.natural_key(), *self.indicator.natural_key())

    natural_key.dependencies = ["activities.progressreport", "initiatives.indicator"]


class IndicatorBreakdownManager(models.Manager):
    def get_by_natural_key(self, *key):
        *value_key, dimension, category = key
        return self.get(
            value=IndicatorValue.objects.get_by_natural_key(*value_key),
            dimension=dimension,
            category=category,
        )


class IndicatorBreakdown(models.Model):
    """One part of a value's breakdown: e.g. of 40 people trained, 25 women."""

    class Dimension(models.TextChoices):
        SEX = "sex", "Sex"
        AGE = "age", "Age group"
        DISABILITY = "disability", "Persons with disabilities"
        COUNTRY = "country", "Country"

    # Each dimension's parts (a country's are the activity's countries, by ISO alpha-3 code).
    # Every dimension has a part for what was not recorded, so a breakdown can always add up.
    CATEGORIES = {
        "sex": [("women", "Women"), ("men", "Men"), ("unknown", "Not recorded")],
        "age": [
            ("under_25", "Under 25"),
            ("25_64", "25 to 64"),
            ("65_over", "65 and over"),
            ("unknown", "Not recorded"),
        ],
        "disability": [
            ("with", "With disabilities"),
            ("without", "Without or not recorded"),
        ],
    }

    value = models.ForeignKey(IndicatorValue, on_delete=models.CASCADE, related_name="breakdown")
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    category = models.CharField(max_length=12, validators=[validate_text])
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    history = HistoricalRecords()
    objects = IndicatorBreakdownManager()

    class Meta:
        ordering = ["value", "dimension", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["value", "dimension", "category"],
                name="indicatorbreakdown_unique_part",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="indicatorbreakdown_not_negative",
                violation_error_message="A part of a breakdown cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.dimension} {self.category}: {self.amount}"

    def natural_key(self):
        return (*self.value.natural_key(), self.dimension, self.category)

    natural_key.dependencies = ["activities.indicatorvalue"]


class PlannedContributionManager(models.Manager):
    def get_by_natural_key(self, activity_uid, *indicator_key):
        return self.get(
            activity__uid=activity_uid,
            indicator=Indicator.objects.get_by_natural_key(*indicator_key),
        )


class PlannedContribution(models.Model):
    """What an activity plans to add, over its life, to a reported indicator of an expected
    result it advances: e.g. 40 of ASP3.4-2 "people trained". Saved with the activity, through
    its one write path (`services.save_activity`)."""

    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.CASCADE, related_name="planned_contributions"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="planned_contributions"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)

    history = HistoricalRecords()
    objects = PlannedContributionManager()

    class Meta:
        ordering = ["indicator__expected_result", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "indicator"],
                name="plannedcontribution_unique_activity_indicator",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="plannedcontribution_not_negative",
                violation_error_message="A planned contribution cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.full_code}: {self.value} planned"

    def natural_key(self):
        """The activity's uid and the indicator's key: fixtures (the demo's) name no ids."""
        return (str(self.activity.uid), *self.indicator.natural_key())

    natural_key.dependencies = ["activities.activity", "initiatives.indicator"]
