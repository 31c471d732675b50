"""Administrators set or revise the targets of every result in one spreadsheet: download it from
the Targets list, change cells, upload it, see every change and every error, confirm. An error
anywhere saves nothing; a revised target needs a reason, which its history keeps with the user."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from initiatives import target_spreadsheet
from initiatives.models import ExpectedResult, Indicator, Target
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("admin:initiatives_target_spreadsheet")
IMPORT = reverse("admin:initiatives_target_import")
CONFIRM = reverse("admin:initiatives_target_import_confirm")
CHANGELIST = reverse("admin:initiatives_target_changelist")
# The columns of the Baku Action Plan's spreadsheet (2026-2029), by header.
COLUMN = {
    "indicator": "A",
    "plan": "B",
    "initiative": "C",
    "result number": "D",
    "indicator code": "E",
    "name": "F",
    "unit": "G",
    "baseline": "H",
    "target 2026": "I",
    "target 2027": "J",
    "target 2028": "K",
    "target 2029": "L",
    "target end of plan": "M",
    "reason": "N",
}


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def people_trained():
    result = ExpectedResult.objects.get_by_natural_key("WTDC-25", "ASP1", 3)
    indicator = Indicator.objects.create(
        expected_result=result, code="1", name="People trained", baseline_value=40
    )
    Target.objects.create(indicator=indicator, year=2026, value=100)
    return indicator


@pytest.fixture
def schools_connected():
    result = ExpectedResult.objects.get_by_natural_key("WTDC-25", "ASP3", 4)
    return Indicator.objects.create(
        expected_result=result, code="1", name="Schools connected", unit=Indicator.Unit.PERCENT
    )


def download(client, query=""):
    response = client.get(f"{DOWNLOAD}{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == target_spreadsheet.XLSX_CONTENT_TYPE
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(workbook):
    """{full code: {header: value}} of the sheet "Targets"."""
    header, *rows = workbook["Targets"].iter_rows(values_only=True)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def set_cells(workbook, full_code, **values):
    """Change the cells of `full_code`'s row: set_cells(book, "ASP1.3-1", target_2027=150)."""
    sheet = workbook["Targets"]
    number = next(row[0].row for row in sheet.iter_rows() if row[0].value == full_code)
    for name, value in values.items():
        sheet[f"{COLUMN[name.replace('_', ' ')]}{number}"] = value
    return number


def xlsx_file(workbook, name="targets.xlsx"):
    stream = io.BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile(name, stream.getvalue())


def csv_file(lines, name="targets.csv"):
    return SimpleUploadedFile(name, ("\ufeff" + "\r\n".join(lines) + "\r\n").encode())


def upload(client, file):
    return client.post(IMPORT, {"file": file})


def text_of(response):
    """The page's HTML with each run of spaces and line breaks made one space."""
    return " ".join(response.text.split())


def targets_of(indicator):
    return {target.year: target.value for target in indicator.targets.all()}


def test_the_targets_list_links_to_the_spreadsheet_and_the_import(admin_client):
    page = admin_client.get(CHANGELIST)

    assert page.status_code == 200
    assert f'href="{DOWNLOAD}">Download the targets spreadsheet</a>' in page.text
    assert f'href="{IMPORT}">Import targets</a>' in page.text


def test_the_download_has_every_indicator_of_the_plan_with_todays_targets(
    admin_client, people_trained, django_assert_max_num_queries
):
    Target.objects.create(indicator=people_trained, year=None, value=500)

    with django_assert_max_num_queries(10):
        rows = rows_of(download(admin_client))  # the current plan: WTDC-25

    plan_indicators = Indicator.objects.filter(
        expected_result__initiative__action_plan__code="WTDC-25"
    )
    assert len(rows) == plan_indicators.count() > 100
    assert set(rows) == {indicator.full_code for indicator in plan_indicators}
    assert rows["ASP1.3-1"] == {
        "indicator": "ASP1.3-1",
        "plan": "WTDC-25",
        "initiative": "ASP1",
        "result number": 3,
        "indicator code": "1",
        "name": "People trained",
        "unit": "Number",
        "baseline": 40,
        "target 2026": 100,
        "target 2027": None,
        "target 2028": None,
        "target 2029": None,
        "target end of plan": 500,
        "reason": None,
    }
    assert rows["ASP1.3-CR"]["name"] == "Countries reached"  # computed ones too


