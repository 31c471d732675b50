"""How far each expected result has come against its targets: its indicators' baseline, target,
actual, percent of target and status for a region and a year, and the same status rolled up to
the expected result and the initiative.

The counting rules, each written once:

- **Computed indicators** are the dashboard's own figures for the expected result, so they never
  disagree with it: countries reached, LDC/SIDS/LLDC reached (a country counts in a group when
  it was in it on any day of the year), activities completed, and people reached: the women and
  men of the year's approved reports of the activities the dashboard counts for the result,
  summed (the dashboard's "People reached" adds up the same reports, each once).
- **Reported indicators** add up the values of approved progress reports — of activities neither
  archived nor cancelled that advance the indicator's expected result — as the indicator's
  `aggregation` says:
  - *summed per period*: the values of the year's quarters, summed;
  - *cumulative*: the values since the plan's first year, summed;
  - *latest value*: each activity's latest value up to the year's end, then summed for a
    number, averaged for a percent or a milestone, and "yes" if any is yes for a yes/no;
  - *distinct countries*: the countries with a value above zero in the year (the value's
    breakdown by country when it has one, else the activity's countries).
  The actual is None while no approved report gives a value. `IndicatorActual.rows` are the
  values it is made of: their page lists them, and they add up to it.
- **Status**: `indicator_status()`, with the thresholds of settings.INDICATOR_STATUS_THRESHOLDS,
  as the pages explain it (STATUS_RULE).

Everything for a region and year takes a fixed number of queries, whatever the data.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    IndicatorBreakdown,
    IndicatorValue,
    PlannedContribution,
    ProgressReport,
    quarter_of,
)
from initiatives.models import Indicator, Target

Aggregation = Indicator.Aggregation
Measure = Indicator.Measure
CENT = Decimal("0.01")


class Status(models.TextChoices):
    """An indicator's, an expected result's or an initiative's status against its target, in
    the order a roll-up takes the worst of."""

    OFF_TRACK = "off_track", "Off track"
    AT_RISK = "at_risk", "At risk"
    ON_TRACK = "on_track", "On track"
    NOT_STARTED = "not_started", "Not started"
    NO_TARGET = "no_target", "No target"


EVALUATED = [Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK]  # worst first


def status_rule():
    """The status rule in words, with the thresholds in force: shown on the pages."""
    on_track, at_risk = _thresholds()
    return (
        "Progress is the share of the way from the baseline to the year's target that the "
        "actual has come. It is compared with the share of the year elapsed: on track at "
        f"{on_track:.0%} of it or more, at risk from {at_risk:.0%}, off track below. Not "
        "started: nothing reported yet, or the year has not begun. An expected result or an "
        "initiative takes the worst status of its indicators or results that have a target."
    )


def how_it_adds_up(indicator, plan_start_year, year):
    """How an indicator's actual adds up the reports' values, in words, and its total's label:
    the rules of `reported_actual`, for the page of an actual."""
    aggregation = Aggregation(indicator.aggregation)
    if indicator.measure == Measure.PEOPLE_REACHED:
        return (
            f"the women and men that each approved report of {year}'s quarters gives, summed.",
            f"Total {year}",
        )
    if aggregation == Aggregation.CUMULATIVE:
        return (
            f"the values of every quarter since {plan_start_year}, up to the end of {year}, "
            "summed.",
            "Total since the plan began",
        )
    if aggregation == Aggregation.COUNTRIES:
        return (
            f"the countries with a value above zero in {year} (a value's breakdown by country "
            "when it has one, else its activity's countries), each counted once.",
            "Countries counted",
        )
    if aggregation == Aggregation.LATEST:
        if indicator.unit == Indicator.Unit.NUMBER:
            how, label = "summed", "Total of the latest values"
        elif indicator.unit == Indicator.Unit.YES_NO:
            how, label = "yes if any is yes", "Yes if any is yes"
        else:
            how, label = "averaged", "Average of the latest values"
        return f"each activity's latest value up to the end of {year}, {how}.", label
    return f"the values of {year}'s quarters, summed.", f"Total {year}"


def _thresholds():
    thresholds = settings.INDICATOR_STATUS_THRESHOLDS
    return Decimal(str(thresholds["on_track"])), Decimal(str(thresholds["at_risk"]))


def year_elapsed(year, today):
    """The share of `year` elapsed on `today`: 0 before it, 1 after it."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if today < first:
        return Decimal(0)
    if today >= last:
        return Decimal(1)
    return Decimal((today - first).days + 1) / Decimal((last - first).days + 1)


