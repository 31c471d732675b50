"""The regions each user works in: Editors and Reviewers write only in theirs."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from initiatives.models import Region


class RegionAssignment(models.Model):
    """A region a user works in: Editors and Reviewers write only in their assigned regions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_assignments"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="assignments")

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="regionassignment_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.region.code}"
