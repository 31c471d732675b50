"""Spreadsheets uploaded for import, kept between their preview and their confirmation."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportBatchQuerySet(models.QuerySet):
    def stale(self, older_than=None):
        """Previews never confirmed, uploaded more than `older_than` ago (a timedelta; default
        `ImportBatch.PREVIEW_KEPT`): their files are of no more use and are deleted."""
        older_than = ImportBatch.PREVIEW_KEPT if older_than is None else older_than
        return self.filter(
            status=ImportBatch.Status.PREVIEWED,
            created_at__lt=timezone.now() - older_than,
        )


class ImportBatch(models.Model):
    """A spreadsheet uploaded for import, kept between its preview and its confirmation.

    The confirmation reads and checks the stored file again before saving anything; once
    imported, the file's bytes are dropped and the row stays as a record of who imported what.
    A preview not confirmed within PREVIEW_KEPT is stale: deleted when its uploader uploads
    again, and by `manage.py purge_import_batches` (run daily).
    """

    PREVIEW_KEPT = datetime.timedelta(days=1)

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        IMPORTED = "imported", "Imported"

    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    imported_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"{self.filename} ({self.get_status_display().lower()})"
