"""The dashboards' figures, counted in one place for the pages, the JSON, the downloads and the
regional report.

The counting rules, each defined once:

- An activity counts for a year when `Activity.objects.counted_in(year)` has it: its dates
  overlap the year (a planned activity counts in the year it starts only), and it is neither
  archived nor cancelled. A region's figures for an action plan count the region's activities
  that advance at least one expected result of that plan.
- An expected result is *covered* when at least one ongoing or completed activity advances it.
- A country is *reached* when at least one ongoing or completed activity has it.
- A country counts as LDC, SIDS or LLDC for a year when it was in the group on any day of that
  year (`Country.groups_during`).
- Only approved progress reports count (percent complete, people reached).

Every figure is a `Figure`: its value and the link to the list of exactly what it counts —
the activity list (filtered with the same rules: `year` is `active_in`, `group` with a year is
"during the year", `status` excludes cancelled), or this app's lists of countries and of
expected results. A test checks that each list's total equals its figure.

Whatever the number of activities, a region's figures take a fixed number of queries: the
activities that count, their links to expected results and to countries are fetched once as
plain rows, and everything else is counted from those rows.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum
from django.urls import reverse

from activities.models import Activity, ActivityCountry, ActivityExpectedResult, ProgressReport
from initiatives.models import ActionPlan, Country, CountryGroup, ExpectedResult, Initiative, Region

# The matrix shades a cell by how many activities it holds, relative to the fullest cell.
MATRIX_SHADES = 4
# The dashboard lists this many stale activities; their figure links to all of them.
STALE_SHOWN = 20


@dataclass(frozen=True)
class Figure:
    """A number on a dashboard and the link to the list of exactly what it counts."""

    value: int
    url: str

    def __str__(self):
        return str(self.value)


@dataclass(frozen=True)
class PlanScope:
    """What the figures of all regions count: activities for an action plan's results in a
    year. Nothing is fetched until asked for."""

    plan: ActionPlan
    year: int

    def activities(self):
        """The activities that count: the starting point of every figure. Those counted in
        the year that advance one of the plan's expected results (written with the results'
        ids rather than joins: PostgreSQL then estimates well)."""
        return self.in_plan(self.counted())

    def in_plan(self, activities):
        """Those of `activities` that advance one of the expected results of `result_ids`."""
        return activities.filter(
            pk__in=ActivityExpectedResult.objects.filter(
                expected_result_id__in=self.result_ids
            ).values("activity_id")
        )

    def counted(self):
        """The activities counted in the year, for any plan."""
        return Activity.objects.counted_in(self.year)

    def results(self):
        """The plan's expected results."""
        return ExpectedResult.objects.filter(initiative__action_plan=self.plan)

    @cached_property
    def result_ids(self):
        return list(self.results().values_list("pk", flat=True))


@dataclass(frozen=True)
class Scope(PlanScope):
    """What a region's figures count: its activities for an action plan's results in a year."""

    region: Region

    def counted(self):
        """The region's activities counted in the year, for any plan."""
        return super().counted().filter(region=self.region)

    def results(self):
        """The region's expected results of the plan."""
        return super().results().filter(initiative__region=self.region)

    def activity_list_url(self, statuses=Activity.COUNTED_STATUSES, **filters):
        """The activity list showing exactly the activities a figure counts."""
        if statuses is Activity.COUNTED_STATUSES:
            url = self._counted_list_url  # a dashboard makes thousands of these: made once
        else:
            url = self._list_url(statuses)
        return f"{url}&{urlencode(filters, doseq=True)}" if filters else url

    @cached_property
    def _counted_list_url(self):
        return self._list_url(Activity.COUNTED_STATUSES)

    def _list_url(self, statuses):
        query = {
            "region": self.region.code,
            "plan": self.plan.code,
            "year": self.year,
            "status": list(statuses),
        }
        return _url("activities:activity_list", query)

    def stale_list_url(self):
        """Stale activities are stale today, whatever the year looked at."""
        query = {"region": self.region.code, "plan": self.plan.code, "stale": "1"}
        return _url("activities:activity_list", query)

    def country_list_url(self, **filters):
        return _url("reports:country_list", self._query(filters), args=[self.region.code])

    def result_list_url(self, **filters):
        return _url("reports:result_list", self._query(filters), args=[self.region.code])

    def dashboard_url(self):
        return _url("reports:region_dashboard", self._query({}), args=[self.region.code])

    def _query(self, filters):
        return {"plan": self.plan.code, "year": self.year, **filters}


