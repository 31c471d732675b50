"""The expected results and initiatives of a region's figures: for each, its activities
(ongoing, completed), the countries its ongoing and completed activities reach, its mean
percent complete from approved reports with the number of activities that mean rests on and,
for an initiative, the expected results covered. Counted from the region's `Rows`; the percent
complete takes one query.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from activities.models import Activity, ProgressReport
from initiatives.models import ExpectedResult, Initiative
from reports.queries.scope import Figure


class AverageBase:
    """What a mean percent complete rests on. An activity without an approved report has no
    percent to add to the mean, so "100 % on average" may be one activity of ten: every mean is
    shown with its base, "2 of 4 activities reported"."""

    @property
    def percent_complete_base(self):
        """ "2 of 4 activities reported": of the activities counted, those with an approved
        report up to the year's end, whose latest percent complete the mean is of; "" when
        there is no activity at all."""
        total = self.activities.value
        if not total:
            return ""
        return (
            f"{self.activities_reported} of {total} activit{'y' if total == 1 else 'ies'} reported"
        )


@dataclass
class ResultFigures(AverageBase):
    """An expected result's figures for a region and year."""

    result: ExpectedResult
    activities: Figure
    ongoing: Figure
    completed: Figure
    countries_reached: Figure
    percent_complete: int | None = None
    activities_reported: int = 0  # those of `activities` the mean percent complete is of

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
            "activities_reported": self.activities_reported,
        }


@dataclass
class InitiativeFigures(AverageBase):
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
    activities_reported: int = 0  # those of `activities` the mean percent complete is of


class ExpectedResultsMixin:
    """The expected results and initiatives part of `RegionFigures` (reports.queries.region),
    counted from its rows and its initiatives."""

    @cached_property
    def _activities_of_result(self):
        activities = defaultdict(set)
        for pk in self.activity_ids:
            for result_id in self.rows.results_of[pk]:
                activities[result_id].add(pk)
        return activities

    def counted_via(self, result):
        """Activity id → ids of the earlier plans' results through which it counts for
        `result`, for the activities of its figures that count for it only that way (`via the
        previous plan`: `Rows.counted_via`)."""
        via = self.rows.counted_via
        return {
            pk: via[pk, result.pk]
            for pk in self._activities_of_result[result.pk]
            if (pk, result.pk) in via
        }

    def _status_figures(self, activity_ids, **filters):
        counts = Counter(self._status(pk) for pk in activity_ids)
        url = self.scope.activity_list_url
        return {
            "activities": Figure(len(activity_ids), url(**filters)),
            "ongoing": self._status_figure(counts, Activity.Status.ONGOING, filters),
            "completed": self._status_figure(counts, Activity.Status.COMPLETED, filters),
        }

    def _status_figure(self, counts, status, filters):
        return Figure(counts[status], self.scope.activity_list_url(statuses=[status], **filters))

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
                        activities_reported=_reported(percents, activity_ids),
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
                    activities_reported=_reported(percents, initiative_activities),
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
            .filter(activity__in_ids=self.activity_ids, year__lte=self.year)
            .order_by("activity_id", "year", "quarter")
            .values_list("activity_id", "percent_complete")
        )
        return dict(reports)  # the latest report of each activity comes last and wins


def _mean(percents, activity_ids):
    """The mean of the activities' latest approved percent complete, rounded; None when none of
    them has an approved report."""
    values = [percents[pk] for pk in activity_ids if pk in percents]
    return round(sum(values) / len(values)) if values else None


def _reported(percents, activity_ids):
    """How many of the activities have an approved report: the base of `_mean`."""
    return sum(1 for pk in activity_ids if pk in percents)