def test_the_download_of_a_region_has_its_indicators_only(admin_client, people_trained):
    rows = rows_of(download(admin_client, "?plan=WTDC-25&region=ASP"))

    assert "ASP1.3-1" in rows
    assert {row["initiative"][:3] for row in rows.values()} == {"ASP"}
    assert admin_client.get(f"{DOWNLOAD}?plan=NOPE").status_code == 404


def test_no_text_of_the_download_is_a_formula(admin_client, people_trained):
    people_trained.name = '=HYPERLINK("http://example.org","x")'
    people_trained.save()

    response = admin_client.get(DOWNLOAD)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # formulas kept
    sheet = workbook["Targets"]
    cell = next(row[5] for row in sheet.iter_rows() if row[0].value == "ASP1.3-1")

    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.org","x")', "s")


def test_a_round_trip_saves_the_changes_with_who_and_why(
    admin_client, superuser, people_trained, schools_connected
):
    workbook = download(admin_client)
    set_cells(workbook, "ASP1.3-1", target_2026=120, target_2027=150, reason="Two more countries")
    set_cells(workbook, "ASP3.4-1", target_end_of_plan=75.5)  # new: no reason needed
    set_cells(workbook, "ASP3.4-CR", target_2026=3)  # a computed indicator takes targets too

    preview = upload(admin_client, xlsx_file(workbook))

    assert preview.status_code == 200
    page = text_of(preview)
    assert "3 targets to create, 1 to revise, " in page
    assert "target 2026: revised <del>100</del> → <ins>120</ins>" in page
    assert "target 2027: new, 150" in page
    assert "target end of plan: new, 75.50" in page
    assert "Reason: Two more countries" in page
    assert targets_of(people_trained) == {2026: 100}  # nothing saved yet

    response = admin_client.post(CONFIRM, {"token": preview.context["token"]}, follow=True)

    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert "3 targets created, 1 revised, from targets.xlsx." in response.text
    assert targets_of(people_trained) == {2026: 120, 2027: 150}
    assert targets_of(schools_connected) == {None: 75.5}
    countries_reached = Indicator.objects.get(
        expected_result=schools_connected.expected_result, code="CR"
    )
    assert targets_of(countries_reached) == {2026: 3}
    revised = people_trained.targets.get(year=2026)
    latest, before = revised.history.order_by("-history_id")[:2]
    assert (latest.value, latest.history_user, latest.history_change_reason) == (
        120,
        superuser,
        "Two more countries",
    )
    assert before.value == 100
    created = schools_connected.targets.get().history.get()
    assert (created.history_type, created.history_user) == ("+", superuser)
    assert created.history_change_reason == "Imported from targets.xlsx"

    again = admin_client.post(CONFIRM, {"token": preview.context["token"]}, follow=True)

    assert "Nothing was saved: there is no preview to confirm" in again.text
    assert revised.history.count() == 2


