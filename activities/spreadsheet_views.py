"""The spreadsheet pages: the activity list's export (CSV, XLSX), the import template, and the
import itself (upload, preview row by row, confirm)."""

import hashlib
import tempfile

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from activities import permissions, spreadsheets
from activities.filters import ActivityFilter
from activities.forms import ImportForm
from activities.models import Activity, ImportBatch
from activities.views import require_form_methods

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
    """The first page of the preview of `plan`, kept for its further pages."""
    key = spreadsheets.store_preview(request.user, plan, filename, batch)
    return _preview_page(request, key, plan, filename, batch, status)


@require_safe
def activity_import_preview(request, key):
    """A page of an upload's preview (`?page=`; `?errors=1`: the rows with errors only), read
    back as the upload kept it, with the counts of the whole file on every page. Only its
    uploader's: another user's preview, or one no longer kept, is 404."""
    permissions.require(permissions.can_import_activities(request.user))
    preview = spreadsheets.load_preview(request.user, key)
    if preview is None:
        raise Http404("No such import preview: upload the file again.")
    batch = None
    if preview.batch_id is not None:
        batch = request.user.import_batches.filter(pk=preview.batch_id).first()
        if batch is None:  # deleted as stale: nothing left to confirm
            raise Http404("No such import preview: upload the file again.")
    return _preview_page(request, key, preview.plan, preview.filename, batch)


def _preview_page(request, key, plan, filename, batch, status=200):
    only_errors = request.GET.get("errors") == "1" and plan.has_errors
    rows = plan.error_rows if only_errors else plan.rows
    page = Paginator(rows, spreadsheets.PREVIEW_PER_PAGE).get_page(request.GET.get("page"))
    listed = spreadsheets.first_error_messages(plan)
    context = {
        "plan": plan,
        "filename": filename,
        "batch": batch,
        "imported": batch is not None and batch.status == ImportBatch.Status.IMPORTED,
        "preview_url": reverse("activities:activity_import_preview", args=[key]),
        "page": page,
        "only_errors": only_errors,
        "error_messages": listed,
        "more_errors": plan.error_count - len(listed),
    }
    return render(request, "activities/import_preview.html", context, status=status)


@require_POST
def activity_import_confirm(request, pk):
    """Import a previewed file, all of its rows: read and check it again, then save every row
    or none."""
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
