"""The spreadsheet import: upload → preview row by row → confirm → every row saved, or none."""

import datetime
import decimal
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from activities import services, spreadsheets
from activities.models import Activity, FundingSource, ImportBatch
from tests.factories import (
    ActivityFactory,
    UserFactory,
    budget_line_row,
    csv_file,
    import_row,
    xlsx_file,
    xlsx_with_budget_lines,
)

IMPORT_URL = reverse("activities:activity_import")


def upload(client, data, name="activities.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def confirm(client, batch=None):
    batch = batch or ImportBatch.objects.latest("created_at")
    return client.post(reverse("activities:activity_import_confirm", args=[batch.pk]))


def import_file(client, data, name="activities.xlsx"):
    """Upload and confirm; the preview must be free of errors."""
    preview = upload(client, data, name)
    assert preview.status_code == 200
    assert not preview.context["plan"].has_errors, preview.context["plan"].error_rows[0].messages
    return confirm(client)


def errors_of(response):
    return [message for row in response.context["plan"].error_rows for message in row.messages]


# --- The pages and who may use them ---------------------------------------------------------


def test_it_shows_the_upload_page_with_the_template_link(client, asp_editor):
    client.force_login(asp_editor)
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    assert reverse("activities:import_template") in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_the_activity_list_links_to_the_import_for_editors_only(client, asp_editor, viewer):
    client.force_login(asp_editor)
    assert (
        "Import from a spreadsheet"
        in client.get(reverse("activities:activity_list")).content.decode()
    )
    client.force_login(viewer)
    assert (
        "Import from a spreadsheet"
        not in client.get(reverse("activities:activity_list")).content.decode()
    )


def test_the_admin_activity_list_links_to_the_import(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:activities_activity_changelist"))
    assert response.status_code == 200
    assert IMPORT_URL in response.content.decode()


def test_viewers_get_403_and_import_nothing(client, viewer, asp_editor):
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, xlsx_file([import_row()])).status_code == 403
    client.force_login(asp_editor)
    upload(client, xlsx_file([import_row()]))
    batch = ImportBatch.objects.get()
    client.force_login(viewer)
    assert confirm(client, batch).status_code == 403
    assert not Activity.objects.exists()


def test_confirming_someone_elses_upload_is_404(client, asp_editor, asp_reviewer):
    client.force_login(asp_editor)
    upload(client, xlsx_file([import_row()]))
    batch = ImportBatch.objects.get()
    client.force_login(asp_reviewer)
    assert confirm(client, batch).status_code == 404
    assert not Activity.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_reviewers_import_in_their_regions_too(client, asp_reviewer):
    client.force_login(asp_reviewer)
    import_file(client, xlsx_file([import_row()]))
    assert Activity.objects.get().created_by == asp_reviewer


# --- Preview, then confirm ------------------------------------------------------------------


def test_the_preview_says_what_would_happen_and_saves_nothing(client, asp_editor):
    ActivityFactory(reference="ASP-1", title="Old title", status=Activity.Status.PLANNED)
    ActivityFactory(reference="ASP-2", title="Same", countries=["TON"])
    client.force_login(asp_editor)
    rows = [
        import_row(title="New one"),
        import_row(reference="ASP-1", title="Old title", status="Completed", end_date="2026-11-30"),
        import_row(
            reference="ASP-2",
            title="Same",
            modality="Capacity building/training",
            start_date="2026-02-01",
            end_date="2026-11-30",
        ),
    ]
    response = upload(client, xlsx_file(rows))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [row.action for row in plan.rows] == ["create", "update", "unchanged"]
    page = response.content.decode()
    assert "1 to create, 1 to update, 1 unchanged" in page
    assert "status: <del>Planned</del> → <ins>Completed</ins>" in page
    assert Activity.objects.count() == 2
    assert Activity.objects.get(reference="ASP-1").status == Activity.Status.PLANNED
    assert (
        reverse("activities:activity_import_confirm", args=[ImportBatch.objects.get().pk]) in page
    )


def test_confirm_creates_the_activities_with_their_links_and_one_history_row(client, asp_editor):
    focal = UserFactory(username="focal", email="Focal.Point@itu.int")
    client.force_login(asp_editor)
    row = import_row(
        reference="ASP-2026-014",
        title="IXP feasibility study",
        description="A study.",
        countries="TON; FJI",
        expected_results="ASP3.4; asp1.3",
        status="Ongoing",
        modality="study",
        start_date="2026-03-05",
        end_date="2026-12-31",
        partners="APNIC",
        target_groups="Youth; women-and-girls",
        focal_point_email="focal.point@ITU.int",
        planned_participants_women="120",
        planned_participants_men="95",
    )
    line = budget_line_row(
        reference="ASP-2026-014",
        funding_source="ICT Development Fund",
        amount="25000.50",
        currency="eur",
    )
    response = import_file(client, xlsx_with_budget_lines([row], [line]), name="tonga.xlsx")
    assert response.status_code == 302
    assert response.url == reverse("activities:activity_list")
    activity = Activity.objects.get()
    assert activity.reference == "ASP-2026-014"
    assert activity.region.code == "ASP"
    assert sorted(c.iso3 for c in activity.countries.all()) == ["FJI", "TON"]
    assert sorted(r.code for r in activity.expected_results.all()) == ["ASP1.3", "ASP3.4"]
    assert activity.modality == Activity.Modality.STUDY
    assert activity.end_date == datetime.date(2026, 12, 31)
    budget_line = activity.budget_lines.get()
    assert (budget_line.year, budget_line.amount, budget_line.currency) == (
        2026,
        decimal.Decimal("25000.50"),
        "EUR",
    )
    assert budget_line.funding_source == FundingSource.ICT_DF
    assert budget_line.history.get().history_user == asp_editor
    assert sorted(g.code for g in activity.target_groups.all()) == ["women-and-girls", "youth"]
    assert activity.focal_point == focal
    assert (activity.planned_participants_women, activity.planned_participants_men) == (120, 95)
    assert activity.created_by == activity.updated_by == asp_editor
    assert activity.version == 1
    history = list(activity.history.all())
    assert len(history) == 1
    assert history[0].history_change_reason == "Imported from tonga.xlsx"
    assert history[0].history_user == asp_editor
    # The history row holds the links, as a save through the form writes them.
    assert history[0].countries.count() == 2
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert bytes(batch.content) == b""
    assert "Imported from tonga.xlsx: 1 created, 0 updated, 0 unchanged." in [
        str(m) for m in response.wsgi_request._messages
    ]


def test_a_row_with_a_reference_updates_that_activity_and_bumps_its_version(client, asp_editor):
    activity = ActivityFactory(reference="ASP-1", status=Activity.Status.PLANNED, countries=["TON"])
    history_rows = activity.history.count()
    client.force_login(asp_editor)
    import_file(
        client,
        csv_file([import_row(reference="ASP-1", title="Renamed", countries="TON; WSM")]),
        name="update.csv",
    )
    activity.refresh_from_db()
    assert activity.title == "Renamed"
    assert activity.status == Activity.Status.ONGOING
    assert sorted(c.iso3 for c in activity.countries.all()) == ["TON", "WSM"]
    assert activity.version == 2
    assert activity.updated_by == asp_editor
    assert activity.history.count() == history_rows + 1
    assert activity.history.first().history_change_reason == "Imported from update.csv"


def test_a_row_with_a_tracker_id_updates_that_activity_even_without_reference(client, asp_editor):
    activity = ActivityFactory(title="Before")
    client.force_login(asp_editor)
    import_file(client, xlsx_file([import_row(tracker_id=str(activity.uid), title="After")]))
    activity.refresh_from_db()
    assert activity.title == "After"
    assert Activity.objects.count() == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(client, asp_editor):
    ActivityFactory(reference="ASP-1", title="Old")
    client.force_login(asp_editor)
    data = xlsx_file(
        [import_row(reference="ASP-1", title="New"), import_row(reference="ASP-2", title="Two")]
    )
    import_file(client, data)
    history_rows = Activity.history.count()
    versions = dict(Activity.objects.values_list("reference", "version"))

    response = upload(client, data)
    assert [row.action for row in response.context["plan"].rows] == ["unchanged", "unchanged"]
    page = response.content.decode()
    assert "0 to create, 0 to update, 2 unchanged" in page
    assert "Nothing to import" in page
    assert ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEWED).count() == 0
    # Even when forced through import_rows, nothing is written.
    spreadsheets.import_rows(data, asp_editor, "again.xlsx")
    assert Activity.history.count() == history_rows
    assert dict(Activity.objects.values_list("reference", "version")) == versions