def test_an_error_anywhere_saves_nothing_and_the_preview_names_row_and_column(
    admin_client, people_trained, schools_connected
):
    workbook = download(admin_client)
    fine = set_cells(workbook, "ASP1.3-1", target_2027=150)
    percent = set_cells(workbook, "ASP3.4-1", target_2026=101, target_2027=-1, target_2028="lots")
    duplicate = workbook["Targets"].max_row + 1
    workbook["Targets"].append(["", "WTDC-25", "ASP1", 3, "1", "", "", "", None, 160])
    unknown = duplicate + 1
    workbook["Targets"].append(["", "WTDC-25", "ASP9", 1, "7", "", "", "", 5])

    preview = upload(admin_client, xlsx_file(workbook))

    assert preview.status_code == 200
    messages = preview.context["preview"].error_messages
    assert messages == [
        f"Row {percent}, target 2026 (column I): At most 100 for this indicator's unit.",
        f"Row {percent}, target 2027 (column J): a target cannot be negative.",
        f"Row {percent}, target 2028 (column K): “lots” is not a number: write it with a "
        "point for decimals (1234.5).",
        f"Row {duplicate}, plan, initiative, result number, indicator code (columns B, C, D, E): "
        f"ASP1.3-1 is also on row {fine}: one row per indicator.",
        f"Row {unknown}, plan, initiative, result number, indicator code (columns B, C, D, E): "
        "there is no indicator ASP9.1-7 in WTDC-25.",
    ]
    for message in messages:
        assert escape(message) in preview.text
    assert "Nothing will be saved until every error is fixed" in preview.text
    assert preview.context["token"] is None
    assert target_spreadsheet.SESSION_KEY not in admin_client.session

    forged = admin_client.post(CONFIRM, {"token": "anything"})

    assert forged.status_code == 302
    assert targets_of(people_trained) == {2026: 100}
    assert not schools_connected.targets.exists()


def test_a_revised_target_without_a_reason_is_refused(admin_client, people_trained):
    workbook = download(admin_client)
    row = set_cells(workbook, "ASP1.3-1", target_2026=130, target_2027=10)

    preview = upload(admin_client, xlsx_file(workbook))

    assert preview.context["preview"].error_messages == [
        f"Row {row}, reason (column N): say why the target changes (target 2026 from 100 to "
        "130): the history keeps it."
    ]
    assert preview.context["token"] is None
    assert targets_of(people_trained) == {2026: 100}


def test_an_empty_cell_leaves_the_target_and_delete_is_refused(admin_client, people_trained):
    workbook = download(admin_client)
    set_cells(workbook, "ASP1.3-1", target_2026=None, target_2027=150)

    preview = upload(admin_client, xlsx_file(workbook))

    assert preview.context["preview"].to_create == 1
    assert preview.context["preview"].to_revise == 0
    admin_client.post(CONFIRM, {"token": preview.context["token"]})
    assert targets_of(people_trained) == {2026: 100, 2027: 150}

    row = set_cells(workbook, "ASP1.3-1", target_2026="delete", target_2027=150)
    refused = upload(admin_client, xlsx_file(workbook))

    assert refused.context["preview"].error_messages == [
        f"Row {row}, target 2026 (column I): “delete”: targets are not deleted from a "
        "spreadsheet. Leave the cell empty to keep the target, or delete it on its indicator's "
        "page."
    ]
    assert "Targets are not deleted from the spreadsheet" in admin_client.get(IMPORT).text


def test_a_csv_works_too(admin_client, people_trained):
    file = csv_file(
        [
            "plan;initiative;result number;indicator code;target 2026;target end of plan;reason",
            "WTDC-25;ASP1;3;1;110;400;New survey",
        ]
    )

    preview = upload(admin_client, file)
    admin_client.post(CONFIRM, {"token": preview.context["token"]})

    assert targets_of(people_trained) == {2026: 110, None: 400}


def test_targets_changed_since_the_preview_save_nothing(admin_client, people_trained):
    workbook = download(admin_client)
    set_cells(workbook, "ASP1.3-1", target_2026=130, target_2027=10, reason="Revised plan")
    preview = upload(admin_client, xlsx_file(workbook))
    Target.objects.filter(indicator=people_trained, year=2026).update(value=90)

    response = admin_client.post(CONFIRM, {"token": preview.context["token"]}, follow=True)

    assert "Nothing was saved: the targets changed since the preview" in response.text
    assert targets_of(people_trained) == {2026: 90}


def test_a_forged_confirm_without_a_valid_preview_does_nothing(admin_client, people_trained):
    workbook = download(admin_client)
    set_cells(workbook, "ASP1.3-1", target_2027=150)

    without_preview = admin_client.post(CONFIRM, {"token": "x"}, follow=True)
    preview = upload(admin_client, xlsx_file(workbook))
    wrong_token = admin_client.post(CONFIRM, {"token": preview.context["token"] + "x"})

    assert "Nothing was saved: there is no preview to confirm" in without_preview.text
    assert wrong_token.status_code == 302
    assert targets_of(people_trained) == {2026: 100}
    # The real preview is still there for its own confirmation.
    admin_client.post(CONFIRM, {"token": preview.context["token"]})
    assert targets_of(people_trained) == {2026: 100, 2027: 150}


