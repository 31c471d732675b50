"""A username longer than any account's (150 characters) is refused by the login forms, the
site's and the admin's, with the form shown again and an error: no login is attempted, so
login throttling records nothing (its table keeps 255 characters of a username)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["login", "admin:login"]


@pytest.mark.parametrize("page", LOGIN_PAGES)
@pytest.mark.parametrize("length", [151, 300, 5000])
def test_it_refuses_a_username_longer_than_150_characters(client, page, length):
    response = client.post(reverse(page), {"username": "a" * length, "password": "whatever"})

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        f"Ensure this value has at most 150 characters (it has {length})."
    ]
    assert f"Ensure this value has at most 150 characters (it has {length})." in response.text
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_a_wrong_password_of_a_username_of_150_characters_is_still_counted(client, page):
    response = client.post(reverse(page), {"username": "a" * 150, "password": "whatever"})

    assert response.status_code == 200
    assert "username" not in response.context["form"].errors
    assert AccessAttempt.objects.get().username == "a" * 150


def test_the_login_page_still_logs_people_in(client, asp_editor):
    response = client.post(
        reverse("login"), {"username": "asp.editor", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302


def test_the_admin_login_still_logs_staff_in(client, superuser):
    response = client.post(
        reverse("admin:login"), {"username": "root", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