def test_confirming_twice_imports_once(client, asp_editor):
    client.force_login(asp_editor)
    import_file(client, xlsx_file([import_row()]))
    response = confirm(client)
    assert response.status_code == 302
    assert Activity.objects.count() == 1


# --- All or nothing -------------------------------------------------------------------------


def test_a_file_whose_last_row_is_bad_saves_nothing(client, asp_editor):
    client.force_login(asp_editor)
    rows = [import_row(title=f"Activity {n}") for n in range(5)] + [import_row(countries="XYZ")]
    data = xlsx_file(rows)
    response = upload(client, data)
    assert errors_of(response) == ["row 7, countries: 'XYZ' is not a country code"]
    assert "Confirm" not in response.content.decode()
    assert not ImportBatch.objects.exists()  # nothing to confirm
    with pytest.raises(spreadsheets.ImportFailed):
        spreadsheets.import_rows(data, asp_editor, "bad.xlsx")
    assert not Activity.objects.exists()


def test_a_failure_at_the_end_of_saving_saves_nothing(asp_editor, monkeypatch):
    """Everything written, then the last step fails: the transaction takes it all back."""
    ActivityFactory(reference="ASP-1", title="Old")
    rows = [import_row(title=f"Activity {n}") for n in range(3)]
    data = csv_file([*rows, import_row(reference="ASP-1", title="New")])
    history_rows = Activity.history.count()
    record_history = services.record_history

    def write_then_fail(*args, **kwargs):
        record_history(*args, **kwargs)
        assert Activity.objects.count() == 4  # all saved, up to here
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "record_history", write_then_fail)
    with pytest.raises(RuntimeError):
        spreadsheets.import_rows(data, asp_editor, "x.csv")
    assert Activity.objects.count() == 1
    assert Activity.objects.get().title == "Old"
    assert Activity.history.count() == history_rows


