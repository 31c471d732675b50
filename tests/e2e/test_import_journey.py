"""The spreadsheet import in a real browser: an editor downloads the template, fills in 200
activities of the office with two mistakes, sees both in the preview with nothing saved, fixes
them, imports the file and finds the 200 activities in the list."""

import datetime
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from activities import spreadsheets
from activities.models import Activity, ImportBatch
from tests import factories
from tests.factories import DEFAULT_PASSWORD

ROWS = 200
WORD = "Seawave"  # in every imported title, to find them in the list
BAD_COUNTRY_ROW = 38  # rows of the sheet, the header being row 1
BAD_RESULT_ROW = 151


def fill_in(sheet):
    """Write ROWS valid Asia-Pacific activities under the header row, by column header."""
    column = {header: index + 1 for index, header in enumerate(spreadsheets.HEADERS)}
    for number in range(1, ROWS + 1):
        row = number + 1
        values = {
            "title": f"{WORD} community network {number}",
            "countries": "TON" if number % 2 else "FJI; TON",
            "expected results": "ASP1.3" if number % 3 else "ASP1.3; ASP5.4",
            "status": "Ongoing",
            "modality": "Study/assessment",
            "start date": datetime.date(2026, 3, 5),
        }
        for header, value in values.items():
            sheet.cell(row=row, column=column[header], value=value)
    return column


def upload(page, path):
    """On the upload page: choose the file and send it."""
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(path)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import preview: {path.name}")


def test_an_editor_imports_200_activities_after_fixing_the_two_mistakes_the_preview_shows(
    page, live_server, asp_editor, login, assert_accessible, tmp_path
):
    factories.ActivityFactory(title="Rural broadband in Bhutan", countries=["BTN"])
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Activities").click()
    page.get_by_role("link", name="Import from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import activities from a spreadsheet"
    )
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the template").click()
    download = download_info.value
    assert download.suggested_filename == "activities-import-template.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook[spreadsheets.SHEET_TITLE]
    assert [cell.value for cell in sheet[1]] == spreadsheets.HEADERS
    column = fill_in(sheet)
    sheet.cell(row=BAD_COUNTRY_ROW, column=column["countries"], value="XYZ")
    sheet.cell(row=BAD_RESULT_ROW, column=column["expected results"], value="ASP9.1")
    path = tmp_path / "asp-activities.xlsx"
    workbook.save(path)

    upload(page, path)

    expect(page.get_by_role("status")).to_contain_text(
        "198 to create, 0 to update, 0 unchanged, 2 errors: fix the file and upload it again."
    )
    errors = page.get_by_role("alert")
    expect(errors.get_by_role("listitem")).to_have_text(
        [
            f"row {BAD_COUNTRY_ROW}, countries: 'XYZ' is not a country code",
            f"row {BAD_RESULT_ROW}, expected results: ASP9.1 does not exist",
        ]
    )
    bad_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=str(BAD_COUNTRY_ROW), exact=True)
    )
    expect(bad_row).to_contain_text(f"{WORD} community network {BAD_COUNTRY_ROW - 1}")
    expect(bad_row).to_contain_text("Error: countries: 'XYZ' is not a country code")
    expect(page.get_by_role("button", name=re.compile(r"^Import \d+ activit"))).to_have_count(0)
    assert Activity.objects.filter(title__contains=WORD).count() == 0
    assert not ImportBatch.objects.exists()
    assert_accessible(page)

    sheet.cell(row=BAD_COUNTRY_ROW, column=column["countries"], value="FJI")
    sheet.cell(row=BAD_RESULT_ROW, column=column["expected results"], value="ASP5.4")
    workbook.save(path)
    page.get_by_role("link", name="Upload the corrected file").click()
    upload(page, path)

    expect(page.get_by_role("status")).to_contain_text(
        "200 to create, 0 to update, 0 unchanged, 0 errors."
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    assert Activity.objects.filter(title__contains=WORD).count() == 0
    page.get_by_role("button", name="Import 200 activities").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Activities")
    expect(
        page.get_by_text(f"Imported from {path.name}: 200 created, 0 updated, 0 unchanged.")
    ).to_be_visible()
    page.get_by_label("Search").fill(WORD)
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_text("200 activities", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"{WORD} community network 1", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Rural broadband in Bhutan")).to_have_count(0)
    imported = Activity.objects.filter(title__contains=WORD)
    assert imported.count() == ROWS
    assert {activity.region.code for activity in imported.select_related("region")} == {"ASP"}
    assert {activity.created_by for activity in imported.select_related("created_by")} == {
        asp_editor
    }
    fixed_country = imported.get(title=f"{WORD} community network {BAD_COUNTRY_ROW - 1}")
    assert [country.iso3 for country in fixed_country.countries.all()] == ["FJI"]
    fixed_result = imported.get(title=f"{WORD} community network {BAD_RESULT_ROW - 1}")
    assert [result.code for result in fixed_result.expected_results.all()] == ["ASP5.4"]
    assert ImportBatch.objects.get().status == ImportBatch.Status.IMPORTED
