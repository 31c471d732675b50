"""The staff workspace: the activity list, an activity's page, form, archive and history.
Progress reports are in `report_views`, their list in `report_list_views`, the spreadsheets in
`spreadsheet_views`. The home page is the `reports` app's (reports/home_views.py): it shows
figures too."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from activities import history, money, permissions, services
from activities.cache import data_version, get_or_compute, list_cache_key, reference_version
from activities.filters import ActivityFilter, list_page
from activities.forms import (
    ActivityForm,
    BudgetLineFormSet,
    PlannedContributionsForm,
    SplitForm,
    indicator_value_in_words,
)
from activities.models import Activity, ProgressReport
from initiatives.models import Country, ExpectedResult, Indicator

# A page with a form answers GET (the form) and POST (its submission); any other method, 405.
require_form_methods = require_http_methods(["GET", "HEAD", "POST"])

ACTIVITIES_PER_PAGE = 50
HISTORY_PER_PAGE = 50
LATEST_CHANGES = 5  # on an activity's page; the rest on its history page


@require_safe
def activity_list(request):
    """Activities narrowed by the filters of the query string, sorted, 50 a page.

    An invalid filter value or page number lists nothing (never everything) and says what is
    wrong, so a mistyped link cannot pass for a figure. The list is the same for everyone who
    asks the same query (but `mine`): it is kept in the cache until data changes, so that the
    count and sort of 100,000 activities and the rendering of a page are done once.
    """
    key = list_cache_key("activity-list", request, timezone.localdate())
    body = get_or_compute(key, lambda: _activity_list_body(request), settings.DATA_CACHE_SECONDS)
    context = {
        "body": body,
        "can_create": permissions.can_create_activity(request.user),
        "can_import": permissions.can_import_activities(request.user),
    }
    return render(request, "activities/activity_list.html", context)


def _activity_list_body(request):
    """The list as activities/includes/activity_list_body.html renders it."""
    filterset = ActivityFilter(request.GET, Activity.objects.for_list(), request=request)
    paginator, page, page_error = list_page(
        filterset.qs, request.GET.get("page"), ACTIVITIES_PER_PAGE
    )
    if page:
        page.object_list = filterset.mark_counted_via(page.object_list)
    context = {
        "filter_form": _filter_form(request, filterset),
        "filterset": filterset,
        "paginator": paginator,
        "page": page,
        "page_error": page_error,
        "sort_links": filterset.sort_links(),
    }
    return render_to_string("activities/includes/activity_list_body.html", context, request)


def _filter_form(request, filterset):
    """The list's filter form as `request` fills it in. It offers every country, expected
    result and user, so it is kept in the cache until reference data changes, not only until
    the next write of activities."""
    key = list_cache_key("activity-filters", request, timezone.localdate(), reference_version())
    return get_or_compute(
        key,
        lambda: render_to_string(
            "activities/includes/filter_form.html", {"filterset": filterset}, request
        ),
        settings.DATA_CACHE_SECONDS,
    )


def _activity_to_change(request, pk):
    """The activity `pk` (404 if there is none), if `request.user` may change it (else 403)."""
    activity = get_object_or_404(Activity.objects.select_related("region"), pk=pk)
    permissions.require(request.user.has_perm("activities.change_activity", activity))
    return activity


@require_safe
def activity_detail(request, pk):
    """Everything about an activity: its fields, expected results, countries, progress reports
    and latest changes, in a fixed number of queries.

    Its fields, links and latest changes are the same for everyone: they are kept in the cache
    until data changes (activities/cache.py). Its progress reports (a draft is its author's)
    and the actions offered are each user's own.
    """
    activity = get_object_or_404(Activity.objects.select_related("region"), pk=pk)
    user = request.user
    may_change = user.has_perm("activities.change_activity", activity)
    reports = activity.reports.select_related("author", "reviewer").order_by("-year", "-quarter")
    shared = get_or_compute(
        f"activity-page:{activity.pk}:{data_version()}",
        lambda: _activity_page_shared(activity.pk),
        settings.DATA_CACHE_SECONDS,
    )
    context = {
        "activity": activity,
        "reports": [r for r in reports if permissions.can_see_report(user, r)],
        "can_edit": may_change and not activity.is_archived,
        "can_restore": may_change and activity.is_archived,
        "can_write_report": (
            user.has_perm("activities.add_progressreport", activity) and not activity.is_archived
        ),
        **shared,
    }
    return render(request, "activities/activity_detail.html", context)


def _activity_page_shared(pk):
    """The parts of an activity's page that are the same for everyone, rendered: its fields,
    expected results, countries, people reached, planned contributions, budget and split
    (`facts`), and its `latest_changes`."""
    activity = Activity.objects.select_related(
        "region", "focal_point", "created_by", "updated_by"
    ).prefetch_related(
        Prefetch("countries", queryset=Country.objects.with_designations()),
        Prefetch(
            "expected_results",
            queryset=ExpectedResult.objects.select_related("initiative__action_plan").order_by(
                "initiative__code", "number"
            ),
        ),
        # The later plans' results that continue them: the activity counts for those too.
        Prefetch(
            "expected_results__continued_by",
            queryset=ExpectedResult.objects.select_related("initiative__action_plan").order_by(
                "initiative__code", "number"
            ),
        ),
        "target_groups",
        "budget_lines",
    )
    activity = activity.get(pk=pk)
    entries = history.history_entries(activity, count=LATEST_CHANGES)
    reached = ProgressReport.objects.approved().filter(activity=activity).people_reached()
    contributions = [
        (row.indicator, indicator_value_in_words(row.indicator, row.value))
        for row in activity.planned_contributions.filter(
            indicator__in=Indicator.objects.reported().filter(
                expected_result__in=activity.expected_results.all()
            )
        )
        .select_related("indicator__expected_result__initiative")
        .order_by(
            "indicator__expected_result__initiative__code",
            "indicator__expected_result__number",
            "indicator__code",
        )
    ]
    shares = money.shares_of(activity)
    split = [(result, shares.get(result.pk)) for result in activity.expected_results.all()]
    facts = {
        "activity": activity,
        "reached": reached,
        "contributions": contributions,
        "budget": money.budget_in_dollars(activity.budget_lines.all()),
        "split": split,
    }
    return {
        "facts": render_to_string("activities/includes/activity_facts.html", facts),
        "latest_changes": render_to_string(
            "activities/includes/history_entries.html", {"entries": entries}
        ),
    }


@require_form_methods
def activity_create(request):
    """A new activity in one of the user's regions."""
    permissions.require(permissions.can_create_activity(request.user))
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, user=request.user)
    if form.is_bound and form.is_valid():
        try:
            activity = services.save_activity(request.user, form.instance, **form.links())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The activity “{activity}” is saved.")
            return redirect(activity)
    return render(request, "activities/activity_form.html", {"form": form})