def test_confirm_checks_again_and_saves_nothing_when_the_data_changed(client, asp_editor):
    focal = UserFactory(username="focal", email="focal@itu.int")
    client.force_login(asp_editor)
    upload(
        client, xlsx_file([import_row(title="One"), import_row(focal_point_email="focal@itu.int")])
    )
    focal.is_active = False  # meanwhile, the focal point leaves
    focal.save()
    response = confirm(client)
    assert response.status_code == 400
    assert errors_of(response) == [
        "row 3, focal point e-mail: focal@itu.int is not the e-mail of a tracker user"
    ]
    assert not Activity.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEWED


# --- Bad rows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"countries": "XYZ"}, "row 2, countries: 'XYZ' is not a country code"),
        ({"countries": "Atlantis"}, "row 2, countries: “Atlantis” is not a country"),
        ({"countries": "Korea"}, "row 2, countries: “Korea” could be Democratic People's"),
        ({"countries": "TON; KEN"}, "row 2, countries: the countries are in several regions"),
        ({"countries": ""}, "row 2, countries: required, but empty"),
        ({"expected_results": "ASP9.1"}, "row 2, expected results: ASP9.1 does not exist"),
        ({"status": "Running"}, "row 2, status: “Running” is not a status; use one of Planned"),
        ({"modality": "Party"}, "row 2, modality: “Party” is not a modality"),
        ({"target_groups": "Cats"}, "row 2, target groups: “Cats” is not a target group"),
        ({"start_date": "31/02/2026"}, "row 2, start date: “31/02/2026” is not a date"),
        ({"start_date": ""}, "row 2, start date: required, but empty"),
        (
            {"end_date": "2026-01-01"},
            "row 2, end date: The end date cannot be before the start date.",
        ),
        (
            {"planned_participants_men": "12.5"},
            "row 2, planned participants men: 12.5 is not a whole number",
        ),
        ({"planned_participants_women": "-1"}, "row 2, planned participants women: -1 is negative"),
        ({"focal_point_email": "nobody@itu.int"}, "row 2, focal point e-mail: nobody@itu.int is"),
        ({"title": ""}, "row 2, title: required, but empty"),
        ({"title": "x" * 301}, "row 2, title: Ensure this value has at most 300 characters"),
        ({"reference": "R" * 51}, "row 2, reference: Ensure this value has at most 50 characters"),
        (
            {"tracker_id": "0e6f1c2a-0000-4000-8000-000000000000"},
            "row 2, tracker id: no activity has the tracker id",
        ),
        ({"tracker_id": "abc"}, "row 2, tracker id: “abc” is not a tracker id"),
    ],
)
def test_each_bad_value_is_named_by_row_and_column(client, asp_editor, values, message):
    client.force_login(asp_editor)
    response = upload(client, csv_file([import_row(**values)]))
    errors = errors_of(response)
    assert len(errors) == 1, errors
    assert errors[0].startswith(message), errors
    page = response.content.decode()
    assert "Error:" in page  # said in words, not only in red
    assert "1 error: fix the file and upload it again" in page
    assert not ImportBatch.objects.exists()