def progress(indicator, actual, target):
    """The share of the way from the start (the baseline; 0 for a yearly sum or a count of
    countries, which start afresh every year) to `target` that `actual` has come: 1 is the
    target met, more is beyond it, never below 0."""
    start = indicator.baseline_value
    if indicator.aggregation in (Aggregation.SUM, Aggregation.COUNTRIES) or start is None:
        start = Decimal(0) if indicator.direction == Indicator.Direction.UP else None
    if indicator.direction == Indicator.Direction.UP:
        if target <= start:
            return Decimal(1) if actual >= target else Decimal(0)
        return max(Decimal(0), (actual - start) / (target - start))
    # Down is good: from the baseline down to the target.
    if start is None or start <= target:
        return Decimal(1) if actual <= target else Decimal(0)
    return max(Decimal(0), (start - actual) / (start - target))


def indicator_status(indicator, actual, target, elapsed):
    """The status of an indicator whose actual is `actual` (None: nothing reported) against
    `target` (None: none set) when `elapsed` of the year has gone."""
    if target is None:
        return Status.NO_TARGET
    if actual is None or elapsed == 0:
        return Status.NOT_STARTED
    on_track, at_risk = _thresholds()
    ratio = progress(indicator, actual, target) / elapsed
    if ratio >= on_track:
        return Status.ON_TRACK
    if ratio >= at_risk:
        return Status.AT_RISK
    return Status.OFF_TRACK


def rolled_up(statuses):
    """The status of an expected result from its indicators' (of an initiative from its
    results'): the worst of those evaluated; else not started if any is; else no target."""
    statuses = list(statuses)
    for status in EVALUATED:
        if status in statuses:
            return status
    if Status.NOT_STARTED in statuses:
        return Status.NOT_STARTED
    return Status.NO_TARGET


# --- The actual of a reported indicator -------------------------------------------------------


@dataclass(frozen=True)
class ValueRow:
    """An approved report's value of an indicator: what an actual is made of."""

    value_id: int
    report_id: int
    activity_id: int
    year: int
    quarter: int
    value: Decimal
    countries: frozenset = frozenset()  # country ids with a value above zero
    by_sex: tuple = ()  # people reached: (women, men)

    @property
    def period(self):
        return (self.year, self.quarter)


@dataclass
class IndicatorActual:
    """An actual and the value rows it is made of."""

    value: Decimal | None
    rows: list = field(default_factory=list)
    countries: frozenset = frozenset()  # for distinct countries: the ids counted


def reported_actual(indicator, rows, year, plan_start_year, until_quarter=4):
    """The actual of a reported `indicator` for `year` from its approved value `rows` (any
    years), counting quarters up to `until_quarter` of the year (the trend's points)."""
    until = (year, until_quarter)
    aggregation = indicator.aggregation
    if aggregation == Aggregation.CUMULATIVE:
        kept = [r for r in rows if (plan_start_year, 1) <= r.period <= until]
        return _summed(kept)
    if aggregation == Aggregation.LATEST:
        latest = {}
        for row in sorted((r for r in rows if r.period <= until), key=lambda r: r.period):
            latest[row.activity_id] = row  # the latest of each activity comes last and wins
        return _latest(indicator, list(latest.values()))
    in_year = [r for r in rows if r.year == year and r.quarter <= until_quarter]
    if aggregation == Aggregation.COUNTRIES:
        counted = [r for r in in_year if r.countries]
        if not counted:
            return IndicatorActual(None)
        countries = frozenset().union(*(r.countries for r in counted))
        return IndicatorActual(Decimal(len(countries)), counted, countries)
    return _summed(in_year)


def _summed(rows):
    if not rows:
        return IndicatorActual(None)
    return IndicatorActual(sum((r.value for r in rows), Decimal(0)), rows)


def _latest(indicator, rows):
    if not rows:
        return IndicatorActual(None)
    return IndicatorActual(combined(indicator, [r.value for r in rows]), rows)


