"""The region dashboard's figures that are not counted from the shared rows but take a query
each: people reached by sex from approved reports, the stale activities (ongoing, with no
recent approved report) and the activities that need attention (their status contradicts
their dates). The region dashboard shows them and its
tables download them; the all-regions page goes without.
"""

from functools import cached_property

from django.utils import timezone

from activities.models import Activity, ProgressReport
from reports.queries.scope import Figure

# The dashboard lists this many stale activities; their figure links to all of them.
STALE_SHOWN = 20


class PeopleStaleMixin:
    """The people reached and stale activities of `RegionFigures`
    (reports.queries.region), for its scope."""

    @cached_property
    def people_reached(self):
        """People reached in the year by sex, from approved reports of the year's quarters."""
        reached = (
            ProgressReport.objects.approved()
            .filter(year=self.year, activity__in_ids=self.activity_ids)
            .people_reached()
        )
        return reached | {
            "activities": Figure(
                reached["activities"], self.scope.activity_list_url(reported=self.year)
            )
        }

    @cached_property
    def stale(self):
        """(Figure, the first STALE_SHOWN stale activities): ongoing activities of the region
        and plan (of any plan with the scope's `all_work`) with no approved report for either
        of the last two quarters, as of today."""
        activities = self._stale_activities()
        return (
            Figure(activities.count(), self.scope.stale_list_url()),
            list(activities[:STALE_SHOWN]),
        )

    @cached_property
    def stale_activities(self):
        """Every stale activity of `stale`, not only the first STALE_SHOWN: for the downloads."""
        return list(self._stale_activities())

    @cached_property
    def needs_attention(self):
        """A Figure: the region's activities for the plan (of any plan with the scope's
        `all_work`) whose status their dates contradict today
        (`Activity.objects.needs_attention`: ongoing past their end date, planned past their
        start date), whatever the year looked at. One query."""
        activities = self.scope.in_figures(
            Activity.objects.needs_attention(timezone.localdate()).filter(region=self.region)
        )
        return Figure(activities.count(), self.scope.attention_list_url())

    def _stale_activities(self):
        return (
            self.scope.in_figures(Activity.objects.stale().filter(region=self.region))
            .select_related("focal_point")
            .order_by("start_date", "title")
        )
