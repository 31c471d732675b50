"""The regional progress report as a Word document (python-docx), to hand on or to edit: the
same content as the report's page, from the same `RegionFigures` — summary figures, then per
initiative its objective and per expected result the activities with their countries, status
and latest approved progress report, then the annexes (the matrix, the countries not reached).
"""

import datetime
import decimal
import io

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from activities.spreadsheets.cells import xml_safe
from reports.exports import matrix_by_initiative, summary_rows

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_ACTIVITY = "No activity yet."
NO_REPORT = "No approved progress report yet."
EMPTY_CELL = "–"  # a matrix cell with no activity


def _text(value):
    """Any value as text a document can hold, as the pages show it: numbers with thousands
    separators and decimals only when there are some ("60,000", "60,000.50"), dates
    "4 Dec 2026" (config/formats)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, decimal.Decimal):
        return floatformat(value, "-2g")
    if isinstance(value, datetime.date):
        return date_format(value)
    return xml_safe(str(value))


def _labelled(document, label, text):
    """A paragraph "Label: text" with the label in bold."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(_text(text))
    return paragraph


def _mark_row(row, tag):
    """Set a row property (w:tblHeader: repeat on each page; w:cantSplit: keep on one page)."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    properties.append(element)


def _table(document, header, rows):
    """A bordered table whose header row repeats on each page and whose rows never split."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_text(title)).bold = True
    _mark_row(table.rows[0], "w:tblHeader")
    for values in rows:
        row = table.add_row()
        _mark_row(row, "w:cantSplit")
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = _text(value)
    return table


def _summary(document, figures):
    document.add_heading("Summary", level=1)
    _table(document, ["Figure", "Number", "Of"], summary_rows(figures))


def _activity(document, progress):
    activity, report = progress.activity, progress.report
    document.add_heading(_text(activity.title), level=3)
    countries = ", ".join(country.name for country in activity.countries.all())
    _labelled(document, "Countries", countries or "none given")
    _labelled(document, "Status", activity.get_status_display())
    if report is None:
        document.add_paragraph(NO_REPORT).runs[0].italic = True
        return
    _labelled(
        document,
        "Latest approved progress report",
        f"{report.period}, {report.percent_complete} % complete",
    )
    if report.achievements:
        _labelled(document, "Achievements", report.achievements)
    if report.challenges:
        _labelled(document, "Challenges", report.challenges)


def _average(figures):
    """A mean percent complete with what it rests on, as the report's page says it: "70 %
    complete on average (2 of 4 activities reported)"."""
    return f"{figures.percent_complete} % complete on average ({figures.percent_complete_base})"


def _indicators(document, figures, results):
    """The initiative's indicators against their targets, by expected result."""
    document.add_heading("Indicators", level=2)
    _table(
        document,
        ["Expected result", "Indicator", "Baseline", "Target", "Actual", "% of target", "Status"],
        [
            [
                result.figures.result.code,
                f"{row.indicator.full_code} {row.indicator.name}"
                + (" (demo)" if row.indicator.is_demo else ""),
                row.baseline,
                row.target,
                row.actual,
                None if row.percent is None else f"{row.percent} %",
                row.status_label,
            ]
            for result in results
            for row in figures.indicators_by_result.get(result.figures.result.pk, [])
        ],
    )


def _initiative(document, figures, initiative, results):
    heading = document.add_heading(
        _text(f"{initiative.initiative.code}: {initiative.initiative.title}"), level=1
    )
    heading.paragraph_format.page_break_before = True
    _labelled(document, "Objective", initiative.initiative.objective)
    _labelled(
        document,
        "In figures",
        f"{initiative.activities.value:,} activities ({initiative.ongoing.value:,} ongoing, "
        f"{initiative.completed.value:,} completed); {initiative.covered.value} of "
        f"{len(initiative.results)} expected results covered; "
        f"{initiative.countries_reached.value:,} countries reached",
    )
    _labelled(document, "Status", figures.initiative_status(initiative.initiative).label)
    _indicators(document, figures, results)
    for result in results:
        document.add_heading(
            _text(f"{result.figures.result.code}: {result.figures.result.text}"), 2
        )
        if result.figures.percent_complete is not None:
            _labelled(document, "In figures", _average(result.figures))
        _labelled(document, "Status", figures.result_status(result.figures.result).label)
        if not result.activities:
            document.add_paragraph(NO_ACTIVITY).runs[0].italic = True
        for progress in result.activities:
            _activity(document, progress)


def _annexes(document, figures):
    heading = document.add_heading("Annex A: Countries × expected results", level=1)
    heading.paragraph_format.page_break_before = True
    document.add_paragraph(
        f"The number of activities of {figures.year} per country and expected result; "
        f"{EMPTY_CELL} none."
    )
    for initiative, rows in matrix_by_initiative(figures):
        document.add_heading(_text(initiative.initiative.code), level=2)
        header = ["Country", *(r.result.code for r in initiative.results)]
        _table(
            document,
            header,
            [
                [
                    " ".join([row.country.name, *(group.code for group in row.groups)]),
                    *(cell.activities or EMPTY_CELL for cell in cells),
                ]
                for row, cells in rows
            ],
        )
    document.add_heading("Annex B: Countries not reached, by group", level=1)
    _table(
        document,
        ["Group", "Reached", "Not reached"],
        [
            [
                reach.label,
                f"{reach.reached.value} of {reach.total.value}",
                ", ".join(country.name for country in reach.unreached) or "None",
            ]
            for reach in figures.group_reach
        ],
    )
    _financial_annex(document, figures)


def _financial_annex(document, figures):
    """Annex C: the dashboard's financial table, and the amounts no rate converts."""
    document.add_heading("Annex C: Budget and expenditure", level=1)
    document.add_paragraph(
        f"The budget lines of {figures.year} and the expenditure of its approved progress "
        "reports per initiative and funding source, in US dollars at the UN operational rate "
        "of exchange of the month, split across initiatives by the shares of each activity's "
        "expected results."
    )
    table = figures.finances
    _table(
        document,
        ["Initiative", "Funding source", "Budget (USD)", "Spent (USD)", "Execution rate"],
        [
            [
                line.initiative,
                line.source,
                _usd(line.cell.budget),
                _usd(line.cell.spent),
                f"{line.cell.execution_rate}%" if line.cell.execution_rate is not None else "—",
            ]
            for line in table.lines()
        ],
    )
    for gap in table.missing:
        document.add_paragraph(
            _text(
                f"Missing exchange rate: {_text(gap.amount)} {gap.currency} of "
                f"{gap.month:%B %Y} is not converted; the figures marked incomplete leave it out."
            )
        )


def _usd(converted):
    amount = _text(converted.rounded)
    return amount if converted.complete else f"{amount} (incomplete)"


def report_docx(figures, generated_on):
    """The bytes of the regional report of `figures` (a RegionFigures) as a .docx file."""
    document = Document()
    document.core_properties.title = _text(
        f"Regional progress report: {figures.region.name}, {figures.year}"
    )
    document.add_heading(
        _text(f"Regional progress report: {figures.region.name}, {figures.year}"), level=0
    )
    document.add_paragraph(
        _text(
            f"{figures.plan.name} ({figures.plan.code}), activities of {figures.year}. "
            f"Generated on {date_format(generated_on, 'j F Y')}. "
            "Only approved progress reports are shown."
        )
    )
    _summary(document, figures)
    for initiative, results in figures.report_sections:
        _initiative(document, figures, initiative, results)
    _annexes(document, figures)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()