def combined(indicator, values):
    """Several activities' values of `indicator` as one: summed for a number, "yes" if any is
    yes for a yes/no, averaged for a percent or a milestone; None for none."""
    if not values:
        return None
    if indicator.unit == Indicator.Unit.NUMBER:
        return sum(values, Decimal(0))
    if indicator.unit == Indicator.Unit.YES_NO:
        return max(values)
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def summed_actual(indicator, sums, year, plan_start_year, until_quarter=4):
    """The actual of a summed-per-period or cumulative `indicator` from its approved values'
    `sums` by period ({(year, quarter): total}, `approved_period_sums`): what `reported_actual`
    makes of the rows, without them."""
    until = (year, until_quarter)
    if indicator.aggregation == Aggregation.CUMULATIVE:
        periods = [period for period in sums if (plan_start_year, 1) <= period <= until]
    else:
        periods = [(y, q) for y, q in sums if y == year and q <= until_quarter]
    if not periods:
        return None
    return sum((sums[period] for period in periods), Decimal(0))


def is_summed(indicator):
    """Whether a reported indicator's actual is a sum of its values (summed per period or
    cumulative): the dashboard adds those up in the database, by period."""
    return not indicator.is_computed and indicator.aggregation in (
        Aggregation.SUM,
        Aggregation.CUMULATIVE,
    )


def approved_values(indicators, until_year):
    """The values that count for `indicators` up to `until_year`: of approved reports, of
    activities neither archived nor cancelled that advance the indicator's expected result."""
    advances = ActivityExpectedResult.objects.filter(
        activity=OuterRef("report__activity"),
        expected_result=OuterRef("indicator__expected_result"),
    )
    return (
        IndicatorValue.objects.filter(
            indicator__in=indicators,
            report__state=ProgressReport.State.APPROVED,
            report__year__lte=until_year,
            report__activity__archived_at__isnull=True,
        )
        .exclude(report__activity__status=Activity.Status.CANCELLED)
        .filter(Exists(advances))
    )


def approved_period_sums(indicators, until_year):
    """Indicator id → {(year, quarter): the sum of its `approved_values`}. One query, a row per
    indicator and quarter whatever the number of values."""
    sums = defaultdict(dict)
    rows = (
        approved_values(indicators, until_year)
        .order_by()
        .values("indicator_id", "report__year", "report__quarter")
        .annotate(total=models.Sum("value"))
        .values_list("indicator_id", "report__year", "report__quarter", "total")
    )
    for indicator_id, year, quarter, total in rows:
        sums[indicator_id][(year, quarter)] = total
    return sums


def approved_value_rows(indicators, until_year):
    """Indicator id → the ValueRows of `approved_values` up to `until_year` for `indicators`.
    Three queries: the values, the activities' countries, the values' breakdowns by country."""
    values = list(
        approved_values(indicators, until_year).values_list(
            "pk",
            "indicator_id",
            "report_id",
            "report__activity_id",
            "report__year",
            "report__quarter",
            "value",
        )
    )
    country_ids, activity_countries = {}, defaultdict(set)
    for activity_id, country_id, iso3 in ActivityCountry.objects.filter(
        activity_id__in={v[3] for v in values}
    ).values_list("activity_id", "country_id", "country__iso3"):
        activity_countries[activity_id].add(country_id)
        country_ids[iso3] = country_id
    by_country, by_country_given = defaultdict(set), set()
    for value_id, iso3, amount in IndicatorBreakdown.objects.filter(
        value_id__in=[v[0] for v in values], dimension=IndicatorBreakdown.Dimension.COUNTRY
    ).values_list("value_id", "category", "amount"):
        by_country_given.add(value_id)
        if amount > 0 and iso3 in country_ids:
            by_country[value_id].add(country_ids[iso3])
    rows = defaultdict(list)
    for value_id, indicator_id, report_id, activity_id, year, quarter, value in values:
        if value <= 0:
            countries = frozenset()
        elif value_id in by_country_given:
            countries = frozenset(by_country[value_id])
        else:
            countries = frozenset(activity_countries[activity_id])
        rows[indicator_id].append(
            ValueRow(value_id, report_id, activity_id, year, quarter, value, countries)
        )
    return rows


# --- An indicator's figures for a region and year ---------------------------------------------