def test_a_row_with_three_mistakes_shows_all_three(client, asp_editor):
    client.force_login(asp_editor)
    row = import_row(countries="XYZ", status="Running", end_date="2025-01-01")
    response = upload(client, csv_file([row]))
    errors = errors_of(response)
    assert len(errors) == 3, errors
    assert errors[0].startswith("row 2, countries: 'XYZ' is not a country code")
    assert errors[1].startswith("row 2, status: “Running” is not a status")
    assert errors[2] == "row 2, end date: The end date cannot be before the start date."
    assert "3 errors: fix the file and upload it again" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_bad_cell_beside_a_title_too_long_shows_both(client, asp_editor):
    client.force_login(asp_editor)
    row = import_row(title="x" * 301, planned_participants_men="lots")
    response = upload(client, csv_file([row]))
    errors = errors_of(response)
    assert len(errors) == 2, errors
    assert any(
        error.startswith("row 2, title: Ensure this value has at most 300") for error in errors
    )
    assert any(
        error.startswith("row 2, planned participants men: “lots” is not a number")
        for error in errors
    )


def test_a_reference_twice_in_the_file_is_an_error_on_its_second_row(client, asp_editor):
    client.force_login(asp_editor)
    rows = [import_row(reference="ASP-7"), import_row(), import_row(reference="ASP-7")]
    response = upload(client, csv_file(rows))
    assert errors_of(response) == [
        "row 4, reference: ASP-7 appears twice in the file (rows 2 and 4)"
    ]


def test_a_row_outside_the_editors_regions_is_refused(client, asp_editor):
    client.force_login(asp_editor)
    response = upload(client, csv_file([import_row(), import_row(countries="KEN")]))
    assert errors_of(response) == [
        "row 3: Africa is not one of your regions: you cannot write its activities."
    ]


def test_updating_an_activity_of_another_region_is_refused(client, asp_editor):
    from initiatives.models import Region

    ActivityFactory(
        reference="AFR-1",
        region=Region.objects.get(code="AFR"),
        countries=["KEN"],
        expected_results=[],
    )
    client.force_login(asp_editor)
    response = upload(client, csv_file([import_row(reference="AFR-1")]))
    assert errors_of(response) == [
        "row 2: Africa is not one of your regions: you cannot write its activities."
    ]
    assert Activity.objects.get().countries.get().iso3 == "KEN"


def test_an_expected_result_of_another_region_is_refused(client, afr_editor):
    client.force_login(afr_editor)
    response = upload(client, csv_file([import_row(countries="KEN", expected_results="ASP1.3")]))
    assert errors_of(response) == [
        "row 2, expected results: ASP1.3 is an expected result of another region. Choose "
        "expected results of the initiatives of Africa, the region of this activity."
    ]


def test_an_archived_activity_is_not_changed(client, asp_editor):
    from django.utils import timezone

    ActivityFactory(reference="ASP-1", title="Old", archived_at=timezone.now())
    client.force_login(asp_editor)
    response = upload(client, csv_file([import_row(reference="ASP-1", title="New")]))
    assert errors_of(response) == ["row 2: “Old” is archived: restore it before changing it."]


