"""The progress report list: every report a user may see, by quick view (waiting for my review,
returned to me, my drafts, all in my regions), filtered, sorted, 50 a page, and the same
filtered rows as CSV or XLSX. The home page's "and 5 more" links lead here."""

import tempfile

from django.contrib import messages
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from activities import permissions
from activities.filters import REPORT_VIEWS, ProgressReportFilter, list_page
from activities.models import ProgressReport
from activities.spreadsheets.writer import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    write_table_csv,
    write_table_xlsx,
)

REPORTS_PER_PAGE = 50
EXPORT_CHUNK_SIZE = 2000  # rows a streamed export reads from the database at a time


def report_tabs(user):
    """The quick views `user` has, as (view, label): a reviewer's reports to review, a
    writer's returned reports and drafts, and everything they may see (all regions' for a user
    with none). The list's tabs, in this order."""
    region_ids = permissions.region_ids(user)
    tabs = []
    if region_ids and user.has_perm("activities.review_progressreport"):
        tabs.append("waiting")
    if region_ids and user.has_perm("activities.add_progressreport"):
        tabs += ["returned", "drafts"]
    labels = {**REPORT_VIEWS, "all": REPORT_VIEWS["all"] if region_ids else "All regions"}
    return [(view, labels[view]) for view in [*tabs, "all"]]


def _reports(request):
    """The reports the query string asks for, as `ProgressReportFilter` narrows them; other
    people's drafts are out before any filter applies."""
    reports = ProgressReport.objects.visible_to(request.user)
    return ProgressReportFilter(request.GET, reports, request=request)


@require_safe
def report_list(request):
    """The progress reports of a quick view, narrowed by the filters of the query string,
    sorted, 50 a page. An invalid filter value or page number lists nothing and says what is
    wrong. A fixed number of queries, whatever the data."""
    filterset = _reports(request)
    rows = filterset.qs.select_related("activity__region", "author", "reviewer")
    paginator, page, page_error = list_page(rows, request.GET.get("page"), REPORTS_PER_PAGE)
    context = {
        "filterset": filterset,
        "tabs": report_tabs(request.user),
        "current_view": filterset.current_view,
        "paginator": paginator,
        "page": page,
        "page_error": page_error,
        "sort_links": filterset.sort_links(),
    }
    return render(request, "activities/report_list.html", context)


# --- The list as a file: the same filters and order, every page.

EXPORT_COLUMNS = [
    # (header, the value's field, width in characters)
    ("Activity", "activity__title", 40),
    ("Activity reference", "activity__reference", 16),
    ("Activity tracker id", "activity__uid", 38),
    ("Region", "activity__region__code", 8),
    ("Year", "year", 6),
    ("Quarter", "quarter", 8),
    ("State", "state", 10),
    ("Status at the time", "activity_status", 12),
    ("Percent complete", "percent_complete", 10),
    ("Achievements", "achievements", 50),
    ("Challenges", "challenges", 40),
    ("Next steps", "next_steps", 40),
    ("Evidence links", "evidence_links", 40),
    ("Women reached", "people_reached_women", 10),
    ("Men reached", "people_reached_men", 10),
    ("Author", "author__username", 16),
    ("Submitted", "submitted_at", 12),
    ("Reviewer", "reviewer__username", 16),
    ("Reviewed", "reviewed_at", 12),
    ("Review comment", "review_comment", 40),
    ("Last saved", "updated_at", 12),
]
EXPORT_HEADERS = [header for header, _, _ in EXPORT_COLUMNS]
EXPORT_WIDTHS = [width for _, _, width in EXPORT_COLUMNS]


def export_rows(reports):
    """The rows of `reports` (a queryset), in its order, as the writer takes them: text as
    stored (the writer escapes it), choices as their labels, moments as the day they fell on,
    the activity's id as text. One query, streamed."""
    state_labels = dict(ProgressReport.State.choices)
    status_labels = dict(ProgressReport._meta.get_field("activity_status").choices)
    fields = [field for _, field, _ in EXPORT_COLUMNS]
    for values in reports.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK_SIZE):
        row = dict(zip(fields, values, strict=True))
        row["activity__uid"] = str(row["activity__uid"])
        row["quarter"] = f"Q{row['quarter']}"
        row["state"] = state_labels.get(row["state"], row["state"])
        row["activity_status"] = status_labels.get(row["activity_status"], row["activity_status"])
        for moment in ("submitted_at", "reviewed_at", "updated_at"):
            if row[moment] is not None:
                row[moment] = timezone.localdate(row[moment])
        yield [row[field] for field in fields]


@require_safe
def report_export(request, file_format):
    """The reports of the list's current view and filters, all pages, as CSV (streamed) or
    XLSX. Invalid filters make no file: back to the list, which says what is wrong."""
    filterset = _reports(request)
    if not filterset.is_valid():
        messages.error(request, "No file was made: some filters are not valid. Correct them first.")
        return redirect(f"{reverse('activities:report_list')}?{request.GET.urlencode()}")
    rows = export_rows(filterset.qs)
    filename = f"progress-reports-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            write_table_csv(EXPORT_HEADERS, rows), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    stream = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    write_table_xlsx(EXPORT_HEADERS, rows, stream, "Progress reports", EXPORT_WIDTHS)
    stream.seek(0)
    return FileResponse(
        stream, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
