"""The regional progress report's data: under each expected result, the activities that count
and advance it, each with its countries and its latest approved progress report up to the
year's end. A fixed number of queries, whatever the number of activities.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import OuterRef, Prefetch, Subquery

from activities.models import Activity, ProgressReport
from initiatives.models import Country
from reports.queries.expected_results import ResultFigures


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


class RegionalReportMixin:
    """The regional report's part of `RegionFigures` (reports.queries.region): its activities,
    with their latest approved reports, by expected result."""

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