@dataclass
class IndicatorFigures:
    """An indicator's baseline, target, actual, progress and status for a year."""

    indicator: Indicator
    year: int
    target: Decimal | None
    actual: Decimal | None
    status: str
    url: str  # the page listing what the actual is made of
    trend: list = field(default_factory=list)  # (quarter, actual by its end) of the year
    change: Decimal | None = None  # since the end of the previous quarter
    planned: Decimal | None = None  # the activities' planned contributions, combined

    @property
    def baseline(self):
        return self.indicator.baseline_value

    @property
    def percent(self):
        """Progress toward the target, in percent (None without a target or an actual)."""
        if self.target is None or self.actual is None:
            return None
        return int((progress(self.indicator, self.actual, self.target) * 100).quantize(1))

    @property
    def status_label(self):
        return Status(self.status).label

    def as_json(self):
        def number(value):
            return None if value is None else float(value)

        return {
            "code": self.indicator.full_code,
            "name": self.indicator.name,
            "measure": self.indicator.measure,
            "unit": self.indicator.unit,
            "direction": self.indicator.direction,
            "aggregation": self.indicator.aggregation,
            "baseline": number(self.baseline),
            "baseline_year": self.indicator.baseline_year,
            "target": number(self.target),
            "actual": number(self.actual),
            "percent_of_target": self.percent,
            "status": self.status,
            "change_since_last_quarter": number(self.change),
            "planned_by_activities": number(self.planned),
        }