@require_form_methods
def activity_edit(request, pk):
    """Edit an activity. A save made by someone else since the form was read is never
    overwritten: the form comes back with their changes merged with the user's
    (`services.merge_activity`), a choice for each field both changed, and the new version."""
    activity = _activity_to_change(request, pk)
    if activity.is_archived:
        messages.error(request, "This activity is archived: restore it before editing it.")
        return redirect(activity)
    saved_title = activity.title  # the form's validation writes the input onto the instance
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, instance=activity, user=request.user)
    conflict = None
    if form.is_bound and form.is_valid() and not form.has_changed():
        messages.info(request, "Nothing to save: you changed no field.")
        return redirect(activity)
    if form.is_bound and form.is_valid():
        try:
            services.save_activity(
                request.user,
                form.instance,
                **form.links(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.ActivityArchived as error:
            messages.error(request, str(error))
            return redirect(activity)
        except services.EditConflict as error:
            # The form comes back with their changes and yours merged, and a choice for each
            # field you both changed; saving it again saves the merge.
            conflict = error
            merge = services.merge_activity(
                error.activity, form.cleaned_data["version"], form.cleaned_data
            )
            form = ActivityForm(instance=error.activity, user=request.user, merge=merge)
        else:
            messages.success(request, f"Your changes to “{activity}” are saved.")
            return redirect(activity)
    context = {"form": form, "activity": activity, "saved_title": saved_title, "conflict": conflict}
    return render(request, "activities/activity_form.html", context)


@require_form_methods
def activity_contributions(request, pk):
    """What an activity plans to contribute, over its life, to the reported indicators of the
    expected results it advances. Saved through the activity's write path: a save made by
    someone else since the form was read is never overwritten: the form comes back with the
    user's input and, beside each field, the value saved now."""
    activity = _activity_to_change(request, pk)
    if activity.is_archived:
        messages.error(request, "This activity is archived: restore it before editing it.")
        return redirect(activity)
    indicators = services.offered_indicators(activity.expected_results.all())
    data = request.POST if request.method == "POST" else None
    form = PlannedContributionsForm(activity, indicators, data)
    conflict, saved_now = None, {}
    if form.is_bound and form.is_valid() and not form.has_changed():
        messages.info(request, "Nothing to save: you changed no planned contribution.")
        return redirect(activity)
    if form.is_bound and form.is_valid():
        try:
            services.save_activity(
                request.user,
                activity,
                contributions=form.contributions(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.ActivityArchived as error:
            messages.error(request, str(error))
            return redirect(activity)
        except services.EditConflict as error:
            conflict, form = error, form.refreshed(error.activity)
            saved_now = services.planned_contributions(error.activity)
        else:
            messages.success(request, f"The planned contributions of “{activity}” are saved.")
            return redirect(activity)
    fields = [
        (
            form[str(indicator.pk)],
            indicator_value_in_words(indicator, saved_now.get(indicator.pk)) if conflict else "",
        )
        for indicator in indicators
    ]
    context = {"activity": activity, "form": form, "fields": fields, "conflict": conflict}
    return render(request, "activities/activity_contributions.html", context)


@require_form_methods
def activity_money(request, pk):
    """An activity's budget lines (per year, funding source and currency) and how its money
    splits across the expected results it advances, saved together through the activity's
    write path. A save made by someone else since the form was read is never overwritten: the
    form comes back with the user's input and what is saved now."""
    activity = _activity_to_change(request, pk)
    if activity.is_archived:
        messages.error(request, "This activity is archived: restore it before editing it.")
        return redirect(activity)
    data = request.POST if request.method == "POST" else None
    lines, split = BudgetLineFormSet(activity, data), SplitForm(activity, data)
    conflict = None
    valid = lines.is_bound and all([lines.is_valid(), split.is_valid()])
    if valid and not lines.differs_from_saved() and not split.differs_from_saved():
        messages.info(request, "Nothing to save: you changed no budget line and no share.")
        return redirect(activity)
    if valid:
        try:
            services.save_activity(
                request.user,
                activity,
                budget_lines=lines.rows() if lines.differs_from_saved() else None,
                shares=split.shares() if split.differs_from_saved() else None,
                version=split.cleaned_data["version"],
            )
        except ValidationError as error:
            split.add_error(None, error.messages)
        except services.ActivityArchived as error:
            messages.error(request, str(error))
            return redirect(activity)
        except services.EditConflict as error:
            # Your input as you sent it, with the version saved now: saving again saves it.
            conflict, data = error, request.POST.copy()
            data["version"] = error.activity.version
            lines, split = BudgetLineFormSet(error.activity, data), SplitForm(error.activity, data)
        else:
            messages.success(request, f"The budget and split of “{activity}” are saved.")
            return redirect(activity)
    context = {"activity": activity, "lines": lines, "split": split, "conflict": conflict}
    return render(request, "activities/activity_money.html", context)


@require_POST
def activity_archive(request, pk):
    """Archive an activity: it leaves the lists and is read-only until restored."""
    activity = _activity_to_change(request, pk)
    try:
        services.archive_activity(activity, request.user)
    except services.ActivityArchived as error:
        messages.info(request, str(error))
    else:
        messages.success(
            request, f"“{activity}” is archived. Restore it from this page if it was a mistake."
        )
    return redirect(activity)


@require_POST
def activity_restore(request, pk):
    """Restore an archived activity to the lists and to editing."""
    activity = _activity_to_change(request, pk)
    try:
        services.restore_activity(activity, request.user)
    except services.ActivityNotArchived as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"“{activity}” is restored.")
    return redirect(activity)


@require_safe
def activity_history(request, pk):
    """Every saved version of an activity, newest first: who, when, what changed."""
    activity = get_object_or_404(Activity.objects.select_related("region"), pk=pk)
    page = Paginator(activity.history.all(), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    entries = history.history_entries(
        activity, start=(page.number - 1) * HISTORY_PER_PAGE, count=HISTORY_PER_PAGE
    )
    context = {"activity": activity, "page": page, "entries": entries}
    return render(request, "activities/activity_history.html", context)
