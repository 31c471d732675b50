"""No data lost: a write that fails half-way leaves nothing half-saved; the admin, like the
staff forms, refuses to save over someone else's newer save; reference data in use cannot be
deleted.

Edit conflicts in the staff workspace are tested with their forms
(tests/activities/test_activity_edit.py, test_report_edit.py), a country in use in
tests/test_admin.py; the import's all-or-nothing in tests/activities/test_activity_import.py.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from activities import services
from activities.models import Activity, ActivityExpectedResult, ProgressReport, TargetGroup
from initiatives.history import record_history
from initiatives.models import ActionPlan, Country, ExpectedResult, Initiative, Region
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    activity_form_data,
    expected_result,
)
from tests.test_admin import admin_url, form_data, page_data

pytestmark = pytest.mark.django_db


class Boom(Exception):
    """The failure a test makes happen in the middle of a write."""


def boom(*args, **kwargs):
    raise Boom


@pytest.fixture
def activity(asp_editor):
    activity = ActivityFactory(countries=["TON"], expected_results=["ASP1.3"], focal_point=None)
    activity.target_groups.set([TargetGroup.objects.get(code="youth")])
    record_history([activity], asp_editor, created=True)
    return activity


def state(activity):
    """What a half-saved write would change: the row, its links and its history."""
    activity = Activity.objects.get(pk=activity.pk)
    return {
        "row": (activity.title, activity.status, activity.version, activity.archived_at),
        "countries": sorted(activity.countries.values_list("iso3", flat=True)),
        "results": sorted(r.code for r in activity.expected_results.all()),
        "history": activity.history.count(),
    }


# --- A failure in the middle of a write saves nothing ---------------------------------------


def test_an_edit_whose_links_fail_half_way_saves_nothing(client, asp_editor, activity, monkeypatch):
    # The row is saved and the links of countries too before the expected results' fail.
    through = ActivityExpectedResult.objects
    monkeypatch.setattr(through, "bulk_create", boom)
    before = state(activity)
    client.force_login(asp_editor)
    data = activity_form_data(
        activity, title="Half saved?", countries=["FJI"], expected_results=["ASP3.4"]
    )
    with pytest.raises(Boom):
        client.post(f"/activities/{activity.pk}/edit/", data)

    assert state(activity) == before


def test_a_new_activity_whose_history_fails_is_not_created(client, asp_editor, monkeypatch):
    monkeypatch.setattr(services, "record_history", boom)
    client.force_login(asp_editor)

    with pytest.raises(Boom):
        client.post("/activities/new/", activity_form_data(title="Never half there"))

    assert not Activity.objects.filter(title="Never half there").exists()
    assert not Activity.countries.through.objects.filter(activity__title="Never half there")


def test_an_archive_whose_history_fails_changes_nothing(client, asp_editor, activity, monkeypatch):
    before = state(activity)
    monkeypatch.setattr(services, "record_history", boom)
    client.force_login(asp_editor)

    with pytest.raises(Boom):
        client.post(f"/activities/{activity.pk}/archive/")

    assert state(activity) == before


def test_a_report_move_whose_history_fails_changes_nothing(
    client, asp_editor, activity, monkeypatch
):
    report = ProgressReportFactory(activity=activity, author=asp_editor)
    monkeypatch.setattr(ProgressReport.history.model, "save", boom)
    client.force_login(asp_editor)

    with pytest.raises(Boom):
        client.post(f"/activities/{activity.pk}/reports/{report.pk}/submit/")

    report.refresh_from_db()
    assert (report.state, report.version, report.submitted_at) == ("draft", 1, None)


def test_an_admin_revert_whose_history_fails_changes_nothing(
    client, superuser, activity, monkeypatch
):
    first = activity.history.latest()  # a version with its links, which a revert restores
    Activity.objects.filter(pk=activity.pk).update(title="Changed since", version=2)
    before = state(activity)
    client.force_login(superuser)
    revert_url = admin_url(Activity, "simple_history", activity.pk, first.history_id)
    data = form_data(client.get(revert_url).context["adminform"].form)
    monkeypatch.setattr(services, "record_history", boom)

    with pytest.raises(Boom):
        client.post(revert_url, data)

    assert state(activity) == before


# --- The admin refuses to save over a newer save ----------------------------------------------


def test_an_admin_change_over_a_newer_save_is_refused(client, superuser, asp_editor, activity):
    client.force_login(superuser)
    opened = page_data(client.get(admin_url(Activity, "change", activity.pk)))
    # Meanwhile an editor saves through the staff workspace.
    client.force_login(asp_editor)
    client.post(f"/activities/{activity.pk}/edit/", activity_form_data(activity, title="Theirs"))
    client.force_login(superuser)

    response = client.post(admin_url(Activity, "change", activity.pk), {**opened, "title": "Mine"})

    assert response.status_code == 200
    assert "Someone else saved this activity since you opened it" in response.text
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Theirs", 2)

    # Opened again, the page carries the new version and saves.
    again = page_data(client.get(admin_url(Activity, "change", activity.pk)))
    response = client.post(admin_url(Activity, "change", activity.pk), {**again, "title": "Mine"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Mine", 3)


def test_an_admin_revert_over_a_newer_save_is_refused(client, superuser, activity):
    first = activity.history.earliest()
    client.force_login(superuser)
    revert_url = admin_url(Activity, "simple_history", activity.pk, first.history_id)
    opened = form_data(client.get(revert_url).context["adminform"].form)
    activity.title, activity.version = "Saved while the revert page was open", 2
    activity.save()

    response = client.post(revert_url, opened)

    assert response.status_code == 200
    assert "Someone else saved this activity" in response.text
    activity.refresh_from_db()
    assert activity.title == "Saved while the revert page was open"


def test_an_admin_report_change_over_a_newer_save_is_refused(client, superuser, asp_editor):
    report = ProgressReportFactory(author=asp_editor, achievements="First words.")
    client.force_login(superuser)
    opened = page_data(client.get(admin_url(ProgressReport, "change", report.pk)))
    ProgressReport.objects.filter(pk=report.pk).update(achievements="Their words.", version=2)

    response = client.post(
        admin_url(ProgressReport, "change", report.pk), {**opened, "achievements": "Mine."}
    )

    assert response.status_code == 200
    assert "Someone else saved this progress report" in response.text
    report.refresh_from_db()
    assert (report.achievements, report.version) == ("Their words.", 2)


# --- Reference data in use cannot be deleted ------------------------------------------------


IN_USE = {
    "expected result ASP1.3": (ExpectedResult, lambda: expected_result("ASP1.3")),
    "initiative ASP1": (Initiative, lambda: Initiative.objects.get(code="ASP1")),
    "action plan WTDC-25": (ActionPlan, lambda: ActionPlan.objects.get(code="WTDC-25")),
    "region ASP": (Region, lambda: Region.objects.get(code="ASP")),
    "target group youth": (TargetGroup, lambda: TargetGroup.objects.get(code="youth")),
}


@pytest.mark.parametrize("what", IN_USE)
def test_reference_data_in_use_cannot_be_deleted_in_the_admin(client, superuser, activity, what):
    model, get = IN_USE[what]
    row = get()
    before = state(activity)
    client.force_login(superuser)

    response = client.post(admin_url(model, "delete", row.pk), {"post": "yes"})

    assert response.status_code == 200
    assert response.context["title"] == f"Cannot delete {model._meta.verbose_name}"
    assert "would require deleting the following protected related objects" in response.text
    assert model.objects.filter(pk=row.pk).exists()
    assert state(activity) == before
    assert list(activity.target_groups.values_list("code", flat=True)) == ["youth"]


@pytest.mark.parametrize("what", ["expected result ASP1.3", "target group youth"])
def test_nor_with_the_delete_selected_action(client, superuser, activity, what):
    model, get = IN_USE[what]
    row = get()
    client.force_login(superuser)

    response = client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.text
    assert model.objects.filter(pk=row.pk).exists()


def test_the_page_names_the_activities_that_use_a_target_group(client, superuser, activity):
    client.force_login(superuser)
    youth = TargetGroup.objects.get(code="youth")

    response = client.get(admin_url(TargetGroup, "delete", youth.pk))

    assert f"Activity: {activity.title}" in response.text


def test_a_target_group_not_in_use_can_be_deleted(client, superuser, activity):
    client.force_login(superuser)
    older = TargetGroup.objects.get(code="older-persons")

    response = client.post(admin_url(TargetGroup, "delete", older.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not TargetGroup.objects.filter(code="older-persons").exists()


def test_a_user_who_wrote_reports_cannot_be_deleted(client, superuser, asp_editor, activity):
    ProgressReportFactory(activity=activity, author=asp_editor)
    client.force_login(superuser)

    response = client.post(reverse("admin:auth_user_delete", args=[asp_editor.pk]), {"post": "yes"})

    assert response.status_code == 200
    assert User.objects.filter(pk=asp_editor.pk).exists()
    assert Country.objects.filter(iso3="TON").exists()
