"""The activity export: the activities of a queryset as rows of cells in the order of
`COLUMNS`, written as CSV or XLSX by the tables' writer (`writer`), which escapes every text.
The XLSX has a second sheet, "Budget lines": every budget line of those activities, one a row
in the order of `BUDGET_COLUMNS` (a CSV has one sheet, so no budget lines).
"""

import itertools
from collections import defaultdict

from django.db.models import F
from django.db.models.lookups import In
from openpyxl import Workbook

from activities.models import (
    Activity,
    ActivityCountry,
    ActivityExpectedResult,
    BudgetLine,
    FundingSource,
)
from activities.spreadsheets.columns import (
    BUDGET_COLUMN_WIDTHS,
    BUDGET_HEADERS,
    BUDGET_SHEET_TITLE,
    COLUMN_WIDTHS,
    COLUMNS,
    HEADERS,
    LIST_SEPARATOR,
    SHEET_TITLE,
    choice_labels,
)
from activities.spreadsheets.writer import add_table_sheet, write_table_csv

# Activities fetched (with their countries, results and target groups) a chunk at a time, so
# that an export of any size holds one chunk in memory and makes three queries per chunk.
EXPORT_CHUNK_SIZE = 500


def _joined_by_activity(pairs):
    """{activity id: "A; B"} from (activity id, code or name) pairs, in the order given."""
    lists = defaultdict(list)
    for activity_id, text in pairs:
        lists[activity_id].append(text)
    return {activity_id: LIST_SEPARATOR.join(texts) for activity_id, texts in lists.items()}