def _url(name, query, args=()):
    return f"{reverse(name, args=args)}?{urlencode(query, doseq=True)}"


class Rows:
    """The activities that count, with their expected results and countries, as plain rows.

    Fetched in three queries, on first use, for one region (a Scope) or for all regions of a
    plan at once (a PlanScope); every count of `RegionFigures` is made from these.
    """

    def __init__(self, scope):
        self.scope = scope

    @cached_property
    def activities(self):
        """Activity id → (region id, status)."""
        return {
            pk: (region_id, status)
            for pk, region_id, status in self.scope.activities().values_list(
                "pk", "region_id", "status"
            )
        }

    @cached_property
    def results_of(self):
        """Activity id → ids of the plan's expected results it advances."""
        results_of = defaultdict(set)
        links = ActivityExpectedResult.objects.filter(
            activity__in=self.scope.counted(), expected_result_id__in=self.scope.result_ids
        ).values_list("activity_id", "expected_result_id")
        for activity_id, result_id in links:
            results_of[activity_id].add(result_id)
        return results_of

    @cached_property
    def countries_of(self):
        """Activity id → ids of its countries."""
        countries_of = defaultdict(set)
        links = ActivityCountry.objects.filter(activity__in=self.scope.activities()).values_list(
            "activity_id", "country_id"
        )
        for activity_id, country_id in links:
            countries_of[activity_id].add(country_id)
        return countries_of


@dataclass
class ResultFigures:
    """An expected result's figures for a region and year."""

    result: ExpectedResult
    activities: Figure
    ongoing: Figure
    completed: Figure
    countries_reached: Figure
    percent_complete: int | None = None

    @property
    def covered(self):
        return self.ongoing.value + self.completed.value > 0

    def as_json(self):
        return {
            "code": self.result.code,
            "activities": self.activities.value,
            "ongoing": self.ongoing.value,
            "completed": self.completed.value,
            "countries_reached": self.countries_reached.value,
            "covered": self.covered,
            "percent_complete": self.percent_complete,
        }


@dataclass
class InitiativeFigures:
    """An initiative's figures: the same as its results', each activity and country once."""

    initiative: Initiative
    results: list
    activities: Figure
    ongoing: Figure
    completed: Figure
    countries_reached: Figure
    covered: Figure  # expected results covered, of len(results)
    percent_complete: int | None = None
    results_total: Figure | None = None  # len(results), linking to the list of them


@dataclass
class CountryFigures:
    """A country of the region: its groups during the year, its activities, reached or not."""

    country: Country
    groups: list
    activities: Figure
    results_advanced: int
    reached: bool


@dataclass
class GroupReach:
    """Countries reached of countries in the region — all of them, or those of one group."""

    group: str  # "" for all countries, else LDC, SIDS or LLDC
    label: str
    total: Figure
    reached: Figure
    unreached: list = field(default_factory=list)  # Country objects, by name


@dataclass
class MatrixCell:
    """The activities of a country for an expected result; the link to them is made when a
    page shows it (an empty cell has none, and a region has over a thousand cells)."""

    scope: Scope
    country: Country
    result: ExpectedResult
    activities: int
    shade: int  # 0 (empty) to MATRIX_SHADES

    @property
    def url(self):
        return self.scope.activity_list_url(country=self.country.iso3, result=self.result.code)


@dataclass
class MatrixRow:
    country: Country
    groups: list
    cells: list


@dataclass
class CountryResult:
    """An expected result that a country's activities advance: how many of them do (a cell of
    the matrix), and whether an ongoing or completed one reaches the country."""

    result: ExpectedResult
    activities: Figure
    reached: bool


