"""One write path: the staff form, the admin, the import and the history's revert refuse the
same bad input with the same message, because they all ask activities.services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from activities import services
from activities.models import Activity, ProgressReport
from initiatives.models import Country, Region
from tests.activities.test_activity_import import errors_of, upload
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    activity_form_data,
    budget_line_row,
    csv_file,
    import_row,
    initiative_with_results,
    progress_report_form_data,
    xlsx_with_budget_lines,
)
from tests.test_admin import admin_url, form_data, page_data

END_BEFORE_START = "The end date cannot be before the start date."
KENYA_OUTSIDE = "Kenya is not in {region}, the region of this activity."

# Each bad input: (form and admin field values, import cell values, history row values, message).
BAD_INPUTS = {
    "end date before start": (
        {"start_date": "2026-03-05", "end_date": "2026-01-01"},
        {"start_date": "2026-03-05", "end_date": "2026-01-01"},
        {"start_date": datetime.date(2026, 3, 5), "end_date": datetime.date(2026, 1, 1)},
        END_BEFORE_START,
    ),
}


@pytest.fixture
def asp():
    return Region.objects.get(code="ASP")


@pytest.fixture
def activity(db):
    return ActivityFactory(countries=["TON"], expected_results=["ASP1.3"])


def kenya_outside(asp):
    return KENYA_OUTSIDE.format(region=asp.name)


# --- The staff form ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad_input", BAD_INPUTS)
def test_the_staff_form_refuses_it(client, asp_editor, activity, bad_input):
    fields, _cells, _row, message = BAD_INPUTS[bad_input]
    client.force_login(asp_editor)
    response = client.post(
        reverse("activities:activity_edit", args=[activity.pk]),
        activity_form_data(activity, **fields),
    )
    assert response.status_code == 200
    assert escape(message) in response.text


def test_the_staff_form_refuses_a_country_of_another_region(client, asp_editor, activity, asp):
    client.force_login(asp_editor)
    data = activity_form_data(activity)
    data["countries"] = [Country.objects.get(iso3="KEN").pk]
    response = client.post(reverse("activities:activity_edit", args=[activity.pk]), data)
    assert response.status_code == 200
    # The form offers only its region's countries: Kenya is not among its choices at all.
    assert "Select a valid choice" in response.text


def test_the_write_path_refuses_a_country_of_another_region_whoever_calls(asp_editor, activity):
    with pytest.raises(ValidationError) as refused:
        services.save_activity(
            asp_editor, activity, countries=[Country.objects.get(iso3="KEN")], version=1
        )
    assert refused.value.message_dict["countries"] == [kenya_outside(activity.region)]
    assert list(activity.countries.values_list("iso3", flat=True)) == ["TON"]


# --- The admin --------------------------------------------------------------------------------


def admin_change(client, activity, **fields):
    url = admin_url(Activity, "change", activity.pk)
    data = page_data(client.get(url))
    data.update(fields)
    return client.post(url, data)


@pytest.mark.parametrize("bad_input", BAD_INPUTS)
def test_the_admin_refuses_it(client, superuser, activity, bad_input):
    fields, _cells, _row, message = BAD_INPUTS[bad_input]
    client.force_login(superuser)
    response = admin_change(client, activity, **fields)
    assert response.status_code == 200
    assert escape(message) in response.text
    activity.refresh_from_db()
    assert activity.version == 1


# A budget line's currency: refused by the admin's inline and by the import alike.
BAD_CURRENCY = "Give the currency's three-letter ISO 4217 code, e.g. USD or EUR: US1 is not one."


def test_the_admin_refuses_a_budget_line_in_an_unknown_currency(client, superuser, activity):
    client.force_login(superuser)
    url = admin_url(Activity, "change", activity.pk)
    data = page_data(client.get(url))
    data.update(
        {
            "budget_lines-TOTAL_FORMS": 1,
            "budget_lines-0-year": 2026,
            "budget_lines-0-funding_source": "regular_budget",
            "budget_lines-0-amount": "1000",
            "budget_lines-0-currency": "US1",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert escape(BAD_CURRENCY) in response.text
    assert not activity.budget_lines.exists()


def test_the_admin_refuses_a_country_of_another_region(client, superuser, activity, asp):
    client.force_login(superuser)
    url = admin_url(Activity, "change", activity.pk)
    data = page_data(client.get(url))
    country_field = next(key for key in data if key.endswith("-country"))
    data[country_field] = Country.objects.get(iso3="KEN").pk
    response = client.post(url, data)
    assert response.status_code == 200
    assert escape(kenya_outside(asp)) in response.text


# --- The import -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_input", BAD_INPUTS)
def test_the_import_refuses_it(client, asp_editor, bad_input):
    _fields, cells, _row, message = BAD_INPUTS[bad_input]
    client.force_login(asp_editor)
    response = upload(client, csv_file([import_row(**cells)]), "activities.csv")
    assert any(error.endswith(message) for error in errors_of(response)), errors_of(response)


def test_the_import_refuses_a_budget_line_in_an_unknown_currency(client, asp_editor):
    client.force_login(asp_editor)
    data = xlsx_with_budget_lines(
        [import_row(reference="ASP-1")], [budget_line_row(reference="ASP-1", currency="us1")]
    )
    response = upload(client, data)
    assert any(error.endswith(BAD_CURRENCY) for error in errors_of(response)), errors_of(response)


def test_the_import_refuses_an_expected_result_of_another_region(client, asp_editor, asp):
    initiative_with_results("AFR", "AFR1")
    client.force_login(asp_editor)
    # Kenya would make the row an African activity, outside the editor's regions; an African
    # expected result beside Tonga breaks the links' rule.
    response = upload(
        client, csv_file([import_row(countries="TON", expected_results="ASP1.3; AFR1.1")])
    )
    message = (
        "AFR1.1 is an expected result of another region. Choose expected results of the "
        f"initiatives of {asp.name}, the region of this activity."
    )
    assert any(error.endswith(message) for error in errors_of(response)), errors_of(response)


def test_an_import_row_with_three_mistakes_shows_three(client, asp_editor):
    client.force_login(asp_editor)
    row = import_row(countries="ATLANTIS", end_date="2026-01-01", modality="Juggling")
    response = upload(client, csv_file([row]), "activities.csv")
    errors = errors_of(response)
    assert len(errors) == 3, errors
    assert any("ATLANTIS" in error for error in errors)
    assert any(error.endswith(END_BEFORE_START) for error in errors)
    assert any("“Juggling” is not a modality" in error for error in errors)


# --- The history's revert ---------------------------------------------------------------------


def revert_page(client, activity, version):
    url = admin_url(Activity, "simple_history", activity.pk, version.history_id)
    data = form_data(client.get(url).context["adminform"].form)
    return client.post(url, data)


@pytest.mark.parametrize("bad_input", BAD_INPUTS)
def test_the_revert_refuses_it(client, superuser, activity, bad_input):
    """A version that breaks today's rules (written before them, say) is not restored."""
    _fields, _cells, row_values, message = BAD_INPUTS[bad_input]
    version = activity.history.latest()
    type(version).objects.filter(history_id=version.history_id).update(**row_values)
    client.force_login(superuser)
    response = revert_page(client, activity, version)
    assert response.status_code == 200
    assert escape(message) in response.text
    activity.refresh_from_db()
    assert activity.version == 1


