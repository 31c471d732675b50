"""What a figure counts and where it links: a `Figure` (a number and the link to the list of
exactly what it counts), the scope of the figures (`PlanScope`: a plan's activities in a year,
all regions; `Scope`: one region's, with the links to its lists) and `Rows`, the activities that
count and their links to expected results and countries, fetched once as plain rows, from which
a region's figures are counted.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse

from activities.filters import StatusField
from activities.models import Activity, ActivityCountry, ActivityExpectedResult
from initiatives.models import ActionPlan, ExpectedResult, Region


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
    year — or, with `all_work`, every activity counted in the year whatever its plan (the
    figures of expected results still count those of the plan's results only). Nothing is
    fetched until asked for."""

    plan: ActionPlan
    year: int
    all_work: bool = field(default=False, kw_only=True)

    def activities(self):
        """The activities that count: the starting point of every figure. Those counted in
        the year that advance one of the plan's expected results (written with the results'
        ids rather than joins: PostgreSQL then estimates well); with `all_work`, all of them."""
        return self.in_figures(self.counted())

    def in_figures(self, activities):
        """Those of `activities` that the figures count: those in the plan, or all of them
        with `all_work`."""
        return activities if self.all_work else self.in_plan(activities)

    def in_plan(self, activities):
        """Those of `activities` that advance one of the expected results of `result_ids`,
        directly or through an earlier plan's result one of them continues."""
        return activities.counting_for(self.result_ids)

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
        if self.all_work and ("result" in filters or "initiative" in filters):
            # The list reads the codes of results and initiatives in the plan it names.
            filters = {"plan": self.plan.code, **filters}
        return f"{url}&{urlencode(filters, doseq=True)}" if filters else url

    @cached_property
    def _counted_list_url(self):
        return self._list_url(Activity.COUNTED_STATUSES)

    def _list_url(self, statuses):
        if statuses is Activity.COUNTED_STATUSES:
            statuses = [StatusField.COUNTED]
        query = {**self._in_plan(), "year": self.year, "status": list(statuses)}
        return _url("activities:activity_list", query)

    def stale_list_url(self):
        """Stale activities are stale today, whatever the year looked at."""
        return _url("activities:activity_list", {**self._in_plan(), "stale": "1"})

    def attention_list_url(self):
        """Activities needing attention do so today, whatever the year looked at."""
        return _url("activities:activity_list", {**self._in_plan(), "attention": "1"})

    def _in_plan(self):
        """The activity list's filters of the region's activities the figures count, whatever
        the year: of the plan, or of any plan with `all_work`."""
        if self.all_work:
            return {"region": self.region.code}
        return {"region": self.region.code, "plan": self.plan.code}

    def country_list_url(self, **filters):
        return _url("reports:country_list", self._query(filters), args=[self.region.code])

    def money_lines_url(self, **filters):
        """The budget lines or expenditure behind a figure of the financial table."""
        return _url("reports:money_lines", self._query(filters), args=[self.region.code])

    def result_list_url(self, **filters):
        return _url("reports:result_list", self._query(filters), args=[self.region.code])

    def dashboard_url(self):
        return _url("reports:region_dashboard", self._query({}), args=[self.region.code])

    def _query(self, filters):
        work = {"work": "all"} if self.all_work else {}
        return {"plan": self.plan.code, "year": self.year, **work, **filters}


def _url(name, query, args=()):
    return f"{reverse(name, args=args)}?{urlencode(query, doseq=True)}"


class Rows:
    """The activities that count, with their expected results and countries, as plain rows.

    Fetched in three queries, on first use, for one region (a Scope) or for all regions of a
    plan at once (a PlanScope); every count of `RegionFigures` is made from these. Which
    activities count is worked out once, by the first: the others read the ids it fetched.
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
    def ids_by_region(self):
        """Region id → the set of ids of its activities."""
        ids = defaultdict(set)
        for pk, (region_id, _status) in self.activities.items():
            ids[region_id].add(pk)
        return ids

    @cached_property
    def results_of(self):
        """Activity id → ids of the plan's expected results it advances (directly or through
        an earlier plan's result: `ActivityExpectedResult.objects.counted_pairs`)."""
        return self._links[0]

    @cached_property
    def counted_via(self):
        """(activity id, expected result id) → ids of the earlier plans' results through which
        the activity counts for the result, for the pairs that count only that way (an activity
        also linked to the result itself counts for it directly, once)."""
        return self._links[1]

    @cached_property
    def _links(self):
        results_of, via, direct = defaultdict(set), defaultdict(set), set()
        links = ActivityExpectedResult.objects.filter(
            activity__in_ids=self.activities
        ).counted_pairs(self.scope.result_ids)
        for activity_id, result_id, earlier_id in links:
            results_of[activity_id].add(result_id)
            if earlier_id is None:
                direct.add((activity_id, result_id))
            else:
                via[activity_id, result_id].add(earlier_id)
        return results_of, {pair: ids for pair, ids in via.items() if pair not in direct}

    @cached_property
    def countries_of(self):
        """Activity id → ids of its countries."""
        countries_of = defaultdict(set)
        links = ActivityCountry.objects.filter(activity__in_ids=self.activities).values_list(
            "activity_id", "country_id"
        )
        for activity_id, country_id in links:
            countries_of[activity_id].add(country_id)
        return countries_of