def test_an_old_plans_expected_result_of_the_activity_is_kept(client, asp_editor):
    """An activity linked to an expected result of an earlier plan exports its code; importing
    the sheet back keeps that link rather than calling it unknown."""
    from initiatives.models import ActionPlan
    from tests.factories import initiative_with_results

    ActionPlan.objects.create(
        code="WTDC-22", name="Kigali Action Plan", start_year=2023, end_year=2025
    )
    old = initiative_with_results("ASP", "ASP9", results=1, plan_code="WTDC-22")
    activity = ActivityFactory(reference="ASP-1", title="Old", expected_results=[])
    activity.expected_results.set([old.expected_results.get()])
    client.force_login(asp_editor)
    response = upload(
        client, csv_file([import_row(reference="ASP-1", title="Old", expected_results="ASP9.1")])
    )
    assert not errors_of(response)


# --- Values in their several spellings ------------------------------------------------------


def test_country_names_are_accepted_where_unambiguous(client, asp_editor):
    client.force_login(asp_editor)
    import_file(client, csv_file([import_row(countries="Tonga; fiji; Micronesia")]))
    assert sorted(c.iso3 for c in Activity.objects.get().countries.all()) == ["FJI", "FSM", "TON"]


@pytest.mark.parametrize(
    "written",
    ["2026-03-05", "05/03/2026", "05.03.2026", "5 March 2026", "5 Mar 2026", " 5  march 2026 "],
)
def test_dates_are_read_in_each_accepted_format(client, asp_editor, written):
    client.force_login(asp_editor)
    import_file(client, csv_file([import_row(start_date=written)]))
    assert Activity.objects.get().start_date == datetime.date(2026, 3, 5)


def test_dates_are_read_from_date_cells(client, asp_editor):
    client.force_login(asp_editor)
    row = import_row(start_date=datetime.date(2026, 3, 5), end_date=datetime.datetime(2026, 4, 1))
    import_file(client, xlsx_file([row]))
    activity = Activity.objects.get()
    assert (activity.start_date, activity.end_date) == (
        datetime.date(2026, 3, 5),
        datetime.date(2026, 4, 1),
    )


def test_numbers_are_read_from_number_cells_and_text(client, asp_editor):
    client.force_login(asp_editor)
    import_file(
        client,
        xlsx_file(
            [
                import_row(
                    planned_participants_women=12,
                    planned_participants_men="1,200",
                    reference=2026014,
                )
            ]
        ),
    )
    activity = Activity.objects.get()
    assert (activity.planned_participants_women, activity.planned_participants_men) == (12, 1200)
    assert activity.reference == "2026014"


def test_escaped_formulas_lose_their_quote_on_import(client, asp_editor):
    client.force_login(asp_editor)
    import_file(
        client, csv_file([import_row(title="'=1+2", partners="'@APNIC", description="'plain")])
    )
    activity = Activity.objects.get()
    assert (activity.title, activity.partners, activity.description) == ("=1+2", "@APNIC", "'plain")


# --- Scale ----------------------------------------------------------------------------------


def test_a_5000_row_import_creates_every_activity(client, asp_editor):
    focal = UserFactory(username="focal", email="focal@itu.int")
    ActivityFactory(reference="ASP-00007", title="Before")
    rows = [
        import_row(
            reference=f"ASP-{n:05}",
            title=f"Activity {n}",
            countries="TON; FJI" if n % 2 else "WSM",
            expected_results="ASP3.4; ASP1.3",
            target_groups="Youth",
            focal_point_email="focal@itu.int",
            planned_participants_women=str(n % 50),
        )
        for n in range(5000)
    ]
    history_rows = Activity.history.count()
    client.force_login(asp_editor)
    response = upload(client, csv_file(rows))
    plan = response.context["plan"]
    assert (plan.to_create, plan.to_update, plan.error_count) == (4999, 1, 0)
    confirm(client)
    assert Activity.objects.count() == 5000
    sample = Activity.objects.get(reference="ASP-04321")
    assert sample.title == "Activity 4321"
    assert sorted(c.iso3 for c in sample.countries.all()) == ["FJI", "TON"]
    assert sorted(r.code for r in sample.expected_results.all()) == ["ASP1.3", "ASP3.4"]
    assert sample.focal_point == focal
    assert sample.planned_participants_women == 4321 % 50
    assert Activity.objects.get(reference="ASP-00007").title == "Activity 7"
    assert Activity.history.count() == history_rows + 5000