class IndicatorsMixin:
    """The indicators part of `RegionFigures` (reports.queries.region): for each expected
    result of the region, its IndicatorFigures, and each result's and initiative's status."""

    @cached_property
    def _indicators(self):
        """The indicators of the region's expected results, with their targets: two queries."""
        results = [r for i in self.initiative_list for r in i.expected_results.all()]
        indicators = list(
            Indicator.objects.filter(expected_result__in=results)
            .select_related(None)
            .prefetch_related(models.Prefetch("targets", queryset=Target.objects.order_by("year")))
        )
        result_by_pk = {r.pk: r for r in results}
        for indicator in indicators:  # their result as fetched, with its initiative: no query
            indicator.expected_result = result_by_pk[indicator.expected_result_id]
        return indicators

    @cached_property
    def _value_rows(self):
        """Indicator id → ValueRows, for the reported indicators whose actual needs its values
        one by one (latest value, distinct countries)."""
        by_value = [i for i in self._indicators if not i.is_computed and not is_summed(i)]
        return approved_value_rows(by_value, self.year) if by_value else {}

    @cached_property
    def _period_sums(self):
        """Indicator id → its values' sums by period, for the summed and cumulative ones."""
        summed = [i for i in self._indicators if is_summed(i)]
        return approved_period_sums(summed, self.year) if summed else {}

    @cached_property
    def _people_rows(self):
        """Expected result id → the ValueRows of people reached: the year's approved reports
        of the activities counted for the result, valued women + men. One query."""
        if not any(i.measure == Measure.PEOPLE_REACHED for i in self._indicators):
            return {}
        reports = (
            ProgressReport.objects.approved()
            .filter(year=self.year, activity__in_ids=self.activity_ids)
            .values_list(
                "pk", "activity_id", "quarter", "people_reached_women", "people_reached_men"
            )
        )
        rows = defaultdict(list)
        for report_id, activity_id, quarter, women, men in reports:
            row = ValueRow(
                None,
                report_id,
                activity_id,
                self.year,
                quarter,
                Decimal(women + men),
                by_sex=(women, men),
            )
            for result_id in self.rows.results_of[activity_id]:
                rows[result_id].append(row)
        return rows

    @cached_property
    def _planned(self):
        """Indicator id → the planned contributions to it of the activities counted for its
        expected result (`combined` makes them one). One query."""
        reported = [i for i in self._indicators if not i.is_computed]
        if not reported:
            return {}
        planned = defaultdict(list)
        rows = PlannedContribution.objects.filter(
            indicator__in=reported, activity__region=self.region
        ).values_list("indicator_id", "indicator__expected_result_id", "activity_id", "value")
        for indicator_id, result_id, activity_id, value in rows:
            if activity_id in self._activities_of_result.get(result_id, ()):
                planned[indicator_id].append(value)
        return planned

    def _rows_of(self, indicator):
        """The ValueRows an indicator's actual adds up (its `from_reports`)."""
        if indicator.measure == Measure.PEOPLE_REACHED:
            return self._people_rows.get(indicator.expected_result_id, [])
        return self._value_rows.get(indicator.pk, [])

    @cached_property
    def indicators_by_result(self):
        """Expected result id → its IndicatorFigures: reported ones by code, then computed."""
        today = timezone.localdate()
        elapsed = year_elapsed(self.year, today)
        figures = defaultdict(list)
        computed_order = list(Measure)
        indicators = sorted(
            self._indicators,
            key=lambda i: (i.is_computed, computed_order.index(i.measure), i.code),
        )
        for indicator in indicators:
            target = self._target(indicator)
            if indicator.from_reports:
                actual, trend, change = self._reported(indicator, today)
            else:
                actual, trend, change = self._computed_actual(indicator), [], None
            figures[indicator.expected_result_id].append(
                IndicatorFigures(
                    indicator=indicator,
                    year=self.year,
                    target=target,
                    actual=actual,
                    status=indicator_status(indicator, actual, target, elapsed),
                    url=self._actual_url(indicator),
                    trend=trend,
                    change=change,
                    planned=combined(indicator, self._planned.get(indicator.pk, [])),
                )
            )
        return figures

    def result_status(self, result):
        return rolled_up(f.status for f in self.indicators_by_result.get(result.pk, []))

    def initiative_status(self, initiative):
        return rolled_up(self.result_status(r) for r in initiative.expected_results.all())

    def _target(self, indicator):
        """The year's target; in the plan's last year, the end-of-plan one when it has none."""
        targets = {t.year: t.value for t in indicator.targets.all()}
        if self.year in targets:
            return targets[self.year]
        if self.year == self.plan.end_year:
            return targets.get(None)
        return None

    def _reported(self, indicator, today):
        trend = []
        for quarter in range(1, 5):
            if (self.year, quarter) > quarter_of(today):
                break
            trend.append((quarter, self._actual_until(indicator, quarter)))
        actual = self._actual_until(indicator, 4)
        change = None
        if len(trend) >= 2 and trend[-1][1] is not None:
            change = trend[-1][1] - (trend[-2][1] or Decimal(0))
        return actual, trend, change

    def _actual_until(self, indicator, quarter):
        """An indicator's actual counting the year's quarters up to `quarter`."""
        start = self.plan.start_year
        if is_summed(indicator):
            sums = self._period_sums.get(indicator.pk, {})
            return summed_actual(indicator, sums, self.year, start, quarter)
        return reported_actual(indicator, self._rows_of(indicator), self.year, start, quarter).value

    def _computed_actual(self, indicator):
        result_id = indicator.expected_result_id
        if indicator.measure == Measure.ACTIVITIES_COMPLETED:
            activity_ids = self._activities_of_result[result_id]
            return Decimal(
                sum(1 for pk in activity_ids if self._status(pk) == Activity.Status.COMPLETED)
            )
        reached = self.reached_by_result.get(result_id, set())
        group = Measure(indicator.measure).group
        if group:
            groups_of = {c.country.pk: c.group_codes for c in self.countries}
            reached = {pk for pk in reached if group in groups_of.get(pk, [])}
        return Decimal(len(reached))

    def _actual_url(self, indicator):
        """Where an actual's figure leads: for a computed one, the dashboard's own list; for
        a reported one, the page of the values it is made of."""
        result = indicator.expected_result
        if indicator.measure == Measure.ACTIVITIES_COMPLETED:
            return self.scope.activity_list_url(
                statuses=[Activity.Status.COMPLETED], result=result.code
            )
        if not indicator.from_reports:
            group = Measure(indicator.measure).group
            filters = {"result": result.code, "reached": "yes"}
            return self.scope.country_list_url(**({"group": group} | filters if group else filters))
        path = reverse("reports:indicator_actual", args=[self.region.code, indicator.pk])
        return f"{path}?plan={self.plan.code}&year={self.year}"

    def indicator_actual(self, indicator):
        """The IndicatorActual of an indicator of the region whose actual adds up reports (its
        `from_reports`), rows included."""
        if is_summed(indicator):  # the dashboard has its sums only: its rows, for its page
            rows = approved_value_rows([indicator], self.year).get(indicator.pk, [])
        else:
            rows = self._rows_of(indicator)
        return reported_actual(indicator, rows, self.year, self.plan.start_year)
