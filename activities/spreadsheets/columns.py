"""The columns of an activity spreadsheet, defined once for the import template, the export
(CSV and XLSX) and the import: `COLUMNS`, in the order they appear in every file, and what the
files share about them (headers, widths, the data sheet's title, how lists are written, the
model field each one fills); and `BUDGET_COLUMNS`, those of the second sheet of an .xlsx,
"Budget lines", one row per budget line of an activity (a CSV has one sheet: no budget lines).
"""

from dataclasses import dataclass

from activities.models import Activity

SHEET_TITLE = "Activities"  # the data sheet of the export and of the template
BUDGET_SHEET_TITLE = "Budget lines"  # the budget lines' sheet of an .xlsx
LIST_SEPARATOR = "; "  # between the codes or names of a list-type cell
DATE_KEYS = ("start_date", "end_date")


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its `header` (exactly as in the file), the `key` the code uses
    for it, whether an import row must fill it, what to write in it and an example."""

    key: str
    header: str
    required: bool
    explanation: str
    example: str
    former_headers: tuple = ()  # what files of earlier versions call it: still read


COLUMNS = [
    Column(
        "tracker_id",
        "tracker id",
        False,
        "Filled by the export so that a sheet exported, edited and imported again updates the "
        "same activities. Leave it empty for a new activity; never change it.",
        "",
    ),
    Column(
        "reference",
        "reference",
        False,
        "The activity's own reference, e.g. an ITU project number; unique when given. A row "
        "with a known reference updates that activity.",
        "ASP-2026-014",
    ),
    Column("title", "title", True, "The activity's title.", "IXP feasibility study"),
    Column(
        "description",
        "description",
        False,
        "What the activity does, in a few sentences.",
        "A study of an Internet exchange point for Tonga.",
    ),
    Column(
        "countries",
        "countries",
        True,
        "ISO alpha-3 codes of the countries, separated by ';' (country names are accepted where "
        "they are unambiguous). All countries of a row must be in one region.",
        "TON; FJI",
    ),
    Column(
        "expected_results",
        "expected results",
        True,
        "Codes of the expected results of the current action plan it advances, separated by ';'.",
        "ASP3.4; ASP1.3",
    ),
    Column("status", "status", True, "One of the listed statuses.", "Ongoing"),
    Column("modality", "modality", True, "One of the listed modalities.", "Study/assessment"),
    Column(
        "start_date",
        "start date",
        True,
        "A date: YYYY-MM-DD (also DD/MM/YYYY, DD.MM.YYYY or '5 March 2026').",
        "2026-03-05",
    ),
    Column(
        "end_date",
        "end date",
        False,
        "A date, not before the start date; empty if the activity runs on.",
        "2026-12-31",
    ),
    Column("partners", "partners", False, "The partners, as free text.", "APNIC; Tonga MEIDECC"),
    Column(
        "target_groups",
        "target groups",
        False,
        "Target groups from the list, separated by ';'.",
        "Women and girls; Youth",
    ),
    Column(
        "focal_point_email",
        "focal point e-mail",
        False,
        "The e-mail of the tracker user who is the focal point.",
        "focal.point@itu.int",
    ),
    Column(
        "planned_participants_women",
        "planned participants women",
        False,
        "How many women the activity plans to reach: a whole number, 0 or more; 0 if empty. "
        "The people reached are given in progress reports.",
        "120",
        former_headers=("people reached women",),
    ),
    Column(
        "planned_participants_men",
        "planned participants men",
        False,
        "How many men the activity plans to reach: a whole number, 0 or more; 0 if empty.",
        "95",
        former_headers=("people reached men",),
    ),
]

HEADERS = [column.header for column in COLUMNS]
HEADER_OF = {column.key: column.header for column in COLUMNS}
# The columns that list several codes or names, each one a link of the activity.
LINK_COLUMNS = ["countries", "expected_results", "target_groups"]
# The model field of each column that is one (tracker id and the links are handled apart).
FIELD_OF_COLUMN = {
    "reference": "reference",
    "title": "title",
    "description": "description",
    "status": "status",
    "modality": "modality",
    "start_date": "start_date",
    "end_date": "end_date",
    "partners": "partners",
    "focal_point_email": "focal_point",
    "planned_participants_women": "planned_participants_women",
    "planned_participants_men": "planned_participants_men",
}
COLUMN_OF_FIELD = {name: key for key, name in FIELD_OF_COLUMN.items()}

WIDTHS = {  # in characters; the rest get DEFAULT_WIDTH
    "tracker_id": 38,
    "title": 40,
    "description": 50,
    "countries": 18,
    "expected_results": 18,
    "modality": 28,
    "partners": 30,
    "target_groups": 30,
    "focal_point_email": 28,
    "planned_participants_women": 12,
    "planned_participants_men": 12,
}
DEFAULT_WIDTH = 14
COLUMN_WIDTHS = [WIDTHS.get(column.key, DEFAULT_WIDTH) for column in COLUMNS]


# The columns of earlier files that held an activity's single budget: now its budget lines
# (the sheet "Budget lines"). A file that has them is read without them, with a warning.
FORMER_BUDGET_HEADERS = ("budget", "currency", "funding source")

BUDGET_COLUMNS = [
    Column(
        "tracker_id",
        "tracker id",
        False,
        "The tracker id of the activity, as on the sheet 'Activities'. Empty for a new "
        "activity: give its reference instead.",
        "",
    ),
    Column(
        "reference",
        "reference",
        False,
        "The reference of the activity, as on the sheet 'Activities': it names a new "
        "activity, which has no tracker id yet.",
        "ASP-2026-014",
    ),
    Column(
        "title",
        "activity title",
        False,
        "The title of the activity, to read: the import does not read it.",
        "IXP feasibility study",
    ),
    Column(
        "year",
        "year",
        True,
        "The year the money is for: one the activity runs in, from its start year to its end year.",
        "2026",
    ),
    Column(
        "funding_source",
        "funding source",
        True,
        "One of the listed funding sources. “Not stated” is only for a line that has it "
        "already: one moved from the single budget of an activity, which named no source.",
        "ICT Development Fund",
    ),
    Column(
        "funding_partner",
        "funding partner",
        False,
        "Who gives the money: required for extra-budgetary money.",
        "Ministry of ICT of Tonga",
    ),
    Column(
        "amount",
        "amount",
        True,
        "A number, 0 or more, without the currency.",
        "25000",
    ),
    Column("currency", "currency", True, "ISO 4217 code, e.g. USD, EUR, XOF.", "USD"),
]
BUDGET_HEADERS = [column.header for column in BUDGET_COLUMNS]
BUDGET_HEADER_OF = {column.key: column.header for column in BUDGET_COLUMNS}
BUDGET_WIDTHS = {"tracker_id": 38, "title": 40, "funding_source": 26, "funding_partner": 30}
BUDGET_COLUMN_WIDTHS = [BUDGET_WIDTHS.get(c.key, DEFAULT_WIDTH) for c in BUDGET_COLUMNS]


def choice_labels(field_name):
    """{stored value: label} of a choice field of Activity, as its get_<field>_display shows."""
    field = Activity._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}
