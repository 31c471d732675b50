"""The import template: an .xlsx to fill in, with the sheet "Activities" (the header row,
drop-downs and hints), the sheet "Budget lines" (the same for the activities' money, one row a
line), the sheet "How to fill in" that explains each column, and a hidden sheet "Lists" of the
values allowed.
"""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from activities.models import Activity, FundingSource, TargetGroup
from activities.spreadsheets.cells import xml_safe
from activities.spreadsheets.cleaning import AMOUNT_LIMIT, FIRST_YEAR, LAST_YEAR
from activities.spreadsheets.columns import (
    BUDGET_COLUMN_WIDTHS,
    BUDGET_COLUMNS,
    BUDGET_HEADERS,
    BUDGET_SHEET_TITLE,
    COLUMN_WIDTHS,
    COLUMNS,
    DATE_KEYS,
    HEADERS,
    SHEET_TITLE,
)
from activities.spreadsheets.writer import DATE_FORMAT
from initiatives.currencies import CURRENCIES
from initiatives.models import ActionPlan, Country, ExpectedResult

GUIDE_TITLE = "How to fill in"
LISTS_TITLE = "Lists"
TEMPLATE_ROWS = 20_000  # rows of the template covered by the drop-downs: the import's row limit
TEMPLATE_BUDGET_ROWS = 5 * TEMPLATE_ROWS  # the same for budget lines (IMPORT_MAX_BUDGET_LINES)

CHOICE_COLUMNS = {  # the drop-downs: column key → the labels it allows
    "status": Activity.Status,
    "modality": Activity.Modality,
}
BUDGET_CHOICE_COLUMNS = {"funding_source": FundingSource}
BUDGET_HINTS = {  # the sheet "Budget lines": a hint shown when the cell is selected
    "tracker_id": "The activity's tracker id, as on the sheet 'Activities'. A new activity has "
    "none: give its reference instead.",
    "reference": "The activity's reference, as on the sheet 'Activities': the way to name a "
    "new activity.",
    "funding_partner": "Who gives the money: required for extra-budgetary money.",
}
CSV_HAS_NO_BUDGET_LINES = (
    "Budget lines are imported from an .xlsx file only: a CSV file has one sheet, so an import "
    "from CSV leaves the activities' budget lines as they are."
)
LIST_HINTS = {  # list-type columns: a hint shown when the cell is selected (at most 255 chars)
    "countries": "ISO alpha-3 codes separated by ';', e.g. TON; FJI. "
    "The codes are in the sheet 'How to fill in'.",
    "expected_results": "Codes of expected results separated by ';', e.g. ASP3.4; ASP1.3.",
    "target_groups": "Target groups separated by ';', e.g. Women and girls; Youth.",
}


def _column_letter(key, columns=COLUMNS):
    return get_column_letter([c.key for c in columns].index(key) + 1)


def _rows_range(key, columns=COLUMNS, rows=TEMPLATE_ROWS):
    letter = _column_letter(key, columns)
    return f"{letter}2:{letter}{rows + 1}"


def _lists_sheet(workbook, plan):
    """The hidden sheet of allowed values, one list a column; → {title: "Lists!$A$2:$A$6"}."""
    results = ExpectedResult.objects.filter(initiative__action_plan=plan).order_by(
        "initiative__region__code", "initiative__code", "number"
    )
    countries = list(Country.objects.order_by("iso3").only("iso3", "name"))
    lists = {
        "status": [choice.label for choice in Activity.Status],
        "modality": [choice.label for choice in Activity.Modality],
        "funding source": [choice.label for choice in FundingSource],
        "currency": sorted(CURRENCIES),
        "target groups": [group.name for group in TargetGroup.objects.order_by("order", "name")],
        "expected results": [result.code for result in results],
        "expected result text": [result.text for result in results],
        "country code": [country.iso3 for country in countries],
        "country name": [country.name for country in countries],
    }
    sheet = workbook.create_sheet(LISTS_TITLE)
    sheet.sheet_state = "hidden"
    ranges = {}
    for index, (title, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=xml_safe(value)).data_type = "s"
        last = max(len(values), 1) + 1
        ranges[title] = f"{quote_sheetname(LISTS_TITLE)}!${letter}$2:${letter}${last}"
    return ranges


def _drop_down(column, formula, labels):
    """A drop-down of the values of `formula` (a range of the sheet "Lists")."""
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=not column.required,
        showErrorMessage=True,
        errorTitle=f"Unknown {column.header}",
        error=f"Pick a {column.header} from the list.",
        showInputMessage=True,
        promptTitle=column.header,
        prompt=f"Pick one from the list: {', '.join(labels)}."[:255],
    )


def _add_validations(sheet, ranges):
    """Drop-downs for the choice columns, a hint for the list-type ones, number checks."""
    for key, choices in CHOICE_COLUMNS.items():
        column = next(c for c in COLUMNS if c.key == key)
        validation = _drop_down(column, ranges[column.header], choices.labels)
        validation.add(_rows_range(key))
        sheet.add_data_validation(validation)
    for key, hint in LIST_HINTS.items():
        column = next(c for c in COLUMNS if c.key == key)
        validation = DataValidation(
            showInputMessage=True, promptTitle=column.header, prompt=hint[:255]
        )
        validation.add(_rows_range(key))
        sheet.add_data_validation(validation)
    for key in ("planned_participants_women", "planned_participants_men"):
        validation = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            error="Enter a whole number, 0 or more.",
        )
        validation.add(_rows_range(key))
        sheet.add_data_validation(validation)


