"""Work data: the activities that regional offices run (`activity`) and their progress reports
(`report`), the regions each user works in (`region_assignment`), the spreadsheets uploaded
for import (`import_batch`), the indicator values reports give and activities plan
(`indicator_value`), the e-mail reminders sent and wanted (`reminder`), personal tokens for
the REST API (`api_token`), and the money: budget lines and expenditure (`money`)."""

from activities.models.activity import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    ActivityQuerySet,
    TargetGroup,
    previous_quarters,
    quarter_of,
)
from activities.models.api_token import ApiToken
from activities.models.import_batch import ImportBatch
from activities.models.indicator_value import (
    IndicatorBreakdown,
    IndicatorValue,
    PlannedContribution,
)
from activities.models.money import BudgetLine, Expenditure, FundingSource
from activities.models.region_assignment import RegionAssignment
from activities.models.reminder import NotificationPreference, Reminder
from activities.models.report import ProgressReport, ProgressReportQuerySet

__all__ = [
    "Activity",
    "ActivityCountry",
    "ActivityExpectedResult",
    "ActivityQuerySet",
    "ApiToken",
    "BudgetLine",
    "Expenditure",
    "FundingSource",
    "ImportBatch",
    "IndicatorBreakdown",
    "IndicatorValue",
    "NotificationPreference",
    "PlannedContribution",
    "ProgressReport",
    "ProgressReportQuerySet",
    "RegionAssignment",
    "Reminder",
    "TargetGroup",
    "previous_quarters",
    "quarter_of",
]
