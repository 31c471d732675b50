"""The pages of work data: home (my work), the activity list and its downloads, an activity's
page, form, archive and history, its progress reports and their review (submit, approve,
return), and the spreadsheet import (template, upload, preview, confirm)."""

import hashlib
import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from activities import permissions, services, spreadsheets
from activities.cache import data_version, list_cache_key
from activities.filters import ActivityFilter
from activities.forms import ActivityForm, ImportForm, ProgressReportForm, ReviewForm
from activities.models import Activity, ImportBatch, ProgressReport
from initiatives.models import ActionPlan, Country, ExpectedResult, Initiative

# A page with a form answers GET (the form) and POST (its submission); any other method, 405.
require_form_methods = require_http_methods(["GET", "HEAD", "POST"])

ACTIVITIES_PER_PAGE = 50
HISTORY_PER_PAGE = 50
LATEST_CHANGES = 5  # on an activity's page; the rest on its history page


HOME_LIST_LENGTH = 5  # rows per "My work" list; the count says how many there are in all
HOME_RECENT_CHANGES = 10


class ShortList:
    """The first rows of a queryset and how many there are in all: a "My work" list."""

    def __init__(self, queryset, length=HOME_LIST_LENGTH):
        self.items = list(queryset[:length])
        self.count = queryset.count()
        self.more = self.count - len(self.items)


@require_safe
def home(request):
    """My work: my drafts, reports returned to me, reports waiting for my review, my stale
    activities and the recent changes in my regions; then the current action plan's initiatives
    by region. A fixed number of queries, whatever the data."""
    user = request.user
    region_ids = permissions.region_ids(user)
    writes = bool(region_ids) and user.has_perm("activities.add_progressreport")
    reports = ProgressReport.objects.select_related("activity")
    context = {"writes": writes, "regions": permissions.regions(user) if region_ids else []}
    if writes:
        context["drafts"] = ShortList(reports.drafts_of(user).order_by("-updated_at"))
        context["returned"] = ShortList(
            reports.returned_to(user).select_related("reviewer").order_by("-reviewed_at")
        )
        context["stale"] = ShortList(
            Activity.objects.mine(user)
            .stale(today=timezone.localdate())
            .select_related("region")
            .order_by("title")
        )
    if region_ids and user.has_perm("activities.review_progressreport"):
        context["waiting"] = ShortList(
            reports.waiting_for_review_by(user)
            .select_related("author")
            .order_by("submitted_at", "pk")
        )
    # Viewers work in no region and read all of them: their recent changes are everyone's.
    context["changes"] = services.recent_changes(
        user, region_ids=region_ids or None, count=HOME_RECENT_CHANGES
    )
    plan = ActionPlan.objects.current()
    context["plan"] = plan
    context["initiatives"] = Initiative.objects.filter(action_plan=plan).with_result_counts()
    return render(request, "activities/home.html", context)


@require_safe
def activity_list(request):
    """Activities narrowed by the filters of the query string, sorted, 50 a page.

    An invalid filter value or page number lists nothing (never everything) and says what is
    wrong, so a mistyped link cannot pass for a figure. The list is the same for everyone who
    asks the same query (but `mine`): it is kept in the cache until data changes, so that the
    count and sort of 100,000 activities and the rendering of a page are done once.
    """
    key = list_cache_key("activity-list", request, timezone.localdate())
    body = cache.get_or_set(key, lambda: _activity_list_body(request), settings.DATA_CACHE_SECONDS)
    context = {
        "body": body,
        "can_create": permissions.can_create_activity(request.user),
        "can_import": permissions.can_import_activities(request.user),
    }
    return render(request, "activities/activity_list.html", context)


