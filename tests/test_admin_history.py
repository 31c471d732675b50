"""History and revert in the admin, as an administrator uses them: users and groups keep their
history (never a password), a revert of a user brings their roles back and leaves their password
alone, a revert of an activity brings its countries, expected results and target groups back
through the rules of any save, and a revert saves everything or nothing."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User

from activities.models import Activity, TargetGroup
from initiatives.models import Country, ExpectedResult, Initiative, Region
from tests.factories import (
    DEFAULT_PASSWORD,
    ActivityFactory,
    UserFactory,
    activity_form_data,
    expected_result,
)
from tests.test_admin import admin_url, form_data, page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def revert(client, model, obj, version, **changes):
    """Open the revert page of `obj`'s history row `version` and post it back as shown, with
    `changes`; returns the response."""
    url = admin_url(model, "simple_history", obj.pk, version.history_id)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.context["adminform"].form)
    data.update(changes)
    return client.post(url, data)


def group_names(user):
    return sorted(user.groups.values_list("name", flat=True))


def linked(version, field_name, target):
    """The ids that the history row `version` keeps for its many-to-many field `field_name`."""
    return sorted(getattr(version, field_name).values_list(target, flat=True))


# --- Users -------------------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    """An Editor of Asia-Pacific, as the admin created them: their history's latest row."""
    return UserFactory(
        username="ana", first_name="Ana", email="ana@example.org", role="Editor", regions=["ASP"]
    )


