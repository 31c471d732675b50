"""An Administrator (the role: users and groups in the admin, not a superuser) manages people
without becoming more than they are: they cannot make anyone a superuser or staff, give anyone
their own permissions, touch a superuser's account (change, password, delete, revert), put
people in groups other than the four roles, or give a group a permission they do not hold.
Each test tries the forbidden thing for real, with a crafted POST, and checks the database."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from activities import roles
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.test_admin import admin_url, form_data, page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin.ana", role=roles.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def editor(db):
    return UserFactory(username="asp.editor", role=roles.EDITOR, regions=["ASP"])


def permission(codename):
    return Permission.objects.get(codename=codename)


def role(name):
    return Group.objects.get(name=name)


def user_page_data(client, user, **changes):
    """The change page of `user` as `client` sees it, posted back with `changes`."""
    response = client.get(admin_url(User, "change", user.pk))
    assert response.status_code == 200
    data = page_data(response)
    data.update(changes)
    return data


def flags(user):
    user.refresh_from_db()
    return user.is_superuser, user.is_staff, list(user.user_permissions.all())


# --- Superuser, staff and own permissions -------------------------------------------------------


def test_an_administrator_sees_superuser_staff_and_permissions_read_only(
    administrator_client, editor
):
    response = administrator_client.get(admin_url(User, "change", editor.pk))

    form = response.context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "is_staff" not in form.fields
    assert "user_permissions" not in form.fields
    assert "is_active" in form.fields and "groups" in form.fields
    shown_read_only = response.context["adminform"].readonly_fields
    assert {"is_superuser", "is_staff", "user_permissions"} <= set(shown_read_only)


def test_an_administrator_cannot_make_themselves_superuser(administrator_client, administrator):
    data = user_page_data(
        administrator_client,
        administrator,
        first_name="Ana",
        is_superuser="on",
        user_permissions=[str(permission("delete_user").pk)],
    )

    response = administrator_client.post(admin_url(User, "change", administrator.pk), data)

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.first_name == "Ana"  # the rest of the form was saved
    assert flags(administrator) == (False, True, [])
    assert not administrator.has_perm("auth.delete_user")


def test_an_administrator_cannot_make_someone_staff_or_give_them_permissions(
    administrator_client, editor
):
    data = user_page_data(
        administrator_client,
        editor,
        is_staff="on",
        is_superuser="on",
        user_permissions=[str(permission("change_group").pk)],
    )

    response = administrator_client.post(admin_url(User, "change", editor.pk), data)

    assert response.status_code == 302
    assert flags(editor) == (False, False, [])


def test_an_administrator_cannot_add_a_superuser(administrator_client):
    data = {
        "username": "mallory",
        "usable_password": "true",
        "password1": DEFAULT_PASSWORD,
        "password2": DEFAULT_PASSWORD,
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [str(permission("delete_user").pk)],
        "groups": [str(role(roles.ADMINISTRATOR).pk)],
        "region_assignments-TOTAL_FORMS": "0",
        "region_assignments-INITIAL_FORMS": "0",
    }

    response = administrator_client.post(admin_url(User, "add"), data)

    assert response.status_code == 302
    mallory = User.objects.get(username="mallory")
    assert flags(mallory) == (False, False, [])
    assert list(mallory.groups.all()) == []


def test_a_revert_by_an_administrator_keeps_the_users_superuser_and_staff_status(
    administrator_client, editor
):
    """An old version of a user who was staff then: reverting to it brings back their names and
    roles, never the status that only a superuser gives."""
    editor.is_staff = True
    editor.save()
    staff_version = editor.history.latest()
    editor.is_staff = False
    editor.first_name = "Ed"
    editor.save()
    url = admin_url(User, "simple_history", editor.pk, staff_version.history_id)

    data = form_data(administrator_client.get(url).context["adminform"].form)
    data.update(is_staff="on", is_superuser="on")
    response = administrator_client.post(url, data)

    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.first_name == ""  # the version's
    assert flags(editor) == (False, False, [])


def test_a_superuser_still_gives_superuser_staff_and_permissions(client, superuser, editor):
    client.force_login(superuser)
    data = user_page_data(
        client,
        editor,
        is_staff="on",
        is_superuser="on",
        user_permissions=[str(permission("delete_user").pk)],
    )

    response = client.post(admin_url(User, "change", editor.pk), data)

    assert response.status_code == 302
    assert flags(editor) == (True, True, [permission("delete_user")])


# --- A superuser's account ---------------------------------------------------------------------


def test_an_administrator_sees_a_superuser_but_cannot_change_them(
    client, superuser, administrator_client
):
    client.force_login(superuser)
    data = user_page_data(client, superuser, email="mallory@example.org", is_active=None)
    data.pop("is_active")
    client.force_login(User.objects.get(username="admin.ana"))

    page = client.get(admin_url(User, "change", superuser.pk))
    response = client.post(admin_url(User, "change", superuser.pk), data)

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "root@example.org"
    assert superuser.is_active


def test_an_administrator_cannot_set_a_superusers_password(administrator_client, superuser):
    url = admin_url(User, "password_change", superuser.pk)
    hashed = superuser.password
    data = {"password1": "a password I chose myself", "password2": "a password I chose myself"}

    assert administrator_client.get(url).status_code == 403
    assert administrator_client.post(url, data).status_code == 403
    superuser.refresh_from_db()
    assert superuser.password == hashed
    assert superuser.check_password(DEFAULT_PASSWORD)


def test_an_administrator_still_sets_an_editors_password(administrator_client, editor):
    url = admin_url(User, "password_change", editor.pk)
    data = {"password1": "a password I chose myself", "password2": "a password I chose myself"}

    response = administrator_client.post(url, data)

    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("a password I chose myself")


def test_an_administrator_cannot_delete_a_superuser(administrator_client, administrator, superuser):
    """Even given the permission to delete users, which the role does not have."""
    administrator.user_permissions.add(permission("delete_user"))
    plain_user = UserFactory(username="leaver")

    refused = administrator_client.post(admin_url(User, "delete", superuser.pk), {"post": "yes"})
    bulk = administrator_client.post(
        admin_url(User, "changelist"),
        {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"},
    )
    allowed = administrator_client.post(admin_url(User, "delete", plain_user.pk), {"post": "yes"})

    assert refused.status_code == 403
    assert bulk.status_code == 403
    assert allowed.status_code == 302
    assert User.objects.filter(pk=superuser.pk, is_superuser=True).exists()
    assert not User.objects.filter(username="leaver").exists()


def test_an_administrator_cannot_revert_a_superuser(client, superuser, administrator):
    superuser.email = "new@example.org"
    superuser.save()
    old_version = superuser.history.earliest()
    url = admin_url(User, "simple_history", superuser.pk, old_version.history_id)
    client.force_login(superuser)
    data = form_data(client.get(url).context["adminform"].form)
    client.force_login(administrator)

    page = client.get(url)
    response = client.post(url, data)

    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "new@example.org"


def test_an_administrator_cannot_revert_a_user_to_a_version_when_they_were_superuser(
    client, superuser, administrator, editor
):
    editor.is_superuser = True
    editor.save()
    superuser_version = editor.history.latest()
    editor.is_superuser = False
    editor.save()
    url = admin_url(User, "simple_history", editor.pk, superuser_version.history_id)
    client.force_login(superuser)
    data = form_data(client.get(url).context["adminform"].form)
    client.force_login(administrator)

    response = client.post(url, data)

    assert response.status_code == 403
    assert flags(editor) == (False, False, [])


# --- Roles (groups) on the user's page ---------------------------------------------------------


@pytest.fixture
def other_group(db):
    return Group.objects.create(name="Auditors")


def test_the_user_page_offers_an_administrator_the_four_roles_only(
    administrator_client, editor, other_group
):
    response = administrator_client.get(admin_url(User, "change", editor.pk))

    offered = response.context["adminform"].form.fields["groups"].queryset
    assert sorted(offered.values_list("name", flat=True)) == sorted(roles.ROLE_PERMISSIONS)


def test_an_administrator_cannot_put_someone_in_another_group(
    administrator_client, editor, other_group
):
    data = user_page_data(administrator_client, editor, groups=[str(other_group.pk)])

    response = administrator_client.post(admin_url(User, "change", editor.pk), data)

    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert list(editor.groups.values_list("name", flat=True)) == [roles.EDITOR]


def test_an_administrator_changes_roles_and_keeps_groups_they_are_not_shown(
    administrator_client, editor, other_group
):
    editor.groups.add(other_group)  # a superuser's doing
    data = user_page_data(administrator_client, editor, groups=[str(role(roles.REVIEWER).pk)])

    response = administrator_client.post(admin_url(User, "change", editor.pk), data)

    assert response.status_code == 302
    assert sorted(editor.groups.values_list("name", flat=True)) == ["Auditors", roles.REVIEWER]


# --- Groups: no permission given that the giver does not hold -----------------------------------


def test_the_group_page_offers_an_administrator_their_own_permissions_only(
    administrator_client, administrator
):
    response = administrator_client.get(admin_url(Group, "change", role(roles.VIEWER).pk))

    offered = response.context["adminform"].form.fields["permissions"].queryset
    held = {f"{p.content_type.app_label}.{p.codename}" for p in offered}
    assert held == administrator.get_all_permissions()
    assert "auth.delete_user" not in held


def test_an_administrator_cannot_give_a_group_a_permission_they_do_not_hold(
    administrator_client,
):
    viewer = role(roles.VIEWER)
    before = set(viewer.permissions.all())
    data = page_data(administrator_client.get(admin_url(Group, "change", viewer.pk)))
    data["permissions"] = [*data["permissions"], str(permission("delete_user").pk)]

    response = administrator_client.post(admin_url(Group, "change", viewer.pk), data)

    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
    assert set(viewer.permissions.all()) == before


def test_an_administrator_cannot_add_a_group_with_a_permission_they_do_not_hold(
    administrator_client,
):
    data = {"name": "Escalators", "permissions": [str(permission("delete_user").pk)]}

    response = administrator_client.post(admin_url(Group, "add"), data)

    assert response.status_code == 200
    assert not Group.objects.filter(name="Escalators").exists()


def test_an_administrator_gives_a_group_a_permission_they_hold_and_keeps_the_others(
    administrator_client,
):
    viewer = role(roles.VIEWER)
    viewer.permissions.add(permission("delete_user"))  # a superuser's doing
    data = page_data(administrator_client.get(admin_url(Group, "change", viewer.pk)))
    data["permissions"] = [*data["permissions"], str(permission("add_activity").pk)]

    response = administrator_client.post(admin_url(Group, "change", viewer.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    codenames = set(viewer.permissions.values_list("codename", flat=True))
    assert {"add_activity", "delete_user", "view_activity"} <= codenames


def test_an_administrator_cannot_revert_a_group_to_permissions_they_do_not_hold(
    client, superuser, administrator
):
    client.force_login(superuser)
    client.post(
        admin_url(Group, "add"),
        {"name": "Auditors", "permissions": [permission("delete_user").pk]},
    )
    auditors = Group.objects.get(name="Auditors")
    powerful = auditors.history.latest()
    data = page_data(client.get(admin_url(Group, "change", auditors.pk)))
    data["permissions"] = [permission("view_activity").pk]
    assert client.post(admin_url(Group, "change", auditors.pk), data).status_code == 302
    url = admin_url(Group, "simple_history", auditors.pk, powerful.history_id)
    crafted = form_data(client.get(url).context["adminform"].form)
    client.force_login(administrator)

    response = client.post(url, crafted)

    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
    assert list(auditors.permissions.values_list("codename", flat=True)) == ["view_activity"]