def _activity_list_body(request):
    """The list as activities/includes/activity_list_body.html renders it."""
    filterset = ActivityFilter(request.GET, Activity.objects.for_list(), request=request)
    paginator = Paginator(filterset.qs, ACTIVITIES_PER_PAGE)
    try:
        page, page_error = paginator.page(request.GET.get("page") or 1), ""
    except InvalidPage:
        page = None
        page_error = (
            f"This page does not exist: the list has {paginator.num_pages} "
            f"page{'s' if paginator.num_pages != 1 else ''}."
        )
    context = {
        "filterset": filterset,
        "paginator": paginator,
        "page": page,
        "page_error": page_error,
        "sort_links": filterset.sort_links(),
    }
    return render_to_string("activities/includes/activity_list_body.html", context, request)


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
    shared = cache.get_or_set(
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
    expected results and countries (`facts`), and its `latest_changes`."""
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
        "target_groups",
    )
    activity = activity.get(pk=pk)
    history = services.history_entries(activity, count=LATEST_CHANGES)
    return {
        "facts": render_to_string(
            "activities/includes/activity_facts.html", {"activity": activity}
        ),
        "latest_changes": render_to_string(
            "activities/includes/history_entries.html", {"entries": history}
        ),
    }


@require_form_methods
def activity_create(request):
    """A new activity in one of the user's regions."""
    permissions.require(permissions.can_create_activity(request.user))
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, user=request.user)
    if form.is_bound and form.is_valid():
        activity = services.save_activity(form, request.user)
        messages.success(request, f"The activity “{activity}” is saved.")
        return redirect(activity)
    return render(request, "activities/activity_form.html", {"form": form})


@require_form_methods
def activity_edit(request, pk):
    """Edit an activity. A save made by someone else since the form was read is never
    overwritten: the form comes back with the user's input, says what changed, and carries the
    new version so that saving again overwrites knowingly."""
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
            services.save_activity(form, request.user)
        except services.ActivityArchived as error:
            messages.error(request, str(error))
            return redirect(activity)
        except services.EditConflict as error:
            conflict = error
            data = request.POST.copy()
            data["version"] = error.activity.version
            form = ActivityForm(data, instance=error.activity, user=request.user)
        else:
            messages.success(request, f"Your changes to “{activity}” are saved.")
            return redirect(activity)
    context = {"form": form, "activity": activity, "saved_title": saved_title, "conflict": conflict}
    return render(request, "activities/activity_form.html", context)


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
    entries = services.history_entries(
        activity, start=(page.number - 1) * HISTORY_PER_PAGE, count=HISTORY_PER_PAGE
    )
    context = {"activity": activity, "page": page, "entries": entries}
    return render(request, "activities/activity_history.html", context)


# --- Progress reports: write, submit, review ------------------------------------------------


def _report_of(request, pk, report_pk):
    """The activity `pk` and its report `report_pk`, fetched through the activity; 404 if
    either does not exist or the report is someone else's draft (drafts are their author's)."""
    activity = get_object_or_404(Activity.objects.select_related("region"), pk=pk)
    report = get_object_or_404(activity.reports.select_related("author", "reviewer"), pk=report_pk)
    if not permissions.can_see_report(request.user, report):
        raise Http404("No such report.")
    return activity, report


def _report_page(request, activity, report, review_form=None, status=200):
    """The report, its state, its history and the actions this user may take on it."""
    user = request.user
    moves = services.allowed_moves(user, report)
    State = ProgressReport.State
    context = {
        "activity": activity,
        "report": report,
        "history": services.report_history(report),
        # Links are checked on input; one entered otherwise (the admin) is shown, not linked.
        "evidence_links": [
            (link, link.lower().startswith(("http://", "https://")))
            for link in report.evidence_links.split()
        ],
        "can_edit": user.has_perm("activities.change_progressreport", report)
        and not activity.is_archived,
        "can_submit": State.SUBMITTED in moves,
        "can_review": State.APPROVED in moves,
        "review_form": review_form or ReviewForm(),
    }
    return render(request, "activities/report_detail.html", context, status=status)


@require_safe
def report_detail(request, pk, report_pk):
    """A progress report with its state and history, and the buttons its reader may use."""
    activity, report = _report_of(request, pk, report_pk)
    return _report_page(request, activity, report)


@require_form_methods
def report_create(request, pk):
    """A new progress report of an activity, saved as a draft of its author (or saved and
    submitted at once with the second button)."""
    activity = get_object_or_404(Activity.objects.select_related("region"), pk=pk)
    permissions.require(request.user.has_perm("activities.add_progressreport", activity))
    if activity.is_archived:
        messages.error(request, "This activity is archived: restore it before reporting on it.")
        return redirect(activity)
    data = request.POST if request.method == "POST" else None
    form = ProgressReportForm(data, activity=activity, user=request.user)
    if form.is_bound and form.is_valid():
        try:
            report = services.save_report(form, request.user)
        except services.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            # "Save and submit" says "submitted" (in _after_save), not also "saved as a draft".
            if request.POST.get("action") != "submit":
                messages.success(request, f"Your report for {report.period} is saved as a draft.")
            return _after_save(request, report)
    return render(request, "activities/report_form.html", {"form": form, "activity": activity})


