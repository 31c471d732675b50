"""Every page needs a login, except the login page itself and the health check."""

import pytest

from tests.urlwalk import PUBLIC_URL_NAMES, walk

PRIVATE_URLS = [(path, name) for path, name in walk() if name not in PUBLIC_URL_NAMES]


def test_the_walk_finds_the_pages():
    names = {name for _, name in PRIVATE_URLS}
    assert {"home", "activity_list", "initiative_list", "country_list", "logout"} <= names


@pytest.mark.parametrize(("path", "name"), PRIVATE_URLS)
def test_it_sends_anonymous_visitors_to_the_login_page(client, db, path, name):
    response = client.get(path)
    assert response.status_code == 302, path
    assert response["Location"].startswith("/login/?next=")


def test_the_admin_needs_a_staff_login(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_login_page_is_public(client, db):
    assert client.get("/login/").status_code == 200


def test_a_viewer_logs_in_and_out(client, viewer):
    from tests.factories import DEFAULT_PASSWORD

    response = client.post("/login/", {"username": "viewer", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, viewer):
    response = client.post("/login/", {"username": "viewer", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session
