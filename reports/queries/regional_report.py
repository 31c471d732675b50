"""The regional progress report's data: under each expected result, the activities that count
and advance it, each with its countries and its latest approved progress report up to the
year's end. A fixed number of queries, whatever the number of activities.

The downloads hold the whole report (`report_sections`); the page shows one initiative at a
time, with the first activities of each expected result only (`initiative_report`).
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from itertools import islice

from django.db.models import OuterRef, Prefetch, Subquery

from activities.models import Activity, ProgressReport
from initiatives.models import Country
from reports.queries.expected_results import ResultFigures

# The activities of an expected result that the report's page shows; the activity list, which
# the result's "All N activities" link opens, has them all.
SHOWN_PER_RESULT = 20


@dataclass
class ActivityProgress:
    """An activity that counts, as the regional report shows it: the activity (its countries
    fetched, by name) and its latest approved progress report up to the year's end, or None."""

    activity: Activity
    report: ProgressReport | None


@dataclass
class ResultProgress:
    """An expected result in the regional report: its figures and the ActivityProgress of the
    activities that count and advance it, by title (none: a gap the report shows). `folded`:
    only the first of them, the others being on the list that `figures.activities` links to."""

    figures: ResultFigures
    activities: list
    folded: bool = False


class RegionalReportMixin:
    """The regional report's part of `RegionFigures` (reports.queries.region): its activities,
    with their latest approved reports, by expected result."""

    def _latest_approved(self, **activities):
        """Activity id → the latest approved progress report up to the year's end, for the
        activities of the filter `activities` (`activity__in_ids=ids`) that have one: one
        query, whatever their number. Drafts, submitted and returned reports never show."""
        approved = ProgressReport.objects.approved().filter(year__lte=self.year)
        latest = approved.filter(activity=OuterRef("activity")).order_by("-year", "-quarter")
        reports = approved.filter(**activities, pk=Subquery(latest.values("pk")[:1]))
        return {report.activity_id: report for report in reports}

    @cached_property
    def latest_approved_reports(self):
        """`_latest_approved` of every activity that counts."""
        return self._latest_approved(activity__in_ids=self.activity_ids)

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

    def initiative_report(self, initiative, shown=SHOWN_PER_RESULT):
        """One initiative of the report, as its page shows it: (InitiativeFigures,
        [ResultProgress]) as in `report_sections`, each expected result with its first `shown`
        activities by title only (`folded` when it has more). Four queries, whatever the number
        of activities: the order of the initiative's activities (ids only), the activities
        shown, their countries and their latest approved reports."""
        figures = next(f for f in self.initiatives if f.initiative.pk == initiative.pk)
        # The same activities as the results' figures count, which the lists they link to show.
        of_result = {r.result.pk: self._activities_of_result[r.result.pk] for r in figures.results}
        ordered = Activity.objects.filter(pk__in_ids=set().union(*of_result.values()))
        ordered = list(ordered.order_by("title", "pk").values_list("pk", flat=True))
        first = {
            result_id: list(islice((pk for pk in ordered if pk in ids), shown))
            for result_id, ids in of_result.items()
        }
        shown_ids = set().union(*first.values())
        activities = Activity.objects.filter(pk__in_ids=shown_ids).prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("name"))
        )
        reports = self._latest_approved(activity__in_ids=shown_ids)
        progress = {a.pk: ActivityProgress(a, reports.get(a.pk)) for a in activities}
        return figures, [
            ResultProgress(
                r,
                [progress[pk] for pk in first[r.result.pk]],
                folded=len(of_result[r.result.pk]) > shown,
            )
            for r in figures.results
        ]