@require_form_methods
def report_edit(request, pk, report_pk):
    """Edit a draft or a returned report (any report, for administrators). A save made by
    someone else since the form was read is never overwritten: the form comes back with the
    user's input, says what changed, and carries the new version so that saving again
    overwrites knowingly."""
    activity, report = _report_of(request, pk, report_pk)
    permissions.require(request.user.has_perm("activities.add_progressreport", activity))
    if activity.is_archived or not request.user.has_perm(
        "activities.change_progressreport", report
    ):
        messages.error(
            request,
            f"This report is {report.get_state_display().lower()}: it can no longer be edited."
            if not activity.is_archived
            else "This activity is archived: its reports are read-only.",
        )
        return redirect(report)
    saved_period = report.period  # the form's validation writes the input onto the instance
    data = request.POST if request.method == "POST" else None
    form = ProgressReportForm(data, instance=report, activity=activity, user=request.user)
    conflict = None
    if form.is_bound and form.is_valid() and not form.has_changed():
        messages.info(request, "Nothing to save: you changed no field.")
        return redirect(activity)
    if form.is_bound and form.is_valid():
        try:
            report = services.save_report(form, request.user)
        except services.ReportEditConflict as error:
            conflict = error
            data = request.POST.copy()
            data["version"] = error.report.version
            form = ProgressReportForm(
                data, instance=error.report, activity=activity, user=request.user
            )
        except services.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your changes to the report for {report.period} are saved.")
            return _after_save(request, report)
    context = {
        "form": form,
        "activity": activity,
        "report": report,
        "saved_period": saved_period,
        "conflict": conflict,
    }
    return render(request, "activities/report_form.html", context)


def _after_save(request, report):
    """After a save: submit too when the user pressed "Save and submit"."""
    if request.POST.get("action") == "submit":
        try:
            _submit(request, report)
        except services.WorkflowError as error:
            messages.error(request, str(error))
    return redirect(report)


def _submit(request, report):
    report, reviewers = services.submit_report(
        report, request.user, request.build_absolute_uri(report.get_absolute_url())
    )
    if reviewers:
        names = ", ".join(reviewer.get_full_name() or reviewer.username for reviewer in reviewers)
        messages.success(
            request, f"The report for {report.period} is submitted; {names} will review it."
        )
    else:
        messages.warning(
            request,
            f"The report for {report.period} is submitted, but no reviewer of "
            f"{report.activity.region.name} could be told by e-mail: ask an administrator to "
            "assign one.",
        )
    return report


def _refused(request, activity, report, error, review_form=None):
    """A workflow move that the report's state does not allow: the report as it is now, with
    why, and nothing changed."""
    if isinstance(error, services.NotAllowed):
        raise PermissionDenied(str(error))
    messages.error(request, str(error))
    report.refresh_from_db()
    return _report_page(request, activity, report, review_form=review_form, status=400)


@require_POST
def report_submit(request, pk, report_pk):
    """Submit a draft, or a returned report, for review."""
    activity, report = _report_of(request, pk, report_pk)
    permissions.require(request.user.has_perm("activities.add_progressreport", activity))
    try:
        _submit(request, report)
    except services.WorkflowError as error:
        return _refused(request, activity, report, error)
    return redirect(report)


@require_POST
def report_approve(request, pk, report_pk):
    """Approve a submitted report, with an optional comment."""
    activity, report = _report_of(request, pk, report_pk)
    permissions.require(request.user.has_perm("activities.review_progressreport", activity))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The report is not approved: correct the comment first.")
        return _report_page(request, activity, report, review_form=form, status=400)
    try:
        services.approve_report(report, request.user, form.cleaned_data["comment"])
    except services.WorkflowError as error:
        return _refused(request, activity, report, error, review_form=form)
    messages.success(request, f"The report for {report.period} is approved.")
    return redirect(report)


@require_POST
def report_return(request, pk, report_pk):
    """Return a submitted report to its author with a comment saying what to change."""
    activity, report = _report_of(request, pk, report_pk)
    permissions.require(request.user.has_perm("activities.review_progressreport", activity))
    form = ReviewForm(request.POST, comment_required=True)
    if not form.is_valid():
        messages.error(request, "The report is not returned: say what to change first.")
        return _report_page(request, activity, report, review_form=form, status=400)
    try:
        report, notified = services.return_report(
            report,
            request.user,
            form.cleaned_data["comment"],
            request.build_absolute_uri(report.get_absolute_url()),
        )
    except services.WorkflowError as error:
        return _refused(request, activity, report, error, review_form=form)
    author = report.author.get_full_name() or report.author.username
    told = " and told by e-mail" if notified else ""
    messages.success(request, f"The report for {report.period} is returned to {author}{told}.")
    return redirect(report)


