"""The dashboard's tables as files: each table as a header and rows of plain values (text,
whole numbers, decimals, dates), built only from a region's `RegionFigures`, so that a file
holds exactly the figures of the page. The CSV and XLSX table downloads and the regional
report's workbook share them.

The files are written by the activity export's writer (`activities.spreadsheets.writer`), so
every text cell is escaped against formula injection the same way: a country, an activity or an
expected result whose text starts with "=", "+", "-", "@", a tab or a carriage return is
written with a leading single quote, never as a formula. Numbers stay numbers.
"""

import io
from dataclasses import dataclass

from openpyxl import Workbook

from activities.spreadsheets.cells import csv_text
from activities.spreadsheets.columns import LIST_SEPARATOR
from activities.spreadsheets.writer import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    add_table_sheet,
    write_table_csv,
)
from initiatives.money import cents

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
YES, NO = "yes", "no"
MAX_WIDTH = 60  # characters: a long text wraps instead of stretching its column


@dataclass(frozen=True)
class Table:
    """A table of the dashboard or of the report: its sheet title, header and rows of values."""

    title: str  # the XLSX sheet's name: at most 31 characters
    header: list
    rows: list


def _groups(groups):
    return LIST_SEPARATOR.join(group.code for group in groups)


def _money(amount):
    """An amount with its two decimals, whichever database summed it."""
    return None if amount is None else cents(amount)


def _amount(value):
    """An indicator's decimal as a plain number: whole when it is (12, not 12.00)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def _yes_no(value):
    return YES if value else NO


# --- The dashboard's tables


def initiatives_table(figures):
    """One row per initiative: its activities, countries reached, expected results covered,
    mean percent complete and the number of activities that mean rests on (those with an
    approved report: "percent complete" 100 with "activities reported" 1 of 4 activities)."""
    header = [
        "initiative",
        "title",
        "activities",
        "ongoing",
        "completed",
        "countries reached",
        "expected results covered",
        "expected results",
        "percent complete",
        "activities reported",
    ]
    rows = [
        [
            i.initiative.code,
            i.initiative.title,
            i.activities.value,
            i.ongoing.value,
            i.completed.value,
            i.countries_reached.value,
            i.covered.value,
            len(i.results),
            i.percent_complete,
            i.activities_reported,
        ]
        for i in figures.initiatives
    ]
    return Table("Initiatives", header, rows)


def results_table(figures):
    """One row per expected result, in the order of the initiatives, with the same columns
    as the initiatives' (the mean percent complete beside the activities it rests on)."""
    header = [
        "expected result",
        "initiative",
        "text",
        "activities",
        "ongoing",
        "completed",
        "countries reached",
        "covered",
        "percent complete",
        "activities reported",
    ]
    rows = [
        [
            r.result.code,
            r.result.initiative.code,
            r.result.text,
            r.activities.value,
            r.ongoing.value,
            r.completed.value,
            r.countries_reached.value,
            _yes_no(r.covered),
            r.percent_complete,
            r.activities_reported,
        ]
        for r in figures.results
    ]
    return Table("Expected results", header, rows)


def indicators_table(figures):
    """One row per indicator of each expected result, in the order of the results: baseline,
    the year's target, actual, percent of target and status, with the result's status."""
    header = [
        "initiative",
        "expected result",
        "expected result status",
        "indicator",
        "name",
        "measure",
        "unit",
        "how values add up",
        "baseline",
        "baseline year",
        "target",
        "actual",
        "percent of target",
        "status",
        "change since last quarter",
        "demo",
    ]
    rows = []
    for result in figures.results:
        for row in figures.indicators_by_result.get(result.result.pk, []):
            indicator = row.indicator
            rows.append(
                [
                    result.result.initiative.code,
                    result.result.code,
                    figures.result_status(result.result).label,
                    indicator.full_code,
                    indicator.name,
                    indicator.get_measure_display(),
                    indicator.get_unit_display(),
                    indicator.get_aggregation_display(),
                    _amount(row.baseline),
                    indicator.baseline_year,
                    _amount(row.target),
                    _amount(row.actual),
                    row.percent,
                    row.status_label,
                    _amount(row.change),
                    _yes_no(indicator.is_demo),
                ]
            )
    return Table("Indicators", header, rows)