def _budget_lines_sheet(workbook, ranges):
    """The sheet "Budget lines": its header row, drop-downs of the funding sources and the
    currencies, hints for the columns that name the activity, number checks."""
    sheet = workbook.create_sheet(BUDGET_SHEET_TITLE, 1)
    sheet.append(BUDGET_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(BUDGET_COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    def cells(key):
        return _rows_range(key, BUDGET_COLUMNS, TEMPLATE_BUDGET_ROWS)

    def column(key):
        return next(c for c in BUDGET_COLUMNS if c.key == key)

    for key, choices in BUDGET_CHOICE_COLUMNS.items():
        validation = _drop_down(column(key), ranges[column(key).header], choices.labels)
        validation.add(cells(key))
        sheet.add_data_validation(validation)
    validation = _drop_down(column("currency"), ranges["currency"], ["USD", "EUR", "…"])
    validation.prompt = "An ISO 4217 code from the list, e.g. USD, EUR, XOF."
    validation.add(cells("currency"))
    sheet.add_data_validation(validation)
    for key, hint in BUDGET_HINTS.items():
        validation = DataValidation(
            showInputMessage=True, promptTitle=column(key).header, prompt=hint[:255]
        )
        validation.add(cells(key))
        sheet.add_data_validation(validation)
    validation = DataValidation(
        type="whole",
        operator="between",
        formula1=str(FIRST_YEAR),
        formula2=str(LAST_YEAR),
        allow_blank=False,
        showErrorMessage=True,
        error="Enter a year as four digits, e.g. 2026: one the activity runs in.",
    )
    validation.add(cells("year"))
    sheet.add_data_validation(validation)
    validation = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2=f"{AMOUNT_LIMIT - 1}",
        allow_blank=False,
        showErrorMessage=True,
        error="Enter a number, 0 or more, without the currency.",
    )
    validation.add(cells("amount"))
    sheet.add_data_validation(validation)
    return sheet


def _guide_sheet(workbook, plan):
    """The visible sheet that explains each column: header, required, what to write, example."""
    sheet = workbook.create_sheet(GUIDE_TITLE)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append(["Column", "Required", "What to write", "Example"])
    for cell in sheet[1]:
        cell.font = bold

    def explain(columns, choice_columns):
        for column in columns:
            explanation = column.explanation
            if column.key in choice_columns:
                labels = ", ".join(c.label for c in choice_columns[column.key])
                explanation = f"{explanation} Allowed: {labels}."
            if column.key == "expected_results" and plan is not None:
                explanation = f"{explanation} Current action plan: {xml_safe(str(plan))}."
            required = "Yes" if column.required else "No"
            sheet.append([column.header, required, explanation, column.example])
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
                cell.data_type = "s"

    def note(text):
        sheet.append(["", "", text])
        sheet.cell(row=sheet.max_row, column=3).alignment = wrap

    explain(COLUMNS, CHOICE_COLUMNS)
    sheet.append([])
    note(
        "Write one activity a row on the sheet 'Activities', from row 2, and keep the "
        "header row as it is. A row with a tracker id or a known reference updates that "
        "activity; any other row creates one. Dates as YYYY-MM-DD. Lists: separate the "
        "values with ';'."
    )
    sheet.append([])
    sheet.append([f"Sheet '{BUDGET_SHEET_TITLE}'"])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    explain(BUDGET_COLUMNS, BUDGET_CHOICE_COLUMNS)
    sheet.append([])
    note(
        f"Write one budget line a row on the sheet '{BUDGET_SHEET_TITLE}': the money an "
        "activity has for a year from a funding source, in a currency. Name the activity by "
        "its tracker id, or, for a new one, by the reference you give it on the sheet "
        "'Activities'; every activity named needs its row there. The lines given for an "
        "activity replace all of its lines; an activity with no line here keeps its own. A "
        "row with the activity and nothing else removes all of its lines."
    )
    note(CSV_HAS_NO_BUDGET_LINES)
    for letter, width in zip("ABCD", (22, 10, 70, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return sheet


def build_template(plan=None):
    """The import template as an openpyxl Workbook: the sheet "Activities" with the header row
    and drop-downs, the sheet "Budget lines" likewise, the sheet "How to fill in", and the
    hidden sheet "Lists" of allowed values (statuses, modalities, funding sources, currencies,
    target groups, the expected results of `plan` — default: the current action plan — and the
    countries)."""
    plan = plan or ActionPlan.objects.current()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    for key in DATE_KEYS:
        sheet.column_dimensions[_column_letter(key)].number_format = DATE_FORMAT
    _guide_sheet(workbook, plan)
    ranges = _lists_sheet(workbook, plan)
    _add_validations(sheet, ranges)
    _budget_lines_sheet(workbook, ranges)
    workbook.active = 0
    return workbook