def test_a_preview_belongs_to_its_session(admin_client, people_trained):
    workbook = download(admin_client)
    set_cells(workbook, "ASP1.3-1", target_2027=150)
    token = upload(admin_client, xlsx_file(workbook)).context["token"]
    other_client = Client()
    other_client.force_login(UserFactory(username="root2", is_staff=True, is_superuser=True))

    other_client.post(CONFIRM, {"token": token})

    assert targets_of(people_trained) == {2026: 100}


@pytest.fixture
def staff_without_permission():
    """Staff who see the targets but may not add or change them."""
    user = UserFactory(username="staff.viewer", role="Viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_target"))
    return user


def test_staff_without_permission_get_403_and_change_nothing(
    client, admin_client, staff_without_permission, people_trained
):
    workbook = download(admin_client)
    set_cells(workbook, "ASP1.3-1", target_2027=150)
    token = upload(admin_client, xlsx_file(workbook)).context["token"]
    client.force_login(staff_without_permission)

    assert client.get(DOWNLOAD).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert upload(client, xlsx_file(workbook)).status_code == 403
    assert client.post(CONFIRM, {"token": token}).status_code == 403
    targets_list = client.get(CHANGELIST)
    assert targets_list.status_code == 200
    assert "Import targets" not in targets_list.text
    assert "Download the targets spreadsheet" not in targets_list.text
    assert targets_of(people_trained) == {2026: 100}


def test_non_staff_are_sent_to_the_admin_login(client, viewer, people_trained):
    client.force_login(viewer)

    for response in (client.get(DOWNLOAD), client.get(IMPORT), client.post(CONFIRM)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert targets_of(people_trained) == {2026: 100}


def test_staff_who_may_add_and_change_targets_may_import(client, people_trained):
    user = UserFactory(username="targets.keeper", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_target", "change_target", "view_target"])
    )
    client.force_login(user)
    workbook = download(client)
    set_cells(workbook, "ASP1.3-1", target_2027=150)

    token = upload(client, xlsx_file(workbook)).context["token"]
    client.post(CONFIRM, {"token": token})

    assert targets_of(people_trained) == {2026: 100, 2027: 150}
    assert people_trained.targets.get(year=2027).history.get().history_user == user


def test_a_file_too_big_is_refused(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 100

    response = upload(admin_client, SimpleUploadedFile("big.csv", b"plan\n" + b"x" * 200))

    assert "at most 0 MB can be imported at once" in response.text
    assert "preview" not in response.context


def test_a_file_with_too_many_rows_is_refused(admin_client, monkeypatch):
    monkeypatch.setattr(target_spreadsheet, "MAX_ROWS", 3)
    lines = ["plan,initiative,result number,indicator code,target 2026"]
    lines += ["WTDC-25,ASP1,3,1,5"] * 4

    response = upload(admin_client, csv_file(lines))

    assert "The file has more than 4 rows (a header row and 3 indicators)" in response.text


def test_a_file_that_is_not_the_targets_spreadsheet_is_refused(admin_client):
    workbook = Workbook()
    workbook.active.append(["title", "countries"])
    workbook.active.append(["A workshop", "TON"])

    response = upload(admin_client, xlsx_file(workbook))
    not_a_spreadsheet = upload(admin_client, SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage"))

    assert (
        "This is not the targets spreadsheet: unknown columns: “title” (column A)"
        in (response.context["form"].errors["file"][0])
    )
    assert (
        "missing columns: plan, initiative, result number, indicator code"
        in (response.context["form"].errors["file"][0])
    )
    assert (
        "is not an .xlsx or .csv spreadsheet"
        in (not_a_spreadsheet.context["form"].errors["file"][0])
    )
