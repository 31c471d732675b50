"""An activity's money: its budget lines (what it has, per year, funding source and currency)
and the expenditure its progress reports state per funding source. How they are split across
the expected results the activity advances is kept on its links to them
(`ActivityExpectedResult.share`); converting and rounding are initiatives.money's."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from initiatives.validators import validate_currency, validate_text

NOT_NEGATIVE = "An amount cannot be negative."


class FundingSource(models.TextChoices):
    REGULAR_BUDGET = "regular_budget", "ITU regular budget"
    ICT_DF = "ict_df", "ICT Development Fund"
    EXTRA_BUDGETARY = "extra_budgetary", "Extra-budgetary"
    IN_KIND = "in_kind", "In kind"

    @classmethod
    def named(cls, value):
        """The label of `value`, "Not stated" for a line moved from a budget without one."""
        return dict(cls.choices).get(value, "Not stated")


PARTNER_NEEDED = "Name the funding partner of extra-budgetary money."


def amount_field():
    return models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0, NOT_NEGATIVE)]
    )


def currency_field():
    return models.CharField(
        max_length=3,
        default="USD",
        validators=[validate_text, validate_currency],
        help_text="ISO 4217 code, e.g. USD.",
    )


class BudgetLineManager(models.Manager):
    def get_by_natural_key(self, activity_uid, year, funding_source, funding_partner, currency):
        return self.get(
            activity__uid=activity_uid,
            year=year,
            funding_source=funding_source,
            funding_partner=funding_partner,
            currency=currency,
        )


class ExpenditureManager(models.Manager):
    def get_by_natural_key(self, activity_uid, year, quarter, funding_source, currency):
        return self.get(
            report__activity__uid=activity_uid,
            report__year=year,
            report__quarter=quarter,
            funding_source=funding_source,
            currency=currency,
        )


class BudgetLine(models.Model):
    """Money an activity has for one year from one funding source, in one currency. It counts
    in its year only; per expected result, in the activity's shares."""

    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.CASCADE, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # Blank only on a line moved from an activity's single budget that named no source.
    funding_source = models.CharField(max_length=30, choices=FundingSource.choices, blank=True)
    funding_partner = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_text],
        help_text="Who gives extra-budgetary money, e.g. a ministry or a development bank.",
    )
    amount = amount_field()
    currency = currency_field()

    history = HistoricalRecords()
    objects = BudgetLineManager()

    LINE_FIELDS = ["year", "funding_source", "funding_partner", "amount", "currency"]
    PARTNER_NEEDED = PARTNER_NEEDED

    class Meta:
        ordering = ["year", "funding_source", "funding_partner", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "year", "funding_source", "funding_partner", "currency"],
                name="budgetline_unique",
                violation_error_message=(
                    "This activity already has a line for this year, funding source, partner "
                    "and currency: add to its amount instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budgetline_amount_not_negative",
                violation_error_message=NOT_NEGATIVE,
            ),
            models.CheckConstraint(
                condition=~Q(funding_source=FundingSource.EXTRA_BUDGETARY) | ~Q(funding_partner=""),
                name="budgetline_partner_of_extra_budgetary",
                violation_error_message=PARTNER_NEEDED,
            ),
        ]
        indexes = [models.Index(fields=["year", "activity"], name="budgetline_year")]

    def __str__(self):
        return f"{self.year} {self.source_label}: {self.amount} {self.currency}"

    def natural_key(self):
        return (
            *self.activity.natural_key(),
            self.year,
            self.funding_source,
            self.funding_partner,
            self.currency,
        )

    natural_key.dependencies = ["activities.activity"]

    @property
    def source_label(self):
        label = FundingSource.named(self.funding_source)
        return f"{label} ({self.funding_partner})" if self.funding_partner else label


class Expenditure(models.Model):
    """What an activity spent in a progress report's quarter from one funding source, in one
    currency. Counts once its report is approved."""

    report = models.ForeignKey(
        "activities.ProgressReport", on_delete=models.CASCADE, related_name="expenditures"
    )
    funding_source = models.CharField(max_length=30, choices=FundingSource.choices)
    amount = amount_field()
    currency = currency_field()

    history = HistoricalRecords()
    objects = ExpenditureManager()

    LINE_FIELDS = ["funding_source", "amount", "currency"]

    class Meta:
        ordering = ["funding_source", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "funding_source", "currency"],
                name="expenditure_unique",
                violation_error_message=(
                    "This report already states what was spent from this funding source in "
                    "this currency."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="expenditure_amount_not_negative",
                violation_error_message=NOT_NEGATIVE,
            ),
        ]

    def __str__(self):
        return f"{FundingSource.named(self.funding_source)}: {self.amount} {self.currency}"

    def natural_key(self):
        return (*self.report.natural_key(), self.funding_source, self.currency)

    natural_key.dependencies = ["activities.progressreport"]
