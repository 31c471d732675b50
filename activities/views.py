"""Staff pages: home, the activity list and an activity's page."""

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render

from activities.models import Activity, ProgressReport
from initiatives.models import ActionPlan, Initiative

ACTIVITIES_PER_PAGE = 50


def home(request):
    """The current action plan's initiatives by region, with their number of expected results."""
    plan = ActionPlan.objects.current()
    initiatives = Initiative.objects.filter(action_plan=plan).with_result_counts()
    return render(request, "activities/home.html", {"plan": plan, "initiatives": initiatives})


def activity_list(request):
    activities = Activity.objects.not_archived().for_list()
    page = Paginator(activities, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "activities/activity_list.html", {"page": page})


def activity_detail(request, pk):
    activity = get_object_or_404(
        Activity.objects.for_list()
        .select_related("focal_point", "created_by", "updated_by")
        .prefetch_related(
            "target_groups",
            # Drafts are their author's own until submitted.
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.filter(
                    ~Q(state=ProgressReport.State.DRAFT) | Q(author=request.user)
                ).select_related("author", "reviewer"),
            ),
        ),
        pk=pk,
    )
    return render(request, "activities/activity_detail.html", {"activity": activity})
