"""The home page: "My work" (reports to review, reports returned to me, my drafts, my stale
activities and those that need attention), each list's first rows with a link to the list of
them all; the headline figures of my regions (every region for a Viewer), each region linking
to its dashboard; the recent changes; the current action plan's initiatives.

It is the `reports` app's because it shows both work data (`activities`) and figures
(`reports.queries`), and dependencies go one way: `reports → activities → initiatives`.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from activities import history, permissions
from activities.filters import ordering, report_view_ordering, reports_in_view
from activities.models import Activity, ProgressReport
from initiatives.models import ActionPlan, Initiative
from reports.cache import figures_cache
from reports.forms import default_year
from reports.queries.region import RegionFigures, all_region_figures
from reports.queries.scope import Figure

HOME_LIST_LENGTH = 5  # rows per "My work" list; the count says how many there are in all
HOME_RECENT_CHANGES = 10


def _url(name, **query):
    return f"{reverse(name)}?{urlencode(query)}"


class ShortList:
    """The first rows of a queryset, how many there are in all, and `url`, the list of them
    all (where the home page's "and 5 more" leads): a "My work" list."""

    def __init__(self, queryset, url, length=HOME_LIST_LENGTH):
        self.items = list(queryset[:length])
        self.count = queryset.count()
        self.more = self.count - len(self.items)
        self.url = url


def _reports_to_do(reports, view, user):
    """The ShortList of the progress report list's quick view `view`, in the list's order."""
    in_view = reports_in_view(reports, view, user).order_by(*report_view_ordering(view))
    return ShortList(in_view, _url("activities:report_list", view=view))


@dataclass(frozen=True)
class RegionHeadline:
    """A region's figures on the home page: those of the all-regions page (`figures`), the
    countries not reached of each group every region counts (CountryGroup, Figure, Figure of
    the group's countries) and the approved progress reports of the year."""

    figures: RegionFigures
    not_reached: list
    approved_reports: Figure


def region_headlines(plan, year, region_ids):
    """A RegionHeadline for each region with initiatives in `plan` (those of `region_ids`
    only, when given), counted as the all-regions page counts them, in a fixed number of
    queries."""
    approved = dict(
        ProgressReport.objects.approved()
        .filter(year=year)
        .order_by()
        .values_list("activity__region")
        .annotate(Count("pk"))
    )
    headlines = []
    for figures in all_region_figures(plan, year):
        if region_ids and figures.region.pk not in region_ids:
            continue
        not_reached = [
            (
                reach.group,
                Figure(
                    len(reach.unreached),
                    figures.scope.country_list_url(group=reach.group.code, reached="no"),
                ),
                reach.total,
            )
            for reach in figures.shared_reach[1:]
        ]
        approved_reports = Figure(
            approved.get(figures.region.pk, 0),
            _url(
                "activities:report_list",
                region=figures.region.code,
                year=year,
                state=ProgressReport.State.APPROVED,
            ),
        )
        headlines.append(RegionHeadline(figures, not_reached, approved_reports))
    return headlines


@require_safe
def home(request):
    """My work, my regions' figures (every region's for a Viewer), the recent changes in my
    regions and the current action plan's initiatives by region. A fixed number of queries,
    whatever the data; the figures are kept in the cache until data changes."""
    user = request.user
    region_ids = permissions.region_ids(user)
    writes = bool(region_ids) and user.has_perm("activities.add_progressreport")
    reports = ProgressReport.objects.select_related("activity")
    context = {"writes": writes, "regions": permissions.regions(user) if region_ids else []}
    if writes:
        context["drafts"] = _reports_to_do(reports, "drafts", user)
        context["returned"] = _reports_to_do(reports.select_related("reviewer"), "returned", user)
        context["stale"] = ShortList(
            Activity.objects.mine(user)
            .stale(today=timezone.localdate())
            .select_related("region")
            .order_by(*ordering("title")),
            _url("activities:activity_list", mine=1, stale=1, sort="title"),
        )
        context["attention"] = ShortList(
            Activity.objects.mine(user)
            .needs_attention(timezone.localdate())
            .select_related("region")
            .order_by(*ordering("title")),
            _url("activities:activity_list", mine=1, attention=1, sort="title"),
        )
    if region_ids and user.has_perm("activities.review_progressreport"):
        context["waiting"] = _reports_to_do(reports.select_related("author"), "waiting", user)
    # Viewers work in no region and read all of them: their recent changes are everyone's.
    context["changes"] = history.recent_changes(
        user, region_ids=region_ids or None, count=HOME_RECENT_CHANGES
    )
    plan = ActionPlan.objects.current()
    context["plan"] = plan
    context["initiatives"] = Initiative.objects.filter(action_plan=plan).with_result_counts()
    if plan:
        year = default_year(plan)
        scope = "-".join(str(pk) for pk in sorted(region_ids)) or "all"
        context["year"] = year
        # Counted only if the figures are not in the cache.
        context["headlines"] = SimpleLazyObject(lambda: region_headlines(plan, year, region_ids))
        context["headlines_cache"] = figures_cache("home", scope, plan.code, year)
    return render(request, "activities/home.html", context)
