"""The pages of progress reports: write one (a draft), edit it, submit it, and its review
(approve, return), each move through the one write path (activities.services)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.views.decorators.http import require_POST, require_safe

from activities import history, money, permissions, services
from activities.forms import (
    ExpenditureFormSet,
    IndicatorValuesForm,
    ProgressReportForm,
    ReviewForm,
    indicator_value_in_words,
    merged_expenditures,
)
from activities.models import Activity, IndicatorBreakdown, ProgressReport
from activities.views import require_form_methods
from initiatives.money import expenditure_month

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
        "history": history.report_history(report),
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
        "indicator_values": _indicator_values(report, activity),
        "expenditures": _expenditures(report),
    }
    return render(request, "activities/report_detail.html", context, status=status)


def _expenditures(report):
    """What the report says was spent, as the page shows it: (the row, its amount in US
    dollars (a Converted), the rate used (an ExchangeRate, None for US dollars or when there
    is none), the rate in words), at the rate of the quarter's first month. Two queries: the
    rows, their rates."""
    month = expenditure_month(report.year, report.quarter)
    return [
        (row.line, row.converted, row.rate, row.rate_in_words)
        for row in money.in_dollars(report.expenditures.all(), lambda _row: month)
    ]


def _indicator_values(report, activity):
    """The report's indicator values as the page shows them, a small table each: (the
    indicator, its value in words, [(the dimension's legend, [(category, amount)])]). Three
    queries: the values, their breakdowns, the activity's countries (for their names)."""
    values = list(
        report.indicator_values.select_related(
            "indicator__expected_result__initiative"
        ).prefetch_related("breakdown")
    )
    if not values:
        return []
    labels = {dimension: dict(parts) for dimension, parts in IndicatorBreakdown.CATEGORIES.items()}
    labels["country"] = dict(activity.countries.values_list("iso3", "name"))
    legends = IndicatorValuesForm.DIMENSION_LEGENDS
    tables = []
    for row in values:
        dimensions = {dimension: [] for dimension in legends}  # in the form's order
        for part in row.breakdown.all():
            dimensions.setdefault(part.dimension, []).append(
                (
                    labels.get(part.dimension, {}).get(part.category, part.category),
                    formats.number_format(services.plain_number(part.amount), force_grouping=True),
                )
            )
        tables.append(
            (
                row.indicator,
                indicator_value_in_words(row.indicator, row.value),
                [
                    (legends.get(dimension, dimension), parts)
                    for dimension, parts in dimensions.items()
                    if parts
                ],
            )
        )
    return tables


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
    # A link may open the form on a period (?year=2026&quarter=2: a reminder's); the form's
    # choices and checks decide whether it is one.
    period = {name: request.GET[name] for name in ("year", "quarter") if name in request.GET}
    form = ProgressReportForm(data, activity=activity, user=request.user, initial=period)
    values_form = IndicatorValuesForm(activity, data)
    spent = ExpenditureFormSet(data)
    if form.is_bound and all([form.is_valid(), values_form.is_valid(), spent.is_valid()]):
        try:
            report = services.save_report(
                request.user,
                form.instance,
                indicator_values=values_form.entries(),
                expenditures=spent.sent_rows(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            # "Save and submit" says "submitted" (in _after_save), not also "saved as a draft".
            if request.POST.get("action") != "submit":
                messages.success(request, f"Your report for {report.period} is saved as a draft.")
            return _after_save(request, report)
    context = {"form": form, "values_form": values_form, "spent": spent, "activity": activity}
    return render(request, "activities/report_form.html", context)


@require_form_methods
def report_edit(request, pk, report_pk):
    """Edit a draft or a returned report (any report, for administrators). A save made by
    someone else since the form was read is never overwritten: the form comes back with their
    changes merged with the user's (`services.merge_report`), a choice for each field both
    changed, and the new version; the indicator values merge the same way, each indicator's
    value with its breakdown as one (`services.merge_indicator_values`)."""
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
    values_form = IndicatorValuesForm(activity, data, report=report)
    spent = ExpenditureFormSet(data, report=report)
    conflict, spent_conflict = None, False
    valid = form.is_bound and all([form.is_valid(), values_form.is_valid(), spent.is_valid()])
    spent_changed = valid and spent.is_bound and spent.differs_from_saved()
    if valid and not form.has_changed() and not values_form.has_changed() and not spent_changed:
        messages.info(request, "Nothing to save: you changed no field.")
        return redirect(activity)
    if valid:
        try:
            report = services.save_report(
                request.user,
                form.instance,
                version=form.cleaned_data["version"],
                indicator_values=values_form.entries(),
                expenditures=spent.sent_rows(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.ReportEditConflict as error:
            # Their changes and yours merged, a choice for each field you both changed.
            conflict = error
            merge = services.merge_report(
                error.report, form.cleaned_data["version"], form.cleaned_data
            )
            form = ProgressReportForm(
                instance=error.report, activity=activity, user=request.user, merge=merge
            )
            values_merge = services.merge_indicator_values(
                error.report, values_form.read_entries(), values_form.entries()
            )
            values_form = IndicatorValuesForm(activity, report=error.report, merge=values_merge)
            if spent.is_bound:  # what was spent merges as a whole: theirs, yours, or yours
                rows, spent_conflict = merged_expenditures(
                    error.report.expenditures.all(), spent.read_rows(), spent.rows()
                )
                spent = ExpenditureFormSet(report=error.report, rows=rows)
        except services.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your changes to the report for {report.period} are saved.")
            return _after_save(request, report)
    context = {
        "form": form,
        "values_form": values_form,
        "activity": activity,
        "report": report,
        "saved_period": saved_period,
        "conflict": conflict,
        "spent": spent,
        "spent_conflict": spent_conflict,
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


def _name(user):
    return user.get_full_name() or user.username


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
        report, notified = services.approve_report(
            report,
            request.user,
            form.cleaned_data["comment"],
            request.build_absolute_uri(report.get_absolute_url()),
        )
    except services.WorkflowError as error:
        return _refused(request, activity, report, error, review_form=form)
    told = f"; {_name(report.author)} is told by e-mail" if notified else ""
    messages.success(request, f"The report for {report.period} is approved{told}.")
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
    told = " and told by e-mail" if notified else ""
    messages.success(
        request, f"The report for {report.period} is returned to {_name(report.author)}{told}."
    )
    return redirect(report)