def matrix_table(figures):
    """The matrix of countries by expected results: a row per country of the region, a column per
    expected result (grouped by initiative), each cell the number of activities."""
    header = ["country", "ISO alpha-3", "groups", *(r.result.code for r in figures.results)]
    rows = [
        [
            row.country.name,
            row.country.iso3,
            _groups(row.groups),
            *(cell.activities for cell in row.cells),
        ]
        for row in figures.matrix
    ]
    return Table("Matrix", header, rows)


def countries_table(figures):
    """One row per country of the region, with its groups during the year."""
    header = [
        "country",
        "ISO alpha-3",
        "groups",
        "activities",
        "expected results advanced",
        "reached",
    ]
    rows = [
        [
            c.country.name,
            c.country.iso3,
            _groups(c.groups),
            c.activities.value,
            c.results_advanced,
            _yes_no(c.reached),
        ]
        for c in figures.countries
    ]
    return Table("Countries", header, rows)


def unreached_table(figures):
    """The countries not reached of each group the region counts (LDC, SIDS, LLDC and its own),
    one row per group and country (a country in two groups has two rows)."""
    header = ["group", "country", "ISO alpha-3"]
    rows = [
        [reach.group.code, country.name, country.iso3]
        for reach in figures.group_reach
        for country in reach.unreached
    ]
    return Table("Not reached", header, rows)


def finances_table(figures):
    """Budget and expenditure per initiative and funding source in US dollars, rounded to the
    cent, with the execution rate in percent: the rows of the dashboard's financial table. A
    figure missing an exchange rate says "no" under complete; the amounts without a rate are
    listed below the rows, one per currency and month."""
    header = [
        "initiative",
        "funding source",
        "budget (USD)",
        "spent (USD)",
        "execution rate (%)",
        "complete",
    ]
    table = figures.finances
    rows = [
        [
            line.initiative,
            line.source,
            line.cell.budget.rounded,
            line.cell.spent.rounded,
            line.cell.execution_rate,
            _yes_no(line.cell.complete),
        ]
        for line in table.lines()
    ]
    rows.extend(
        [
            "Missing exchange rate",
            f"{gap.currency} {gap.month:%Y-%m}",
            None,
            None,
            None,
            f"{_money(gap.amount)} {gap.currency} not converted",
        ]
        for gap in table.missing
    )
    return Table("Finances", header, rows)


def stale_table(figures):
    """Every stale activity: ongoing, no approved report in the last two quarters (as of today)."""
    header = ["activity", "reference", "start date", "end date", "focal point"]
    rows = [
        [
            activity.title,
            activity.reference,
            activity.start_date,
            activity.end_date,
            activity.focal_point.email if activity.focal_point else "",
        ]
        for activity in figures.stale_activities
    ]
    return Table("Stale activities", header, rows)


# The tables a dashboard offers for download, by the name in their URL.
TABLES = {
    "initiatives": initiatives_table,
    "results": results_table,
    "indicators": indicators_table,
    "matrix": matrix_table,
    "countries": countries_table,
    "unreached": unreached_table,
    "finances": finances_table,
    "stale": stale_table,
}


def table_filename(figures, name, file_format):
    """E.g. "ASP-2026-matrix.csv"."""
    return f"{figures.region.code}-{figures.year}-{name}.{file_format}"


# --- The regional report's workbook: Summary, Indicators, Activities, Matrix


