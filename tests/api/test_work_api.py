"""The API's activities and progress reports, used as a partner system would: with a personal
token, through the URLs. A write through the API is the page's write: same checks, same
messages, same history (but "via API"), same refusals."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from activities.history import history_entries
from activities.models import Activity, ApiToken, ProgressReport
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    activity_form_data,
    api_client,
    approved_report,
    progress_report_form_data,
)

pytestmark = pytest.mark.django_db
State = ProgressReport.State

NEW_ACTIVITY = {
    "title": "Spectrum management training for Pacific regulators",
    "status": "planned",
    "modality": Activity.Modality.CAPACITY_BUILDING,
    "region": "ASP",
    "countries": ["TON"],
    "expected_results": ["ASP1.3"],
    "start_date": "2026-03-01",
    "end_date": "2026-06-30",
}


@pytest.fixture
def editor():
    return UserFactory(username="asp-editor", role="Editor", regions=["ASP"])


@pytest.fixture
def africa_editor():
    return UserFactory(username="afr-editor", role="Editor", regions=["AFR"])


@pytest.fixture
def reviewer():
    return UserFactory(username="asp-reviewer", role="Reviewer", regions=["ASP"])


def test_anonymous_callers_are_asked_for_a_token():
    answer = APIClient().get("/api/v1/activities/")
    assert answer.status_code == 401
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_gets_401(editor):
    token, secret = ApiToken.objects.issue(editor, "old")
    token.revoked_at = datetime.datetime.now(datetime.UTC)
    token.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/activities/").status_code == 401


# --- Reading -------------------------------------------------------------------------------


def test_activities_are_listed_with_codes_and_a_cursor(editor):
    for number in range(3):
        ActivityFactory(title=f"Activity {number}", countries=["TON", "FJI"])
    client = api_client(editor)
    first = client.get("/api/v1/activities/", {"page_size": 2}).json()
    assert [row["title"] for row in first["results"]] == ["Activity 0", "Activity 1"]
    assert first["results"][0]["region"] == "ASP"
    assert sorted(first["results"][0]["countries"]) == ["FJI", "TON"]
    second = client.get(first["next"]).json()
    assert [row["title"] for row in second["results"]] == ["Activity 2"]
    assert second["next"] is None


def test_the_list_takes_the_list_pages_filters(editor):
    ActivityFactory(title="In Tonga", countries=["TON"], status=Activity.Status.ONGOING)
    ActivityFactory(title="In Fiji", countries=["FJI"], status=Activity.Status.PLANNED)
    client = api_client(editor)
    rows = client.get("/api/v1/activities/", {"country": "TON"}).json()["results"]
    assert [row["title"] for row in rows] == ["In Tonga"]
    rows = client.get("/api/v1/activities/", {"status": "planned"}).json()["results"]
    assert [row["title"] for row in rows] == ["In Fiji"]


def test_an_invalid_filter_is_a_400_that_says_what_is_wrong(editor):
    answer = api_client(editor).get("/api/v1/activities/", {"status": "finished", "year": "x"})
    assert answer.status_code == 400
    body = answer.json()
    assert answer["Content-Type"].startswith("application/problem+json")
    assert set(body["errors"]) == {"status", "year"}


def test_the_list_reads_the_same_number_of_queries_for_2_and_for_12_activities(editor):
    client = api_client(editor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/activities/").status_code == 200
        return len(captured)

    ActivityFactory.create_batch(2, countries=["TON"], expected_results=["ASP1.3"])
    queries()  # the token's first use is written down once
    few = queries()
    ActivityFactory.create_batch(10, countries=["FJI", "WSM"], expected_results=["ASP1.1"])
    assert queries() == few


def test_an_activity_reads_as_its_page_shows_it(editor):
    activity = ActivityFactory(countries=["TON"], expected_results=["ASP1.3"], budget=(5000, "itu"))
    body = api_client(editor).get(f"/api/v1/activities/{activity.pk}/").json()
    assert body["expected_results"] == ["WTDC-25 ASP1.3"]
    assert body["version"] == activity.version
    assert body["budget_lines"][0]["amount"] == "5000.00"
    assert body["page"].endswith(activity.get_absolute_url())


def test_an_unknown_activity_is_a_404_problem(editor):
    answer = api_client(editor).get("/api/v1/activities/999999/")
    assert answer.status_code == 404
    assert answer.json()["status"] == 404


# --- Writing activities ----------------------------------------------------------------------


def test_an_activity_created_through_the_api_has_the_forms_history(editor, client):
    answer = api_client(editor).post("/api/v1/activities/", NEW_ACTIVITY, format="json")
    assert answer.status_code == 201, answer.json()["errors"]
    through_api = Activity.objects.get(pk=answer.json()["id"])

    client.force_login(editor)
    data = activity_form_data(title=NEW_ACTIVITY["title"] + " (form)")
    assert client.post("/activities/new/", data).status_code == 302
    through_form = Activity.objects.get(title=NEW_ACTIVITY["title"] + " (form)")

    api_entry, form_entry = history_entries(through_api)[0], history_entries(through_form)[0]
    assert (api_entry.action, form_entry.action) == ("Created via API", "Created")
    assert api_entry.user == form_entry.user == editor
    assert [c.label for c in api_entry.changes] == [c.label for c in form_entry.changes]
    assert list(through_api.countries.values_list("iso3", flat=True)) == ["TON"]
    assert answer.json()["expected_results"] == ["WTDC-25 ASP1.3"]


def test_a_change_through_the_api_is_in_the_history_via_api(editor):
    activity = ActivityFactory(title="Old title", countries=["TON"])
    answer = api_client(editor).patch(
        f"/api/v1/activities/{activity.pk}/",
        {"title": "New title", "version": activity.version},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["version"] == activity.version + 1
    entry = history_entries(activity)[0]
    assert entry.action == "Changed via API"
    assert [(c.label, c.old, c.new) for c in entry.changes] == [("Title", "Old title", "New title")]


def test_bad_input_is_refused_with_the_forms_messages(editor, client):
    bad = {"start_date": "2026-06-30", "end_date": "2026-03-01", "countries": []}
    answer = api_client(editor).post("/api/v1/activities/", {**NEW_ACTIVITY, **bad}, format="json")
    assert answer.status_code == 400
    errors = answer.json()["errors"]

    client.force_login(editor)
    page = client.post("/activities/new/", activity_form_data(**bad))
    form_errors = page.context["form"].errors
    assert errors["end_date"] == form_errors["end_date"]
    assert errors["countries"] == form_errors["countries"]
    assert not Activity.objects.exists()


def test_unknown_codes_and_fields_are_named(editor):
    client = api_client(editor)
    answer = client.post(
        "/api/v1/activities/", {**NEW_ACTIVITY, "countries": ["XXX"]}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"countries": ["XXX does not exist."]}
    answer = client.post("/api/v1/activities/", {**NEW_ACTIVITY, "budget": 5}, format="json")
    assert answer.json()["errors"] == {"budget": ["There is no field “budget” to write here."]}
    answer = client.post("/api/v1/activities/", ["not", "an", "object"], format="json")
    assert answer.status_code == 400
    assert not Activity.objects.exists()


def test_an_africa_editor_cannot_write_in_asia_pacific(africa_editor):
    client = api_client(africa_editor)
    answer = client.post("/api/v1/activities/", NEW_ACTIVITY, format="json")
    assert answer.status_code == 403
    assert "not one of your regions" in answer.json()["detail"]
    activity = ActivityFactory(title="Theirs")
    answer = client.patch(
        f"/api/v1/activities/{activity.pk}/",
        {"title": "Mine now", "version": activity.version},
        format="json",
    )
    assert answer.status_code == 403
    activity.refresh_from_db()
    assert activity.title == "Theirs"
    assert not Activity.objects.filter(title=NEW_ACTIVITY["title"]).exists()


def test_a_viewer_and_a_read_only_token_cannot_write(editor, viewer):
    activity = ActivityFactory()
    change = {"title": "Changed", "version": activity.version}
    url = f"/api/v1/activities/{activity.pk}/"
    assert api_client(viewer).patch(url, change, format="json").status_code == 403
    assert api_client(editor, read_only=True).patch(url, change, format="json").status_code == 403
    assert api_client(editor, read_only=True).get(url).status_code == 200
    activity.refresh_from_db()
    assert activity.title != "Changed"


def test_a_viewer_cannot_create_an_activity_whatever_it_sends(viewer):
    for body in ({}, NEW_ACTIVITY, {"title": "No region"}):
        answer = api_client(viewer).post("/api/v1/activities/", body, format="json")
        assert answer.status_code == 403, body
    assert not Activity.objects.exists()


def test_a_stale_version_is_a_409_with_what_changed(editor):
    activity = ActivityFactory(title="First", countries=["TON"])
    read_version = activity.version
    client = api_client(editor)
    url = f"/api/v1/activities/{activity.pk}/"
    assert (
        client.patch(url, {"title": "Second", "version": read_version}, format="json").status_code
        == 200
    )
    answer = client.patch(url, {"title": "Third", "version": read_version}, format="json")
    assert answer.status_code == 409
    body = answer.json()
    assert body["current_version"] == read_version + 1
    assert {"field": "Title", "before": "First", "after": "Second"} in body["changes"]
    activity.refresh_from_db()
    assert activity.title == "Second"


def test_a_change_needs_the_version_it_was_read_at(editor):
    activity = ActivityFactory()
    answer = api_client(editor).patch(
        f"/api/v1/activities/{activity.pk}/", {"title": "No version"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "version": [
            "Give the version you read (the `version` of what you change): nobody's save is "
            "overwritten."
        ]
    }


def test_put_and_delete_are_not_spoken(editor):
    activity = ActivityFactory()
    client = api_client(editor)
    assert client.delete(f"/api/v1/activities/{activity.pk}/").status_code == 405
    assert client.put(f"/api/v1/activities/{activity.pk}/", {}, format="json").status_code == 405


# --- Progress reports --------------------------------------------------------------------------


def test_a_report_written_submitted_and_approved_through_the_api(editor, reviewer):
    activity = ActivityFactory(countries=["TON"], status=Activity.Status.ONGOING)
    writer = api_client(editor)
    data = {**progress_report_form_data(year=2026, quarter=1), "activity": activity.pk}
    answer = writer.post("/api/v1/progress-reports/", data, format="json")
    assert answer.status_code == 201, answer.json()["errors"]
    report_id = answer.json()["id"]
    assert answer.json()["state"] == "draft"

    answer = writer.post(f"/api/v1/progress-reports/{report_id}/submit/")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == "submitted"
    assert [m.to for m in mail.outbox] == [[reviewer.email]]

    answer = api_client(reviewer).post(
        f"/api/v1/progress-reports/{report_id}/approve/", {"comment": "Good"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == "approved"
    reasons = list(
        ProgressReport.objects.get(pk=report_id)
        .history.order_by("history_id")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons == ["Created via API", "Submitted via API", "Approved via API"]


def test_a_return_needs_a_comment_as_on_the_page(editor, reviewer):
    report = ProgressReportFactory(author=editor, state=State.SUBMITTED)
    answer = api_client(reviewer).post(
        f"/api/v1/progress-reports/{report.pk}/return/", {"comment": " "}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"]["comment"] == [
        "Say what to change: a returned report needs a comment for its author."
    ]
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_nobody_approves_their_own_report(reviewer):
    report = ProgressReportFactory(author=reviewer, state=State.SUBMITTED)
    answer = api_client(reviewer).post(f"/api/v1/progress-reports/{report.pk}/approve/")
    assert answer.status_code == 409
    assert "another reviewer" in answer.json()["detail"]


def test_other_peoples_drafts_are_not_listed_nor_found(editor):
    own = ProgressReportFactory(author=editor, quarter=1)
    theirs = ProgressReportFactory(quarter=2)
    submitted = ProgressReportFactory(state=State.SUBMITTED, quarter=3)
    client = api_client(editor)
    ids = [row["id"] for row in client.get("/api/v1/progress-reports/").json()["results"]]
    assert sorted(ids) == sorted([own.pk, submitted.pk])
    assert client.get(f"/api/v1/progress-reports/{theirs.pk}/").status_code == 404
    answer = client.post(f"/api/v1/progress-reports/{theirs.pk}/submit/")
    assert answer.status_code == 404


def test_a_report_edit_with_a_stale_version_is_a_409(editor):
    report = ProgressReportFactory(author=editor, percent_complete=10)
    client = api_client(editor)
    url = f"/api/v1/progress-reports/{report.pk}/"
    first = client.patch(url, {"percent_complete": 20, "version": report.version}, format="json")
    assert first.status_code == 200, first.json()
    answer = client.patch(url, {"percent_complete": 30, "version": report.version}, format="json")
    assert answer.status_code == 409
    assert answer.json()["current_version"] == report.version + 1
    report.refresh_from_db()
    assert report.percent_complete == 20


def test_a_report_is_refused_with_the_forms_messages(editor, client):
    activity = ActivityFactory()
    bad = progress_report_form_data(percent_complete=150, year=2026, quarter=1)
    answer = api_client(editor).post(
        "/api/v1/progress-reports/", {**bad, "activity": activity.pk}, format="json"
    )
    assert answer.status_code == 400
    client.force_login(editor)
    page = client.post(f"/activities/{activity.pk}/reports/new/", bad)
    assert (
        answer.json()["errors"]["percent_complete"]
        == page.context["form"].errors["percent_complete"]
    )
    assert not ProgressReport.objects.exists()


def test_an_approved_report_cannot_be_edited(editor):
    report = approved_report(ActivityFactory(), 2026, 1)
    answer = api_client(editor).patch(
        f"/api/v1/progress-reports/{report.pk}/",
        {"percent_complete": 99, "version": report.version},
        format="json",
    )
    assert answer.status_code in (403, 409)
    report.refresh_from_db()
    assert report.percent_complete != 99


def test_a_path_that_leads_nowhere_is_a_404_problem(editor):
    for client in (APIClient(), api_client(editor)):
        answer = client.get("/api/v1/no/such/endpoint/")
        assert answer.status_code == 404
        assert answer["Content-Type"].startswith("application/problem+json")
