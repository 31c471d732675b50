"""The password policy, wherever a password is set through a form (the password change page,
the admin's new user): at least 12 characters, and none of Django's list of common passwords."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD
from tests.test_admin import admin_url

pytestmark = pytest.mark.django_db

TOO_SHORT = "k7#qZ-9mT!x"  # 11 characters, not common
TOO_SHORT_ERROR = "This password is too short. It must contain at least 12 characters."
COMMON = "password1234"
COMMON_ERROR = "This password is too common."
WEAK_PASSWORDS = [(TOO_SHORT, TOO_SHORT_ERROR), (COMMON, COMMON_ERROR)]


@pytest.mark.parametrize(("password", "error"), WEAK_PASSWORDS)
def test_the_password_change_page_refuses_a_weak_password(client, asp_editor, password, error):
    client.force_login(asp_editor)
    hashed = asp_editor.password

    response = client.post(
        reverse("password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert error in response.context["form"].errors["new_password2"]
    assert error in response.text
    asp_editor.refresh_from_db()
    assert asp_editor.password == hashed


def test_the_password_change_page_states_the_rule(client, asp_editor):
    client.force_login(asp_editor)

    response = client.get(reverse("password_change"))

    assert "Your password must contain at least 12 characters." in response.text


def test_the_password_change_page_takes_a_12_character_password(client, asp_editor):
    client.force_login(asp_editor)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "k7#qZ-9mT!xw",
            "new_password2": "k7#qZ-9mT!xw",
        },
    )

    assert response.status_code == 302
    asp_editor.refresh_from_db()
    assert asp_editor.check_password("k7#qZ-9mT!xw")


def new_user_data(password):
    return {
        "username": "newcomer",
        "usable_password": "true",
        "password1": password,
        "password2": password,
        "region_assignments-TOTAL_FORMS": "0",
        "region_assignments-INITIAL_FORMS": "0",
    }


@pytest.mark.parametrize(("password", "error"), WEAK_PASSWORDS)
def test_the_admins_new_user_form_refuses_a_weak_password(client, superuser, password, error):
    client.force_login(superuser)

    response = client.post(admin_url(User, "add"), new_user_data(password))

    assert response.status_code == 200
    assert error in response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(username="newcomer").exists()


def test_the_admins_new_user_form_takes_a_strong_password(client, superuser):
    client.force_login(superuser)

    response = client.post(admin_url(User, "add"), new_user_data(DEFAULT_PASSWORD))

    assert response.status_code == 302
    assert User.objects.get(username="newcomer").check_password(DEFAULT_PASSWORD)
