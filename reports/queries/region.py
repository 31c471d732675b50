"""A region's figures for a plan and a year (`RegionFigures`), and the two ways to build them:
`region_figures()` for one region's pages, its downloads and its regional report, and
`all_region_figures()` for the all-regions page, every region from one fetch.

This module counts the activities by status and the countries reached (of all and of the LDC,
SIDS and LLDC) and gives the JSON; the rest of the figures come from the mixins beside it:
expected results and initiatives (expected_results), the matrix of countries by expected results
(matrix), budget and expenditure (finances), people reached and stale activities (people_stale)
and the regional report's activities with their latest approved reports (regional_report).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch
from django.utils.functional import SimpleLazyObject

from activities.models import Activity
from initiatives.models import Country, CountryGroup, ExpectedResult, Initiative
from reports.queries.expected_results import ExpectedResultsMixin
from reports.queries.finances import FinancesMixin
from reports.queries.indicators import IndicatorsMixin
from reports.queries.matrix import MatrixMixin
from reports.queries.people_stale import PeopleStaleMixin
from reports.queries.regional_report import RegionalReportMixin
from reports.queries.scope import Figure, PlanScope, Rows, Scope


@dataclass
class CountryFigures:
    """A country of the region: its groups during the year, its activities, reached or not."""

    country: Country
    groups: list  # CountryGroups, in order
    activities: Figure
    results_advanced: int
    reached: bool

    @property
    def group_codes(self):
        return [group.code for group in self.groups]


@dataclass
class GroupReach:
    """Countries reached of countries in the region — all of them, or those of one group."""

    group: CountryGroup | None  # None for all countries
    label: str
    total: Figure
    reached: Figure
    unreached: list = field(default_factory=list)  # Country objects, by name

    @property
    def code(self):
        """The group's code, "" for all countries."""
        return self.group.code if self.group else ""


class RegionFigures(
    ExpectedResultsMixin,
    IndicatorsMixin,
    MatrixMixin,
    PeopleStaleMixin,
    FinancesMixin,
    RegionalReportMixin,
):
    """A region's figures for a plan and a year; each property is computed once, on first use.

    Built by `region_figures()` for one region, or by `all_region_figures()` for every region
    from rows fetched once for all of them.
    """

    def __init__(self, scope, rows, initiatives, countries, groups, *, with_progress=False):
        self.scope = scope
        self.rows = rows
        # Lists or querysets (fetched on first use, then kept by the queryset).
        self.initiative_list = initiatives  # with expected_results prefetched, in order
        self.country_list = countries  # with designations prefetched, by name
        self.groups = groups  # the CountryGroups the region's pages offer, in order
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
        """The ids of the activities the figures count. The figures that the database sums
        filter by them (`activity__in_ids=self.activity_ids`, one parameter) rather than work
        out again which activities count."""
        return self.rows.ids_by_region[self.region.pk]

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

    def _reached_by(self, activity_ids):
        """The countries reached by `activity_ids`: those of the ongoing and completed ones."""
        reached = set()
        for pk in activity_ids & self.delivering_ids:
            reached |= self.rows.countries_of[pk]
        return reached

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
        """GroupReach for all the region's countries, then for each group its pages offer
        (LDC, SIDS, LLDC, then its own, such as the Pacific island countries)."""
        reach = []
        for group in [None, *self.groups]:
            members = [c for c in self.countries if not group or group.code in c.group_codes]
            filters = {"group": group.code} if group else {}
            reach.append(
                GroupReach(
                    group=group,
                    label=group.code if group else "All countries",
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
    def shared_reach(self):
        """GroupReach of all countries, then of the groups every region counts (LDC, SIDS,
        LLDC): what compares across regions, side by side."""
        return [reach for reach in self.reach if not reach.group or not reach.group.region_id]

    @property
    def group_reach(self):
        """Each group the region's pages offer, with its countries not reached."""
        return self.reach[1:]

    def as_json(self):
        """The figures for other tools (Power BI, Excel): the README documents this shape."""
        covered, total = self.coverage
        by_group = {g.group.code: g for g in self.group_reach}
        countries = {"total": self.countries_reach.total.value}
        countries["reached"] = self.countries_reach.reached.value
        for group, reach in by_group.items():
            countries[f"{group.lower()}_total"] = reach.total.value
            countries[f"{group.lower()}_reached"] = reach.reached.value
        return {
            "region": self.region.code,
            "plan": self.plan.code,
            "year": self.year,
            "all_work": self.scope.all_work,
            "activities_by_status": {
                str(status): figure.value for status, _, figure in self.activities_by_status
            },
            "expected_results": [
                {
                    **result.as_json(),
                    "status": self.result_status(result.result),
                    "indicators": [
                        figures.as_json()
                        for figures in self.indicators_by_result.get(result.result.pk, [])
                    ],
                }
                for result in self.results
            ],
            "coverage": {"covered": covered.value, "total": total.value},
            "countries": countries,
            "unreached": {
                group: [country.iso3 for country in reach.unreached]
                for group, reach in by_group.items()
            },
            "finances": self.finances.as_json(),
        }


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


def region_figures(region, plan, year, *, all_work=False):
    """A region's figures for the region dashboard, its JSON and its regional report (with
    `all_work`, its activities and countries count all work in the year whatever its plan).
    Nothing is fetched until a figure is used: a page whose figures are cached makes no query
    here."""
    scope = Scope(plan=plan, year=year, region=region, all_work=all_work)
    return RegionFigures(
        scope,
        Rows(scope),
        _initiatives(plan, region),
        _countries(region),
        SimpleLazyObject(lambda: list(CountryGroup.objects.offered_in(region))),
        with_progress=True,
    )


def all_region_figures(plan, year, *, all_work=False):
    """RegionFigures for every region of the plan (those with initiatives), from one fetch."""
    # `all_work` as for `region_figures`.
    rows = Rows(PlanScope(plan=plan, year=year, all_work=all_work))
    initiatives = defaultdict(list)
    for initiative in _initiatives(plan):
        initiatives[initiative.region].append(initiative)
    countries = defaultdict(list)
    for country in _countries():
        countries[country.region_id].append(country)
    groups = list(CountryGroup.objects.all())
    return [
        RegionFigures(
            Scope(plan=plan, year=year, region=region, all_work=all_work),
            rows,
            initiatives[region],
            countries[region.pk],
            [group for group in groups if group.region_id in (None, region.pk)],
        )
        for region in sorted(initiatives, key=lambda r: r.code)
    ]
