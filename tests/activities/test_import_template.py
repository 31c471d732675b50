"""The import template: an XLSX with the header row of the import's columns, drop-downs of the
allowed values (kept on a hidden sheet), hints for the list-type columns, and a sheet that
explains each column. Any signed-in user may download it."""

import io

import openpyxl
import pytest
from django.urls import reverse

from activities.models import Activity
from activities.spreadsheets import COLUMNS, HEADERS

URL = "/activities/import/template.xlsx"


def download(client):
    response = client.get(URL)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def validation_of(sheet, header, headers=HEADERS, rows=20_000):
    """The data validation that covers the cells of column `header` (of `headers`) below the
    header row, in the template's first `rows` rows."""
    letter = openpyxl.utils.get_column_letter(headers.index(header) + 1)
    found = [
        v
        for v in sheet.data_validations.dataValidation
        if any(r.min_col == r.max_col == headers.index(header) + 1 for r in v.sqref.ranges)
    ]
    assert len(found) == 1, f"one validation on column {letter} ({header})"
    validation = found[0]
    assert str(validation.sqref) == f"{letter}2:{letter}{rows + 1}"
    return validation


def listed_values(workbook, formula):
    """The values a drop-down's formula (e.g. "Lists!$A$2:$A$6") points to."""
    sheet_name, cells = formula.split("!")
    sheet = workbook[sheet_name.strip("'")]
    return [row[0].value for row in sheet[cells.replace("$", "")]]


def test_it_is_an_xlsx_attachment(client, viewer):
    client.force_login(viewer)

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="activities-import-template.xlsx"'
    )


def test_it_has_the_header_row_and_no_data(client, viewer):
    client.force_login(viewer)

    workbook = download(client)

    assert workbook.sheetnames == ["Activities", "Budget lines", "How to fill in", "Lists"]
    assert workbook.active.title == "Activities"
    sheet = workbook["Activities"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [tuple(HEADERS)]
    assert HEADERS[:3] == ["tracker id", "reference", "title"]
    assert HEADERS[-2:] == ["planned participants women", "planned participants men"]
    assert len(HEADERS) == 15  # the budget is on the sheet "Budget lines"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize(
    ("header", "choices", "blank_allowed"),
    [
        ("status", Activity.Status, False),
        ("modality", Activity.Modality, False),
    ],
)
def test_the_choice_columns_have_drop_downs_of_the_labels(
    client, viewer, header, choices, blank_allowed
):
    client.force_login(viewer)
    workbook = download(client)

    validation = validation_of(workbook["Activities"], header)

    assert validation.type == "list"
    assert validation.showErrorMessage
    assert bool(validation.allow_blank) is blank_allowed
    assert listed_values(workbook, validation.formula1) == [c.label for c in choices]


def test_the_allowed_values_are_kept_on_a_hidden_sheet(client, viewer):
    client.force_login(viewer)

    workbook = download(client)

    lists = workbook["Lists"]
    assert lists.sheet_state == "hidden"
    columns = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
    assert "Ongoing" in columns["status"]
    assert "Capacity building/training" in columns["modality"]
    assert "ICT Development Fund" in columns["funding source"]
    assert columns["target groups"][:2] == ["Women and girls", "Youth"]
    # The expected results of the current plan (the Baku Action Plan of the fixtures).
    assert "ASP3.4" in columns["expected results"] and "ASP1.3" in columns["expected results"]
    assert "TON" in columns["country code"]
    tonga = columns["country code"].index("TON")
    assert columns["country name"][tonga] == "Tonga"


@pytest.mark.parametrize("header", ["countries", "expected results", "target groups"])
def test_the_list_type_columns_show_a_hint(client, viewer, header):
    client.force_login(viewer)

    validation = validation_of(download(client)["Activities"], header)

    assert validation.type is None  # any value: several, separated by ';'
    assert validation.showInputMessage
    assert "separated by ';'" in validation.prompt


def test_people_reached_accept_whole_numbers_only(client, viewer):
    client.force_login(viewer)

    validation = validation_of(download(client)["Activities"], "planned participants women")

    assert validation.type == "whole"
    assert validation.operator == "greaterThanOrEqual" and validation.formula1 == "0"


def test_a_second_sheet_explains_each_column(client, viewer):
    client.force_login(viewer)

    guide = download(client)["How to fill in"]

    assert guide.sheet_state == "visible"
    rows = list(guide.iter_rows(values_only=True))
    assert rows[0] == ("Column", "Required", "What to write", "Example")
    explained = {row[0]: row for row in rows[1 : len(COLUMNS) + 1]}
    assert list(explained) == HEADERS
    required = {header for header, row in explained.items() if row[1] == "Yes"}
    assert required == {
        "title",
        "countries",
        "expected results",
        "status",
        "modality",
        "start date",
    }
    assert "ISO alpha-3" in explained["countries"][2]
    assert "Ongoing" in explained["status"][2]  # the allowed values are spelled out
    assert explained["start date"][3] == "2026-03-05"
    assert all(row[2] for row in explained.values())


@pytest.mark.parametrize("persona", ["viewer", "asp_editor", "superuser"])
def test_every_signed_in_user_may_download_it(client, db, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