def test_the_revert_refuses_a_country_of_another_region(client, superuser, activity, asp):
    version = activity.history.latest()
    version.countries.model.objects.filter(history=version).update(
        country=Country.objects.get(iso3="KEN")
    )
    client.force_login(superuser)
    response = revert_page(client, activity, version)
    assert response.status_code == 200
    assert escape(f"This version cannot be restored: {kenya_outside(asp)}") in response.text


# --- Progress reports: the form and the admin -------------------------------------------------

BAD_LINK = "Line 2 is not a web address starting with http:// or https://: “ftp://files”."


@pytest.fixture
def draft(asp_editor):
    activity = ActivityFactory(countries=["TON"], expected_results=["ASP1.3"])
    return ProgressReportFactory(activity=activity, author=asp_editor)


def test_the_report_form_refuses_a_bad_evidence_link(client, asp_editor, draft):
    client.force_login(asp_editor)
    response = client.post(
        reverse("activities:report_edit", args=[draft.activity_id, draft.pk]),
        progress_report_form_data(draft, evidence_links="https://itu.int\nftp://files"),
    )
    assert response.status_code == 200
    assert escape(BAD_LINK) in response.text


def test_the_report_admin_refuses_a_bad_evidence_link(client, superuser, draft):
    client.force_login(superuser)
    url = admin_url(ProgressReport, "change", draft.pk)
    data = page_data(client.get(url))
    data["evidence_links"] = "https://itu.int\nftp://files"
    response = client.post(url, data)
    assert response.status_code == 200
    assert escape(BAD_LINK) in response.text
    draft.refresh_from_db()
    assert (draft.evidence_links, draft.version) == ("", 1)


def test_an_admin_edit_of_a_report_keeps_its_workflow_as_the_database_has_it(
    client, superuser, asp_editor, asp_reviewer, draft
):
    """The admin page was opened on a draft; the report is submitted and approved meanwhile:
    the admin's stale copy of the workflow's fields is not saved back (and the stale version
    is refused)."""
    client.force_login(superuser)
    url = admin_url(ProgressReport, "change", draft.pk)
    data = page_data(client.get(url))
    services.submit_report(draft, asp_editor)
    services.approve_report(draft, asp_reviewer)
    data["achievements"] = "Corrected by an administrator."

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Someone else saved this progress report since you opened it" in refused.text

    data = page_data(client.get(url))
    data["achievements"] = "Corrected by an administrator."
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.reviewer, draft.achievements) == (
        "approved",
        asp_reviewer,
        "Corrected by an administrator.",
    )
    assert draft.history.first().history_user == superuser