@dataclass
class ActivityProgress:
    """An activity that counts, as the regional report shows it: the activity (its countries
    fetched, by name) and its latest approved progress report up to the year's end, or None."""

    activity: Activity
    report: ProgressReport | None


@dataclass
class ResultProgress:
    """An expected result in the regional report: its figures and the ActivityProgress of the
    activities that count and advance it, by title (none: a gap the report shows)."""

    figures: ResultFigures
    activities: list


@dataclass
class FundingFigures:
    """Activities of one funding source and the sum of their budgets, per currency."""

    label: str
    activities: Figure
    budgets: list  # (currency, amount) pairs, amounts as Decimal


class RegionFigures:
    """A region's figures for a plan and a year; each property is computed once, on first use.

    Built by `region_figures()` for one region, or by `all_region_figures()` for every region
    from rows fetched once for all of them.
    """

    def __init__(self, scope, rows, initiatives, countries, *, with_progress=False):
        self.scope = scope
        self.rows = rows
        # Lists or querysets (fetched on first use, then kept by the queryset).
        self.initiative_list = initiatives  # with expected_results prefetched, in order
        self.country_list = countries  # with designations prefetched, by name
        # The percent complete costs a query per region: the all-regions page goes without.
        self.with_progress = with_progress

    @property
    def region(self):
        return self.scope.region

    @property
    def year(self):
        return self.scope.year

    @property
    def plan(self):
        return self.scope.plan

    # --- Activities

    @cached_property
    def activity_ids(self):
        return {
            pk for pk, (region_id, _) in self.rows.activities.items() if region_id == self.region.pk
        }

    def _status(self, pk):
        return self.rows.activities[pk][1]

    @cached_property
    def delivering_ids(self):
        return {pk for pk in self.activity_ids if self._status(pk) in Activity.DELIVERING_STATUSES}

    @cached_property
    def activities_total(self):
        return Figure(len(self.activity_ids), self.scope.activity_list_url())

    @cached_property
    def activities_by_status(self):
        """(status, label, Figure) for each status that counts, zeros included, in order."""
        counts = Counter(self._status(pk) for pk in self.activity_ids)
        return [
            (
                status,
                Activity.Status(status).label,
                Figure(counts[status], self.scope.activity_list_url(statuses=[status])),
            )
            for status in Activity.COUNTED_STATUSES
        ]

    # --- Expected results and initiatives

    @cached_property
    def _activities_of_result(self):
        activities = defaultdict(set)
        for pk in self.activity_ids:
            for result_id in self.rows.results_of[pk]:
                activities[result_id].add(pk)
        return activities

    def _reached_by(self, activity_ids):
        """The countries reached by `activity_ids`: those of the ongoing and completed ones."""
        reached = set()
        for pk in activity_ids & self.delivering_ids:
            reached |= self.rows.countries_of[pk]
        return reached

    def _status_figures(self, activity_ids, **filters):
        ongoing = sum(1 for pk in activity_ids if self._status(pk) == Activity.Status.ONGOING)
        completed = sum(1 for pk in activity_ids if self._status(pk) == Activity.Status.COMPLETED)
        url = self.scope.activity_list_url
        return {
            "activities": Figure(len(activity_ids), url(**filters)),
            "ongoing": Figure(ongoing, url(statuses=[Activity.Status.ONGOING], **filters)),
            "completed": Figure(completed, url(statuses=[Activity.Status.COMPLETED], **filters)),
        }

    @cached_property
    def reached_by_result(self):
        """Expected result id → ids of the countries its ongoing or completed activities reach."""
        return {
            result.pk: self._reached_by(self._activities_of_result[result.pk])
            for initiative in self.initiative_list
            for result in initiative.expected_results.all()
        }

    @cached_property
    def reached_by_initiative(self):
        """Initiative id → ids of the countries reached by the ongoing or completed activities
        that advance any of its expected results (the list behind its countries reached)."""
        return {
            initiative.pk: set().union(
                *(self.reached_by_result[r.pk] for r in initiative.expected_results.all())
            )
            for initiative in self.initiative_list
        }

    @cached_property
    def initiatives(self):
        """InitiativeFigures for each initiative of the region, with its ResultFigures."""
        percents = self.percent_complete_by_activity if self.with_progress else {}
        figures = []
        for initiative in self.initiative_list:
            results = []
            initiative_activities = set()
            for result in initiative.expected_results.all():
                activity_ids = self._activities_of_result[result.pk]
                initiative_activities |= activity_ids
                results.append(
                    ResultFigures(
                        result=result,
                        countries_reached=Figure(
                            len(self.reached_by_result[result.pk]),
                            self.scope.country_list_url(result=result.code, reached="yes"),
                        ),
                        percent_complete=_mean(percents, activity_ids),
                        **self._status_figures(activity_ids, result=result.code),
                    )
                )
            figures.append(
                InitiativeFigures(
                    initiative=initiative,
                    results=results,
                    countries_reached=Figure(
                        len(self._reached_by(initiative_activities)),
                        self.scope.country_list_url(initiative=initiative.code, reached="yes"),
                    ),
                    covered=Figure(
                        sum(1 for r in results if r.covered),
                        self.scope.result_list_url(initiative=initiative.code, covered="yes"),
                    ),
                    percent_complete=_mean(percents, initiative_activities),
                    results_total=Figure(
                        len(results), self.scope.result_list_url(initiative=initiative.code)
                    ),
                    **self._status_figures(initiative_activities, initiative=initiative.code),
                )
            )
        return figures

    @property
    def result_sections(self):
        """(InitiativeFigures, [ResultFigures]) for each initiative: the results table's rows."""
        return [(initiative, initiative.results) for initiative in self.initiatives]

    @cached_property
    def results(self):
        """ResultFigures of every expected result, grouped by initiative: the matrix's columns."""
        return [result for initiative in self.initiatives for result in initiative.results]

    @cached_property
    def coverage(self):
        """(covered, total) expected results, each a Figure linking to the list of results."""
        return (
            Figure(
                sum(1 for r in self.results if r.covered),
                self.scope.result_list_url(covered="yes"),
            ),
            Figure(len(self.results), self.scope.result_list_url()),
        )

    @cached_property
    def percent_complete_by_activity(self):
        """Activity id → percent complete of its latest approved report up to the year's end."""
        reports = (
            ProgressReport.objects.approved()
            .filter(activity__in=self.scope.activities(), year__lte=self.year)
            .order_by("activity_id", "year", "quarter")
            .values_list("activity_id", "percent_complete")
        )
        return dict(reports)  # the latest report of each activity comes last and wins

    # --- Countries

    @cached_property
    def countries(self):
        """CountryFigures for each country of the region, by name."""
        activities_in = defaultdict(set)
        for pk in self.activity_ids:
            for country_id in self.rows.countries_of[pk]:
                activities_in[country_id].add(pk)
        reached = self._reached_by(self.activity_ids)
        return [
            CountryFigures(
                country=country,
                groups=country.groups_during(self.year),
                activities=Figure(
                    len(activities_in[country.pk]),
                    self.scope.activity_list_url(country=country.iso3),
                ),
                results_advanced=len(
                    set().union(*(self.rows.results_of[pk] for pk in activities_in[country.pk]))
                ),
                reached=country.pk in reached,
            )
            for country in self.country_list
        ]

    @cached_property
    def reach(self):
        """GroupReach for all the region's countries, then for LDC, SIDS and LLDC."""
        groups = [("", "All countries")] + [(g.value, g.value) for g in CountryGroup]
        reach = []
        for group, label in groups:
            members = [c for c in self.countries if not group or group in c.groups]
            filters = {"group": group} if group else {}
            reach.append(
                GroupReach(
                    group=group,
                    label=label,
                    total=Figure(len(members), self.scope.country_list_url(**filters)),
                    reached=Figure(
                        sum(1 for c in members if c.reached),
                        self.scope.country_list_url(reached="yes", **filters),
                    ),
                    unreached=[c.country for c in members if not c.reached],
                )
            )
        return reach

    @property
    def countries_reach(self):
        return self.reach[0]

    @property
    def group_reach(self):
        """LDC, SIDS and LLDC, each with its countries not reached."""
        return self.reach[1:]

    # --- The matrix of countries by expected results

    @cached_property
    def matrix(self):
        """One MatrixRow per country of the region; a cell per expected result, in the order of
        `self.results`, holding the number of activities that have both."""
        counts = Counter()
        for pk in self.activity_ids:
            for country_id in self.rows.countries_of[pk]:
                for result_id in self.rows.results_of[pk]:
                    counts[country_id, result_id] += 1
        fullest = max(counts.values(), default=0)
        results = [r.result for r in self.results]
        return [
            MatrixRow(
                country=figures.country,
                groups=figures.groups,
                cells=[
                    MatrixCell(
                        scope=self.scope,
                        country=figures.country,
                        result=result,
                        activities=counts[figures.country.pk, result.pk],
                        shade=math.ceil(
                            MATRIX_SHADES * counts[figures.country.pk, result.pk] / fullest
                        )
                        if fullest
                        else 0,
                    )
                    for result in results
                ],
            )
            for figures in self.countries
        ]

    def results_advanced_in(self, country):
        """CountryResult for each expected result that `country`'s activities advance, in the
        order of `self.results`: the cells of its matrix row that hold activities."""
        row = next(row for row in self.matrix if row.country.pk == country.pk)
        return [
            CountryResult(
                result=cell.result,
                activities=Figure(cell.activities, cell.url),
                reached=country.pk in self.reached_by_result[cell.result.pk],
            )
            for cell in row.cells
            if cell.activities
        ]

    # --- Money, people, staleness (region dashboard and report only: one query each)

    @cached_property
    def funding(self):
        """FundingFigures for each funding source used, "Not given" last."""
        rows = (
            self.scope.activities()
            .order_by()
            .values("funding_source", "currency")
            .annotate(activities=Count("pk"), budget=Sum("budget_amount"))
        )
        activities, budgets = Counter(), defaultdict(list)
        for row in rows:
            activities[row["funding_source"]] += row["activities"]
            if row["budget"] is not None:
                budgets[row["funding_source"]].append((row["currency"], row["budget"]))
        sources = [*Activity.FundingSource.choices, ("", "Not given")]
        return [
            FundingFigures(
                label=label,
                activities=Figure(
                    activities[source],
                    self.scope.activity_list_url(funding=source or "none"),
                ),
                budgets=sorted(budgets[source]),
            )
            for source, label in sources
            if activities[source]
        ]

    @cached_property
    def people_reached(self):
        """People reached in the year by sex, from approved reports of the year's quarters."""
        totals = (
            ProgressReport.objects.approved()
            .filter(year=self.year, activity__in=self.scope.activities())
            .aggregate(
                women=Sum("people_reached_women"),
                men=Sum("people_reached_men"),
                activities=Count("activity", distinct=True),
            )
        )
        return {
            "women": totals["women"] or 0,
            "men": totals["men"] or 0,
            "total": (totals["women"] or 0) + (totals["men"] or 0),
            "activities": Figure(
                totals["activities"], self.scope.activity_list_url(reported=self.year)
            ),
        }

    @cached_property
    def stale(self):
        """(Figure, the first STALE_SHOWN stale activities): ongoing activities of the region
        and plan with no approved report for either of the last two quarters, as of today."""
        activities = self._stale_activities()
        return (
            Figure(activities.count(), self.scope.stale_list_url()),
            list(activities[:STALE_SHOWN]),
        )

    @cached_property
    def stale_activities(self):
        """Every stale activity of `stale`, not only the first STALE_SHOWN: for the downloads."""
        return list(self._stale_activities())

    def _stale_activities(self):
        return (
            self.scope.in_plan(Activity.objects.stale().filter(region=self.region))
            .select_related("focal_point")
            .order_by("start_date", "title")
        )

    # --- The regional report: the activities themselves, with their latest approved reports

    @cached_property
    def latest_approved_reports(self):
        """Activity id → the latest approved progress report up to the year's end, for the
        activities that count and have one: one query, whatever the number of activities.
        Drafts, submitted and returned reports never show."""
        approved = ProgressReport.objects.approved().filter(year__lte=self.year)
        latest = approved.filter(activity=OuterRef("activity")).order_by("-year", "-quarter")
        reports = approved.filter(
            activity__in=self.scope.activities(), pk=Subquery(latest.values("pk")[:1])
        )
        return {report.activity_id: report for report in reports}

    @cached_property
    def report_sections(self):
        """The regional report's body: (InitiativeFigures, [ResultProgress]) for each initiative,
        every expected result listed, with or without activities. Three queries: the activities,
        their countries and their latest approved reports."""
        activities = (
            self.scope.activities()
            .prefetch_related(Prefetch("countries", queryset=Country.objects.order_by("name")))
            .order_by("title", "pk")
        )
        reports = self.latest_approved_reports
        by_result = defaultdict(list)
        for activity in activities:
            progress = ActivityProgress(activity, reports.get(activity.pk))
            for result_id in self.rows.results_of[activity.pk]:
                by_result[result_id].append(progress)
        return [
            (
                initiative,
                [ResultProgress(r, by_result[r.result.pk]) for r in initiative.results],
            )
            for initiative in self.initiatives
        ]

    def as_json(self):
        """The figures for other tools (Power BI, Excel): the README documents this shape."""
        covered, total = self.coverage
        by_group = {g.group: g for g in self.group_reach}
        countries = {"total": self.countries_reach.total.value}
        countries["reached"] = self.countries_reach.reached.value
        for group, reach in by_group.items():
            countries[f"{group.lower()}_total"] = reach.total.value
            countries[f"{group.lower()}_reached"] = reach.reached.value
        return {
            "region": self.region.code,
            "plan": self.plan.code,
            "year": self.year,
            "activities_by_status": {
                str(status): figure.value for status, _, figure in self.activities_by_status
            },
            "expected_results": [result.as_json() for result in self.results],
            "coverage": {"covered": covered.value, "total": total.value},
            "countries": countries,
            "unreached": {
                group: [country.iso3 for country in reach.unreached]
                for group, reach in by_group.items()
            },
        }


