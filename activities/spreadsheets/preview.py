"""The import's preview, kept between its pages: what `prepare_import` found, row by row, in a
compact form (each row's number, action, label, changes and errors; no activity, no cell) in
the cache that the workers share, so that each page reads it back rather than reading and
checking the file again. It is its uploader's only, and kept as long as the upload
(`ImportBatch.PREVIEW_KEPT`).
"""

import itertools
import json
import uuid
import zlib

from django.core.cache import cache

from activities.history import Change
from activities.models import ImportBatch
from activities.spreadsheets.importing import BudgetLineRow, ImportPlan, ImportRow

PREVIEW_PER_PAGE = 100  # rows of the file on a page of the preview
PREVIEW_ERRORS_LISTED = 50  # error messages listed at the top of each page; the rest, by row


class StoredPreview:
    """A preview read back: its plan (rows without their activities), the file's name and the
    id of its `ImportBatch` (None for a file with errors or nothing to import)."""

    def __init__(self, plan, filename, batch_id):
        self.plan, self.filename, self.batch_id = plan, filename, batch_id


def _cache_key(user, key):
    """The cache's key of `user`'s preview `key` (a UUID, or its text)."""
    return f"activities:import-preview:{user.pk}:{key}"


def store_preview(user, plan, filename, batch=None):
    """Keep the preview of `plan` (an `ImportPlan`) for `user`'s pages of it; returns its key
    (a UUID's text, as its URL has it)."""
    key = str(uuid.uuid4())
    stored = {
        "filename": filename,
        "batch": batch.pk if batch is not None else None,
        "warnings": plan.warnings,
        "columns": plan.columns,
        "has_budget_sheet": plan.has_budget_sheet,
        "rows": [
            [
                row.number,
                row.action,
                row.label,
                row.activity_id,
                [[change.label, change.old, change.new] for change in row.changes],
                row.errors,
            ]
            for row in plan.rows
        ],
        # Those of the sheet "Budget lines" without errors show nowhere.
        "budget_line_rows": [
            [row.number, row.label, row.errors] for row in plan.budget_line_rows if row.errors
        ],
    }
    data = zlib.compress(json.dumps(stored, separators=(",", ":")).encode())
    timeout = int(ImportBatch.PREVIEW_KEPT.total_seconds())
    cache.set(_cache_key(user, key), data, timeout=timeout)
    return key


def load_preview(user, key):
    """The preview `key` of `user`'s (a `StoredPreview`), or None when there is none: another
    user's, expired, or evicted from the cache."""
    data = cache.get(_cache_key(user, key))
    if data is None:
        return None
    stored = json.loads(zlib.decompress(data))
    rows = [
        ImportRow(
            number,
            None,
            action=action,
            changes=[Change(*change) for change in changes],
            errors=[tuple(error) for error in errors],
            shown_label=label,
            activity_id=activity_id,
        )
        for number, action, label, activity_id, changes, errors in stored["rows"]
    ]
    budget_line_rows = [
        BudgetLineRow(number, None, errors=[tuple(error) for error in errors], shown_label=label)
        for number, label, errors in stored["budget_line_rows"]
    ]
    plan = ImportPlan(
        rows,
        stored["warnings"],
        stored["columns"],
        budget_line_rows,
        has_budget_sheet=stored["has_budget_sheet"],
    )
    return StoredPreview(plan, stored["filename"], stored["batch"])


def first_error_messages(plan, count=PREVIEW_ERRORS_LISTED):
    """The first `count` error messages of `plan`, in the order of the file."""
    messages = (message for row in plan.error_rows for message in row.messages)
    return list(itertools.islice(messages, count))