def summary_rows(figures):
    """The report's summary figures: [label, number, of how many (or None)]."""
    covered, results_total = figures.coverage
    return [
        ["Activities", figures.activities_total.value, None],
        *(
            [f"Activities: {label}", figure.value, None]
            for _, label, figure in figures.activities_by_status
        ),
        ["Expected results covered", covered.value, results_total.value],
        *(
            [
                f"Countries reached: {reach.label}" if reach.group else "Countries reached",
                reach.reached.value,
                reach.total.value,
            ]
            for reach in figures.reach
        ),
    ]


def summary_table(figures, generated_on):
    """The report's summary sheet: what it covers, then its figures (see `summary_rows`)."""
    rows = [
        ["Region", f"{figures.region.name} ({figures.region.code})", None],
        ["Action plan", f"{figures.plan.name} ({figures.plan.code})", None],
        ["Year", figures.year, None],
        ["Generated on", generated_on, None],
        *summary_rows(figures),
    ]
    return Table("Summary", ["figure", "value", "of"], rows)


def activities_table(figures):
    """One row per expected result and activity that advances it (an activity advancing two
    results has two rows), with the activity's latest approved progress report up to the year;
    an expected result with no activity has one row with the activity's cells empty."""
    header = [
        "initiative",
        "expected result",
        "activity",
        "reference",
        "countries",
        "status",
        "latest approved report",
        "percent complete",
        "achievements",
        "challenges",
    ]
    rows = []
    for initiative, results in figures.report_sections:
        for result in results:
            first = [initiative.initiative.code, result.figures.result.code]
            if not result.activities:
                rows.append([*first, *[None] * (len(header) - len(first))])
            for progress in result.activities:
                activity, report = progress.activity, progress.report
                rows.append(
                    [
                        *first,
                        activity.title,
                        activity.reference,
                        LIST_SEPARATOR.join(c.iso3 for c in activity.countries.all()),
                        activity.get_status_display(),
                        report.period if report else None,
                        report.percent_complete if report else None,
                        report.achievements if report else None,
                        report.challenges if report else None,
                    ]
                )
    return Table("Activities", header, rows)


def matrix_by_initiative(figures):
    """The matrix cut into one table per initiative, narrow enough for a printed page:
    (InitiativeFigures, [(MatrixRow, the row's cells for the initiative's results)])."""
    sections, start = [], 0
    for initiative in figures.initiatives:
        end = start + len(initiative.results)
        sections.append((initiative, [(row, row.cells[start:end]) for row in figures.matrix]))
        start = end
    return sections


def report_tables(figures, generated_on):
    """The regional report's workbook: its sheets Summary, Indicators, Activities, Matrix and
    Finances (the financial annex)."""
    return [
        summary_table(figures, generated_on),
        indicators_table(figures),
        activities_table(figures),
        matrix_table(figures),
        finances_table(figures),
    ]


def report_filename(figures, file_format):
    """E.g. "ASP-2026-regional-report.xlsx"."""
    return f"{figures.region.code}-{figures.year}-regional-report.{file_format}"


# --- Writers


def csv_content(table):
    """The table as CSV text: UTF-8 with a BOM when encoded (so that Excel reads the accents
    right, as the activity export does), the header first."""
    return "".join(write_table_csv(table.header, table.rows))


def _widths(table):
    """Each column's width in characters: its longest value, plus a margin, up to MAX_WIDTH."""
    widths = [len(str(value)) for value in table.header]
    for row in table.rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(csv_text(value)))
    return [min(width + 2, MAX_WIDTH) for width in widths]


def xlsx_content(tables):
    """The bytes of a workbook with one sheet per table: a bold, frozen header row, numbers as
    numbers, dates as date cells, text escaped so that no cell is a formula, and a text longer
    than MAX_WIDTH wrapped in its cell."""
    workbook = Workbook(write_only=True)
    for table in tables:
        add_table_sheet(
            workbook,
            table.title,
            table.header,
            table.rows,
            widths=_widths(table),
            wrap_longer_than=MAX_WIDTH,
        )
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