def change_user_in_admin(client, user, **changes):
    """Post `user`'s admin page as shown, with `changes` (None: the box left unticked)."""
    data = page_data(client.get(admin_url(User, "change", user.pk)))
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    response = client.post(admin_url(User, "change", user.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_it_keeps_a_users_history_without_the_password(admin_client, editor):
    change_user_in_admin(admin_client, editor, first_name="Anna")

    fields = [field.name for field in User.history.model._meta.fields]
    assert "password" not in fields
    assert "last_login" not in fields
    editor.refresh_from_db()
    for row in User.history.filter(id=editor.pk).values():
        assert editor.password not in row.values()
    response = admin_client.get(admin_url(User, "history", editor.pk))
    assert response.status_code == 200
    newest = response.context["page_obj"].object_list[0]
    assert newest.first_name == "Anna"


def test_an_admin_save_of_a_user_writes_one_history_row_with_their_roles(admin_client, editor):
    rows_before = editor.history.count()

    change_user_in_admin(
        admin_client, editor, groups=[Group.objects.get(name="Reviewer").pk], is_active=None
    )

    assert editor.history.count() == rows_before + 1
    latest = editor.history.latest()
    assert latest.is_active is False
    assert linked(latest, "groups", "group__name") == ["Reviewer"]
    assert latest.history_user.username == "root"


def test_reverting_a_user_restores_their_roles_and_keeps_their_password(admin_client, editor):
    before = editor.history.latest()  # Ana, active, an Editor
    change_user_in_admin(
        admin_client,
        editor,
        first_name="Someone else",
        email="someone@example.org",
        is_active=None,
        groups=[Group.objects.get(name="Viewer").pk],
    )
    # Later, the user changes their own password and logs in.
    editor.refresh_from_db()
    editor.set_password("a new and better passphrase")
    editor.save()
    admin_client.force_login(editor)
    editor.refresh_from_db()
    password, last_login = editor.password, editor.last_login
    root = User.objects.get(username="root")
    admin_client.force_login(root)
    rows_before = editor.history.count()

    response = revert(admin_client, User, editor, before)

    assert response.status_code == 302
    editor.refresh_from_db()
    assert (editor.first_name, editor.email, editor.is_active) == ("Ana", "ana@example.org", True)
    assert group_names(editor) == ["Editor"]
    assert editor.password == password
    assert editor.check_password("a new and better passphrase")
    assert editor.last_login == last_login
    assert list(editor.region_assignments.values_list("region__code", flat=True)) == ["ASP"]
    assert editor.history.count() == rows_before + 1
    assert linked(editor.history.latest(), "groups", "group__name") == ["Editor"]


def test_the_revert_page_of_a_user_neither_shows_nor_takes_a_password(admin_client, editor):
    version = editor.history.latest()
    url = admin_url(User, "simple_history", editor.pk, version.history_id)

    page = admin_client.get(url)

    shown = [
        name for _, options in page.context["adminform"].fieldsets for name in options["fields"]
    ]
    assert "email" in shown and "groups" in shown
    assert "password" not in shown and "last_login" not in shown
    # (The change page shows both.)
    change_page = admin_client.get(admin_url(User, "change", editor.pk))
    assert {"password", "last_login"} <= set(change_page.context["adminform"].form.fields)
    editor.refresh_from_db()
    # A forged post with another password hash changes nothing of the password.
    attacker = UserFactory(username="mallory")
    data = form_data(page.context["adminform"].form)
    data["password"] = attacker.password
    assert admin_client.post(url, data).status_code == 302
    editor_password = User.objects.get(pk=editor.pk).password
    assert editor_password == editor.password
    assert editor_password != attacker.password


def test_a_deleted_user_brought_back_has_their_roles_and_no_password(admin_client, editor):
    version = editor.history.latest()
    pk = editor.pk
    editor.delete()

    response = revert(admin_client, User, User(pk=pk), version)

    assert response.status_code == 302
    back = User.objects.get(pk=pk)
    assert back.username == "ana"
    assert group_names(back) == ["Editor"]
    assert not back.has_usable_password()
    assert not back.check_password(DEFAULT_PASSWORD)


def test_a_login_writes_no_history_row(client, editor):
    rows_before = editor.history.count()

    assert client.login(username="ana", password=DEFAULT_PASSWORD)

    editor.refresh_from_db()
    assert editor.last_login is not None
    assert editor.history.count() == rows_before


# --- Groups (roles) ------------------------------------------------------------------------------


def permission(codename):
    return Permission.objects.get(codename=codename)


def test_reverting_a_group_restores_its_permissions(admin_client):
    response = admin_client.post(
        admin_url(Group, "add"),
        {"name": "Auditors", "permissions": [permission("view_activity").pk]},
    )
    assert response.status_code == 302
    auditors = Group.objects.get(name="Auditors")
    created = auditors.history.latest()
    assert created.history_type == "+"
    assert linked(created, "permissions", "permission__codename") == ["view_activity"]
    data = page_data(admin_client.get(admin_url(Group, "change", auditors.pk)))
    data["permissions"] = [permission("view_activity").pk, permission("change_activity").pk]
    assert admin_client.post(admin_url(Group, "change", auditors.pk), data).status_code == 302
    assert auditors.history.count() == 2
    assert admin_client.get(admin_url(Group, "history", auditors.pk)).status_code == 200

    response = revert(admin_client, Group, auditors, created)

    assert response.status_code == 302
    assert list(auditors.permissions.values_list("codename", flat=True)) == ["view_activity"]
    assert auditors.history.count() == 3
    latest = auditors.history.latest()
    assert linked(latest, "permissions", "permission__codename") == ["view_activity"]


# --- Activities ----------------------------------------------------------------------------------


@pytest.fixture
def activity(db):
    """An activity in Tonga and Fiji for ASP1.3 and ASP3.4, for youth: its latest history row
    holds all of it."""
    activity = ActivityFactory(countries=["TON", "FJI"], expected_results=["ASP1.3", "ASP3.4"])
    activity.target_groups.set([TargetGroup.objects.get(code="youth")])
    return activity


def edit_in_the_workspace(client, activity, **changes):
    """An Editor of Asia-Pacific edits `activity` through the staff workspace."""
    client.force_login(UserFactory(role="Editor", regions=["ASP"]))
    activity.refresh_from_db()
    response = client.post(
        f"/activities/{activity.pk}/edit/", activity_form_data(activity, **changes)
    )
    assert response.status_code == 302
    activity.refresh_from_db()


def test_reverting_an_activity_restores_its_countries_results_and_target_groups(
    client, superuser, activity
):
    before = activity.history.latest()
    edit_in_the_workspace(
        client,
        activity,
        title="Retitled",
        countries=["WSM"],
        expected_results=["ASP2.1"],
        target_groups=["women-and-girls"],
    )
    version, rows_before = activity.version, activity.history.count()
    client.force_login(superuser)

    page = client.get(admin_url(Activity, "simple_history", activity.pk, before.history_id))
    # The page says which links the revert brings back besides the form's fields.
    assert "Fiji, Tonga" in page.text
    assert "ASP1.3" in page.text and "ASP3.4" in page.text
    response = revert(client, Activity, activity, before)

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == before.title
    assert sorted(activity.countries.values_list("iso3", flat=True)) == ["FJI", "TON"]
    assert sorted(r.code for r in activity.expected_results.all()) == ["ASP1.3", "ASP3.4"]
    assert list(activity.target_groups.values_list("code", flat=True)) == ["youth"]
    assert activity.version == version + 1
    assert activity.updated_by == superuser
    # One history row for the revert, by the administrator, with the links restored.
    assert activity.history.count() == rows_before + 1
    latest = activity.history.latest()
    assert (latest.version, latest.history_user) == (version + 1, superuser)
    assert linked(latest, "countries", "country__iso3") == ["FJI", "TON"]
    assert linked(latest, "expected_results", "expected_result_id") == sorted(
        [expected_result("ASP1.3").pk, expected_result("ASP3.4").pk]
    )
    assert linked(latest, "target_groups", "targetgroup__code") == ["youth"]


def test_a_deleted_activity_comes_back_with_its_links(admin_client, activity):
    version = activity.history.latest()
    pk = activity.pk
    activity.delete()

    response = revert(admin_client, Activity, Activity(pk=pk), version)

    assert response.status_code == 302
    back = Activity.objects.get(pk=pk)
    assert sorted(back.countries.values_list("iso3", flat=True)) == ["FJI", "TON"]
    assert back.version == version.version + 1


def assert_nothing_saved(activity, countries, version, rows, log_entries):
    activity.refresh_from_db()
    assert sorted(activity.countries.values_list("iso3", flat=True)) == countries
    assert activity.version == version
    assert activity.history.count() == rows
    assert LogEntry.objects.count() == log_entries


def test_a_revert_to_a_country_that_moved_region_is_refused(client, superuser, activity):
    before = activity.history.latest()
    edit_in_the_workspace(client, activity, countries=["FJI"])
    # Tonga moves to another region (a correction of the reference data).
    Country.objects.filter(iso3="TON").update(region=Region.objects.get(code="AFR"))
    state = (["FJI"], activity.version, activity.history.count(), LogEntry.objects.count())
    client.force_login(superuser)

    response = revert(client, Activity, activity, before)

    assert response.status_code == 200
    assert (
        "This version cannot be restored: Tonga is not in Asia and the Pacific, the region of "
        "this activity." in response.text
    )
    assert_nothing_saved(activity, *state)


def test_a_revert_to_a_version_without_countries_is_refused(admin_client, activity):
    created = activity.history.earliest()  # saved before its links were set
    assert linked(created, "countries", "country_id") == []
    state = (["FJI", "TON"], activity.version, activity.history.count(), LogEntry.objects.count())

    response = revert(admin_client, Activity, activity, created)

    assert response.status_code == 200
    assert "This version cannot be restored: Choose at least one country." in response.text
    assert_nothing_saved(activity, *state)


def test_a_revert_to_an_expected_result_deleted_since_is_refused(client, superuser, activity):
    asp1 = Initiative.objects.get(action_plan__code="WTDC-25", code="ASP1")
    short_lived = ExpectedResult.objects.create(initiative=asp1, number=99, text="Short-lived.")
    activity.expected_results.add(short_lived)
    before = activity.history.latest()
    edit_in_the_workspace(client, activity, expected_results=["ASP1.3"])
    short_lived.delete()  # no longer in use: the admin lets it go
    state = (["FJI", "TON"], activity.version, activity.history.count(), LogEntry.objects.count())
    client.force_login(superuser)

    response = revert(client, Activity, activity, before)

    assert response.status_code == 200
    assert (
        "This version cannot be restored: 1 of its expected results no longer exist."
        in response.text
    )
    assert_nothing_saved(activity, *state)
    assert [r.code for r in activity.expected_results.all()] == ["ASP1.3"]


def test_an_activity_revert_that_fails_midway_saves_nothing(admin_client, activity, monkeypatch):
    before = activity.history.latest()
    activity.countries.set(Country.objects.filter(iso3="WSM"))
    activity.refresh_from_db()
    state = (["WSM"], activity.version, activity.history.count(), LogEntry.objects.count())

    def broken(*args, **kwargs):
        raise RuntimeError("The history table is full")

    # The last write of a revert: the history row, after the row and its links are saved.
    monkeypatch.setattr("activities.services.record_history", broken)
    with pytest.raises(RuntimeError):
        revert(admin_client, Activity, activity, before)

    assert_nothing_saved(activity, *state)


# --- Reference data: a revert saves everything or nothing ----------------------------------------


def reference_row(model):
    """A row of `model` with a history row of its state, then changed since."""
    if model is Country:
        row = Country.objects.get(iso3="TON")
    elif model is Initiative:
        row = Initiative.objects.get(action_plan__code="WTDC-25", code="ASP1")
    else:
        row = TargetGroup.objects.get(code="youth")
    row.save()  # reference data loaded by loaddata has no history yet
    return row


@pytest.mark.parametrize("model", [Country, Initiative, TargetGroup], ids=lambda m: m.__name__)
def test_a_reference_revert_brings_the_old_name_back(admin_client, model):
    row = reference_row(model)
    before = row.history.latest()
    name_field = "title" if model is Initiative else "name"
    old_name = getattr(row, name_field)
    setattr(row, name_field, "Renamed by mistake")
    row.save()

    response = revert(admin_client, model, row, before)

    assert response.status_code == 302
    row.refresh_from_db()
    assert getattr(row, name_field) == old_name
    assert getattr(row.history.latest(), name_field) == old_name


@pytest.mark.parametrize("model", [Country, Initiative, TargetGroup], ids=lambda m: m.__name__)
def test_a_reference_revert_that_fails_midway_saves_nothing(admin_client, model, monkeypatch):
    row = reference_row(model)
    before = row.history.latest()
    name_field = "title" if model is Initiative else "name"
    setattr(row, name_field, "Renamed on purpose")
    row.save()
    rows_before, log_entries = row.history.count(), LogEntry.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("The log is unavailable")

    # The revert's last write, once the row and its history row are saved: the log entry.
    monkeypatch.setattr(admin.site._registry[model], "log_change", broken)
    with pytest.raises(RuntimeError):
        revert(admin_client, model, row, before)

    row.refresh_from_db()
    assert getattr(row, name_field) == "Renamed on purpose"
    assert row.history.count() == rows_before
    assert LogEntry.objects.count() == log_entries