# --- Round trip -----------------------------------------------------------------------------


def test_export_edit_import_changes_exactly_the_edited_cells(client, asp_editor):
    """Export the list, change two cells in the sheet, import it: those two changes and no
    other are saved, each with its history row."""
    UserFactory(username="focal", email="focal@itu.int")
    first = ActivityFactory(
        title="=cmd|' /C calc'!A0",
        reference="ASP-1",
        budget=("1000.00", FundingSource.REGULAR_BUDGET),
    )
    second = ActivityFactory(
        title="Second",
        countries=["TON", "FJI"],
        expected_results=["ASP3.4", "ASP1.3"],
        description="Line one\nLine two",
        partners="-APNIC",
        end_date=None,
    )
    ActivityFactory(title="Third", status=Activity.Status.PLANNED)
    stream = io.BytesIO()
    spreadsheets.write_xlsx(Activity.objects.all(), stream)
    workbook = load_workbook(io.BytesIO(stream.getvalue()))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    status = headers.index("status") + 1
    by_title = {row[headers.index("title")].value: row[0].row for row in sheet.iter_rows(min_row=2)}
    sheet.cell(by_title["Second"], status).value = "Suspended"
    lines = workbook[spreadsheets.BUDGET_SHEET_TITLE]
    assert lines.max_row == 2  # the header and the first activity's only line
    lines.cell(2, spreadsheets.BUDGET_HEADERS.index("amount") + 1).value = 2500
    edited = io.BytesIO()
    workbook.save(edited)
    before = {a.pk: a.version for a in Activity.objects.all()}
    history_rows = Activity.history.count()

    client.force_login(asp_editor)
    response = upload(client, edited.getvalue())
    plan = response.context["plan"]
    assert sorted(row.action for row in plan.rows) == ["unchanged", "update", "update"]
    changes = sorted(
        (str(row.activity.title), [repr(c) for c in row.changes])
        for row in plan.rows
        if row.changes
    )
    assert changes == [
        (
            "=cmd|' /C calc'!A0",
            [
                "budget lines: 2026 ITU regular budget: 1000.00 USD → "
                "2026 ITU regular budget: 2500.00 USD"
            ],
        ),
        ("Second", ["status: Ongoing → Suspended"]),
    ]
    confirm(client)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.budget_lines.get().amount == 2500
    assert first.title == "=cmd|' /C calc'!A0"
    assert second.status == Activity.Status.SUSPENDED
    assert second.description == "Line one\nLine two"
    assert second.partners == "-APNIC"
    after = {a.pk: a.version for a in Activity.objects.all()}
    assert sorted(pk for pk in after if after[pk] != before[pk]) == sorted([first.pk, second.pk])
    assert Activity.history.count() == history_rows + 2


def test_an_exported_csv_imports_back_unchanged(client, asp_editor):
    ActivityFactory(title="+SUM(A1)", reference="ASP-1", description="Ünïcödé; with, commas")
    ActivityFactory(
        title="Two", expected_results=["ASP3.4"], budget=("5", FundingSource.REGULAR_BUDGET)
    )
    data = "".join(spreadsheets.write_csv(Activity.objects.all())).encode()
    client.force_login(asp_editor)
    response = upload(client, data, name="export.csv")
    assert [row.action for row in response.context["plan"].rows] == ["unchanged", "unchanged"]


def test_the_downloaded_template_filled_in_imports(client, asp_editor):
    client.force_login(asp_editor)
    template = client.get(reverse("activities:import_template"))
    workbook = load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    sheet = workbook[spreadsheets.SHEET_TITLE]
    headers = [cell.value for cell in sheet[1]]
    row = import_row(title="From the template", start_date=datetime.date(2026, 5, 1))
    key_of = {column.header: column.key for column in spreadsheets.COLUMNS}
    for col, header in enumerate(headers, start=1):
        sheet.cell(2, col).value = row.get(key_of[header])
    filled = io.BytesIO()
    workbook.save(filled)
    import_file(client, filled.getvalue(), name="template.xlsx")
    activity = Activity.objects.get()
    assert (activity.title, activity.start_date) == ("From the template", datetime.date(2026, 5, 1))