def _mean(percents, activity_ids):
    """The mean of the activities' latest approved percent complete, rounded; None when none of
    them has an approved report."""
    values = [percents[pk] for pk in activity_ids if pk in percents]
    return round(sum(values) / len(values)) if values else None


def _initiatives(plan, region=None):
    # Without the manager's select_related, the prefetch makes each result's `initiative` the
    # initiative fetched here, with its plan and region: `result.get_absolute_url()` and
    # `result.code` then need no query per result.
    results = ExpectedResult.objects.select_related(None).order_by("number")
    initiatives = (
        Initiative.objects.filter(action_plan=plan)
        .select_related("region", "action_plan")
        .prefetch_related(Prefetch("expected_results", queryset=results))
        .order_by("code")
    )
    return initiatives.filter(region=region) if region else initiatives


def _countries(region=None):
    countries = Country.objects.with_designations().order_by("name")
    return countries.filter(region=region) if region else countries


def region_figures(region, plan, year):
    """A region's figures for the region dashboard, its JSON and its regional report. Nothing
    is fetched until a figure is used: a page whose figures are cached makes no query here."""
    scope = Scope(plan=plan, year=year, region=region)
    return RegionFigures(
        scope,
        Rows(scope),
        _initiatives(plan, region),
        _countries(region),
        with_progress=True,
    )


def all_region_figures(plan, year):
    """RegionFigures for every region of the plan (those with initiatives), from one fetch."""
    rows = Rows(PlanScope(plan=plan, year=year))
    initiatives = defaultdict(list)
    for initiative in _initiatives(plan):
        initiatives[initiative.region].append(initiative)
    countries = defaultdict(list)
    for country in _countries():
        countries[country.region_id].append(country)
    return [
        RegionFigures(
            Scope(plan=plan, year=year, region=region),
            rows,
            initiatives[region],
            countries[region.pk],
        )
        for region in sorted(initiatives, key=lambda r: r.code)
    ]
