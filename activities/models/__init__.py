"""Work data: the activities that regional offices run (`activity`) and their progress reports
(`report`), the regions each user works in (`region_assignment`), and the spreadsheets uploaded
for import (`import_batch`)."""

from activities.models.activity import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    ActivityQuerySet,
    TargetGroup,
    previous_quarters,
    quarter_of,
)
from activities.models.import_batch import ImportBatch
from activities.models.region_assignment import RegionAssignment
from activities.models.report import ProgressReport, ProgressReportQuerySet

__all__ = [
    "Activity",
    "ActivityCountry",
    "ActivityExpectedResult",
    "ActivityQuerySet",
    "ImportBatch",
    "ProgressReport",
    "ProgressReportQuerySet",
    "RegionAssignment",
    "TargetGroup",
    "previous_quarters",
    "quarter_of",
]