class _InOneArray(In):
    """Django's `in` lookup, sent to PostgreSQL as `column = ANY(%s)`: the values as one array
    parameter. As one parameter each, the hundreds of ids of an export's chunk cost Django and
    psycopg most of the export's time. Other databases get the usual `IN (...)`."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def _links_by_activity(activity_ids):
    """The countries (ISO alpha-3 codes), expected results (codes) and target groups (names)
    of the activities `activity_ids`, each as {activity id: "A; B"}: one query each."""
    of_activities = _InOneArray(F("activity_id"), activity_ids)
    countries = (
        ActivityCountry.objects.filter(of_activities)
        .order_by("country__iso3")
        .values_list("activity_id", "country__iso3")
    )
    results = (
        ActivityExpectedResult.objects.filter(of_activities)
        .order_by("expected_result__initiative__code", "expected_result__number")
        .values_list("activity_id", "expected_result__initiative__code", "expected_result__number")
    )
    groups = (
        Activity.target_groups.through.objects.filter(of_activities)
        .order_by("targetgroup__order", "targetgroup__name")
        .values_list("activity_id", "targetgroup__name")
    )
    return (
        _joined_by_activity(countries),
        # Written as ExpectedResult.code writes it: "ASP3.4".
        _joined_by_activity((pk, f"{initiative}.{number}") for pk, initiative, number in results),
        _joined_by_activity(groups),
    )


# What a row shows of the activity itself, read as plain values rather than model instances:
# building 100,000 instances with their prefetched links is what made the export slow.
ROW_FIELDS = [
    "pk",
    "uid",
    "reference",
    "title",
    "description",
    "status",
    "modality",
    "start_date",
    "end_date",
    "partners",
    "focal_point__email",
    "planned_participants_women",
    "planned_participants_men",
]


def export_rows(activities):
    """The rows of `activities` (a queryset), in its order: each a list of cells in the order
    of COLUMNS — text (as stored: the writers escape it), dates, a Decimal budget (None when
    there is none) and whole numbers. Choices show as their labels, lists as codes or names
    separated by "; ".

    The activities' fields come from one streamed query, EXPORT_CHUNK_SIZE rows at a time; the
    countries, expected results and target groups of each chunk from one query each. So an
    export of any size holds one chunk in memory and makes one query, plus three a chunk."""
    status_labels = choice_labels("status")
    modality_labels = choice_labels("modality")
    column_keys = [column.key for column in COLUMNS]
    values = activities.values_list(*ROW_FIELDS).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    while chunk := list(itertools.islice(values, EXPORT_CHUNK_SIZE)):
        countries, results, groups = _links_by_activity([fields[0] for fields in chunk])
        for (
            pk,
            uid,
            reference,
            title,
            description,
            status,
            modality,
            start_date,
            end_date,
            partners,
            focal_point_email,
            planned_participants_women,
            planned_participants_men,
        ) in chunk:
            cells = {
                "tracker_id": str(uid),
                "reference": reference,
                "title": title,
                "description": description,
                "countries": countries.get(pk, ""),
                "expected_results": results.get(pk, ""),
                "status": status_labels.get(status, status),
                "modality": modality_labels.get(modality, modality),
                "start_date": start_date,
                "end_date": end_date,
                "partners": partners,
                "target_groups": groups.get(pk, ""),
                "focal_point_email": focal_point_email or "",
                "planned_participants_women": planned_participants_women,
                "planned_participants_men": planned_participants_men,
            }
            yield [cells[key] for key in column_keys]


def write_csv(activities):
    """The CSV of `activities` (a queryset), piece by piece for a StreamingHttpResponse: UTF-8
    with a BOM (so that Excel reads the accents right), comma-separated, the header row first.
    Never more than one chunk of activities in memory."""
    return write_table_csv(HEADERS, export_rows(activities))


def budget_line_rows(activities):
    """The rows of the sheet "Budget lines" for `activities` (a queryset): every budget line
    of each, in the order of the activities, then by year, funding source, partner and
    currency; each a list of cells in the order of BUDGET_COLUMNS — the activity's tracker id,
    reference and title, the year, the funding source's label ("Not stated" for a line without
    one), the partner, a Decimal amount and the currency.

    All of an activity's lines, whatever the list's filters (a funding source, a year): the
    import replaces an activity's lines with those of the sheet, so a sheet of some of them
    would delete the others. One streamed query for the activities, one a chunk for the lines.
    """
    activity_rows = activities.values_list("pk", "uid", "reference", "title").iterator(
        chunk_size=EXPORT_CHUNK_SIZE
    )
    while chunk := list(itertools.islice(activity_rows, EXPORT_CHUNK_SIZE)):
        lines = defaultdict(list)
        of_activities = _InOneArray(F("activity_id"), [fields[0] for fields in chunk])
        rows = (
            BudgetLine.objects.filter(of_activities)
            .order_by("activity_id", "year", "funding_source", "funding_partner", "currency")
            .values_list(
                "activity_id", "year", "funding_source", "funding_partner", "amount", "currency"
            )
        )
        for activity_id, *line in rows:
            lines[activity_id].append(line)
        for pk, uid, reference, title in chunk:
            for year, source, partner, amount, currency in lines.get(pk, ()):
                yield [
                    str(uid),
                    reference,
                    title,
                    year,
                    FundingSource.named(source),
                    partner,
                    amount,
                    currency,
                ]


def write_xlsx(activities, stream):
    """Write the XLSX of `activities` (a queryset) to the binary file `stream`: sheet
    "Activities", then sheet "Budget lines" (`budget_line_rows`), each with a bold and frozen
    header row, dates as date cells and numbers as numbers, shown as the pages show them
    ("4 Dec 2026", "60,000", "60,000.50": `writer.number_format`).

    The writer's write-only workbook spools the rows to a temporary file as they come, so
    memory stays bounded whatever the number of activities. Text is escaped (see
    `cells.escape_formula`), so no cell is ever a formula."""
    workbook = Workbook(write_only=True)
    add_table_sheet(workbook, SHEET_TITLE, HEADERS, export_rows(activities), COLUMN_WIDTHS)
    add_table_sheet(
        workbook,
        BUDGET_SHEET_TITLE,
        BUDGET_HEADERS,
        budget_line_rows(activities),
        BUDGET_COLUMN_WIDTHS,
    )
    workbook.save(stream)