# --- Spreadsheets: the list's export and the import template.


@require_safe
def activity_export(request, file_format):
    """The activities of the list's current filters, all pages, as CSV (streamed) or XLSX.

    Everyone signed in reads every activity, so anyone may export. Invalid filters make no
    file: back to the list, which says what is wrong.
    """
    filterset = ActivityFilter(request.GET, Activity.objects.all(), request=request)
    if not filterset.is_valid():
        messages.error(request, "No file was made: some filters are not valid. Correct them first.")
        return redirect(f"{reverse('activities:activity_list')}?{request.GET.urlencode()}")
    filename = f"activities-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            spreadsheets.write_csv(filterset.qs), content_type=spreadsheets.CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # The workbook is a zip, written whole before it is sent; a temporary file on disk, not
    # memory, holds it (openpyxl's write-only mode spools the rows the same way).
    stream = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    spreadsheets.write_xlsx(filterset.qs, stream)
    stream.seek(0)
    return FileResponse(
        stream,
        as_attachment=True,
        filename=filename,
        content_type=spreadsheets.XLSX_CONTENT_TYPE,
    )


@require_safe
def import_template(request):
    """The XLSX template to fill in for an import: the columns, drop-downs of the allowed
    values and a sheet that explains each column."""
    stream = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    spreadsheets.build_template().save(stream)
    stream.seek(0)
    return FileResponse(
        stream,
        as_attachment=True,
        filename="activities-import-template.xlsx",
        content_type=spreadsheets.XLSX_CONTENT_TYPE,
    )


# --- Spreadsheets: the import, previewed row by row, then confirmed.


@require_form_methods
def activity_import(request):
    """Upload a spreadsheet of activities and see, row by row, what importing it would create,
    update or leave alone, and every error, before anything is saved. One import at a time
    per user (see spreadsheets.one_import_at_a_time)."""
    permissions.require(permissions.can_import_activities(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            with spreadsheets.one_import_at_a_time(request.user):
                plan = spreadsheets.prepare_import(data, request.user)
        except spreadsheets.SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            batch = None
            if plan.has_changes and not plan.has_errors:
                request.user.import_batches.stale().delete()
                batch = ImportBatch.objects.create(
                    filename=upload.name[:255],
                    content=data,
                    sha256=hashlib.sha256(data).hexdigest(),
                    uploaded_by=request.user,
                )
            return _import_preview(request, plan, upload.name, batch)
    return render(request, "activities/import_upload.html", {"form": form})


def _import_preview(request, plan, filename, batch=None, status=200):
    context = {"plan": plan, "filename": filename, "batch": batch}
    return render(request, "activities/import_preview.html", context, status=status)


@require_POST
def activity_import_confirm(request, pk):
    """Import a previewed file: read and check it again, then save every row or none."""
    permissions.require(permissions.can_import_activities(request.user))
    batch = get_object_or_404(request.user.import_batches, pk=pk)  # another's batch: 404
    if batch.status == ImportBatch.Status.IMPORTED:
        messages.info(request, f"{batch.filename} is already imported.")
        return redirect("activities:activity_list")
    data = bytes(batch.content)
    try:
        with spreadsheets.one_import_at_a_time(request.user):
            plan = spreadsheets.import_rows(data, request.user, batch.filename)
    except spreadsheets.SpreadsheetError as error:
        messages.error(request, f"Nothing was imported: {error}")
        return redirect("activities:activity_import")
    except spreadsheets.ImportFailed as failure:
        messages.error(
            request,
            "Nothing was imported: the file no longer fits the data in the tracker (someone may "
            "have changed it since your preview). Fix the rows below and upload the file again.",
        )
        return _import_preview(request, failure.plan, batch.filename, status=400)
    batch.status = ImportBatch.Status.IMPORTED
    batch.imported_at = timezone.now()
    batch.content = b""  # saved in the activities now; the row stays as the record
    batch.save(update_fields=["status", "imported_at", "content"])
    messages.success(
        request,
        f"Imported from {batch.filename}: {plan.to_create} created, {plan.to_update} updated, "
        f"{plan.unchanged} unchanged.",
    )
    return redirect("activities:activity_list")
