"""A signed-in user changes their own password at /password/change/: the old one must be
right, the new one must pass the password validators, and they stay signed in."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

URL = "/password/change/"
NEW_PASSWORD = "violet kettle under the bridge"


def change(client, old, new, again=None):
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(URL, data)


def logs_in(username, password):
    """Whether the login form takes this username and password."""
    response = Client().post("/login/", {"username": username, "password": password})
    return response.status_code == 302 and response["Location"] == "/"


def test_the_user_menu_links_to_it(client, asp_editor):
    client.force_login(asp_editor)

    response = client.get("/")

    assert f'<a href="{URL}">Change password</a>' in response.text


def test_it_shows_the_form_and_the_password_rules(client, asp_editor):
    client.force_login(asp_editor)

    response = client.get(URL)

    assert response.status_code == 200
    assert "registration/password_change.html" in [t.name for t in response.templates]
    for name in ("old_password", "new_password1", "new_password2"):
        assert f'name="{name}"' in response.text
    assert "Your password must contain at least 12 characters." in response.text


def test_it_changes_the_password_and_keeps_the_session(client, asp_editor):
    client.force_login(asp_editor)
    elsewhere = Client()
    elsewhere.force_login(asp_editor)

    response = change(client, DEFAULT_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/password/change/done/"
    asp_editor.refresh_from_db()
    assert asp_editor.check_password(NEW_PASSWORD)
    assert not asp_editor.check_password(DEFAULT_PASSWORD)
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert "Your password is changed." in done.text
    assert client.get("/").status_code == 200  # still signed in here
    assert elsewhere.get("/").status_code == 302  # the other session is signed out
    assert logs_in("asp.editor", NEW_PASSWORD)
    assert not logs_in("asp.editor", DEFAULT_PASSWORD)


def test_a_wrong_old_password_changes_nothing(client, asp_editor):
    client.force_login(asp_editor)
    hashed = asp_editor.password

    response = change(client, "not my password", NEW_PASSWORD)

    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.text
    assert "Your password was not changed" in response.text
    asp_editor.refresh_from_db()
    assert asp_editor.password == hashed
    assert client.session[SESSION_KEY] == str(asp_editor.pk)


@pytest.mark.parametrize(
    ("new", "error"),
    [
        ("k7#q", "This password is too short. It must contain at least 12 characters."),
        ("password123", "This password is too common."),
        ("80417263995", "This password is entirely numeric."),
        ("asp.editor", "The password is too similar to the username."),
    ],
)
def test_a_weak_new_password_is_refused_by_the_validators(client, asp_editor, new, error):
    client.force_login(asp_editor)
    hashed = asp_editor.password

    response = change(client, DEFAULT_PASSWORD, new)

    assert response.status_code == 200
    assert error in response.text
    asp_editor.refresh_from_db()
    assert asp_editor.password == hashed


def test_two_different_new_passwords_change_nothing(client, asp_editor):
    client.force_login(asp_editor)
    hashed = asp_editor.password

    response = change(client, DEFAULT_PASSWORD, NEW_PASSWORD, again=NEW_PASSWORD + "!")

    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.text
    asp_editor.refresh_from_db()
    assert asp_editor.password == hashed


@pytest.mark.parametrize("path", [URL, "/password/change/done/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, path):
    for response in (client.get(path), client.post(path, {"old_password": "x"})):
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={path}"
