"""Login throttling (django-axes): five wrong passwords lock a username from that address for
15 minutes, an administrator unlocks it in the admin, and others keep logging in meanwhile."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FAILURE_LIMIT = 5  # AXES_FAILURE_LIMIT's default
COOL_OFF = datetime.timedelta(minutes=15)  # AXES_COOLOFF_MINUTES' default
WRONG = "not the password"
LOCKED_MESSAGE = "Too many failed attempts to log in as asp.editor"


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def lock(client, username="asp.editor", **extra):
    """Fail to log in as `username` as often as it takes to lock it; return the last answer."""
    for _ in range(FAILURE_LIMIT - 1):
        response = log_in(client, username, WRONG, **extra)
        assert response.status_code == 200
        assert "Please enter a correct username and password." in response.text
    return log_in(client, username, WRONG, **extra)


def assert_logged_in(client, user):
    assert client.session.get(SESSION_KEY) == str(user.pk)


def assert_locked_out(response, client):
    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert 'name="password"' not in response.text  # the lockout page, not the form again
    assert LOCKED_MESSAGE in response.text
    assert "Try again in 15 minutes, or ask an administrator to unlock it." in response.text
    assert SESSION_KEY not in client.session


def move_attempts_back(username, by):
    """Make the failed attempts of `username` look `by` older, as if that time had passed."""
    for attempt in AccessAttempt.objects.filter(username=username):
        attempt.attempt_time -= by
        attempt.save(update_fields=["attempt_time"])


def test_it_locks_a_username_after_five_wrong_passwords(client, asp_editor):
    response = lock(client)

    assert_locked_out(response, client)
    attempt = AccessAttempt.objects.get(username="asp.editor")
    assert attempt.failures_since_start == FAILURE_LIMIT
    assert attempt.ip_address == "127.0.0.1"


def test_the_right_password_is_refused_while_locked(client, asp_editor):
    lock(client)

    response = log_in(client, "asp.editor", DEFAULT_PASSWORD)

    assert_locked_out(response, client)
    assert client.get(reverse("home")).url == "/login/?next=/"


def test_four_wrong_passwords_do_not_lock_and_a_success_forgets_them(client, asp_editor):
    for _ in range(FAILURE_LIMIT - 1):
        log_in(client, "asp.editor", WRONG)

    response = log_in(client, "asp.editor", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert_logged_in(client, asp_editor)
    assert not AccessAttempt.objects.filter(username="asp.editor").exists()
    client.logout()
    for _ in range(FAILURE_LIMIT - 1):
        assert log_in(client, "asp.editor", WRONG).status_code == 200


def test_another_user_from_the_same_address_still_logs_in(client, asp_editor, viewer):
    lock(client)

    response = log_in(client, "viewer", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert_logged_in(client, viewer)


def test_the_same_user_from_another_address_still_logs_in(client, asp_editor):
    """Who guesses at a colleague's password locks only their own address out, not the
    colleague."""
    lock(client, REMOTE_ADDR="198.51.100.23")

    response = log_in(client, "asp.editor", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.5")

    assert response.status_code == 302
    assert_logged_in(client, asp_editor)


def test_the_admin_login_is_locked_too(client, superuser):
    lock(client, username="root")

    response = client.post(
        reverse("admin:login"), {"username": "root", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many failed attempts to log in as root" in response.text
    assert SESSION_KEY not in client.session


def test_it_lets_the_user_in_again_after_the_cool_off_time(client, asp_editor):
    lock(client)
    move_attempts_back("asp.editor", COOL_OFF - datetime.timedelta(minutes=1))
    assert_locked_out(log_in(client, "asp.editor", DEFAULT_PASSWORD), client)

    move_attempts_back("asp.editor", COOL_OFF)
    response = log_in(client, "asp.editor", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert_logged_in(client, asp_editor)
    assert not AccessAttempt.objects.filter(username="asp.editor").exists()


def test_an_attempt_while_locked_starts_the_wait_again(client, asp_editor):
    lock(client)
    move_attempts_back("asp.editor", COOL_OFF - datetime.timedelta(minutes=5))

    assert_locked_out(log_in(client, "asp.editor", WRONG), client)
    move_attempts_back("asp.editor", datetime.timedelta(minutes=10))

    assert_locked_out(log_in(client, "asp.editor", DEFAULT_PASSWORD), client)


def test_an_administrator_unlocks_the_user_in_the_admin(client, asp_editor, superuser):
    lock(client)
    lock(client, REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Another browser")
    admin = Client()
    admin.force_login(superuser)
    changelist = reverse("admin:axes_accessattempt_changelist")

    response = admin.get(changelist, {"locked_out": "yes", "q": "asp.editor"})
    assert response.status_code == 200
    locked = list(response.context["cl"].result_list)
    assert {(a.username, a.ip_address) for a in locked} == {
        ("asp.editor", "127.0.0.1"),
        ("asp.editor", "198.51.100.23"),
    }
    assert "Locked Out" in response.text
    response = admin.get(reverse("admin:axes_accessattempt_change", args=[locked[0].pk]))
    assert response.status_code == 200
    response = admin.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [a.pk for a in locked], "post": "yes"},
    )
    assert response.status_code == 302

    assert not AccessAttempt.objects.exists()
    response = log_in(client, "asp.editor", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert_logged_in(client, asp_editor)


def test_a_staff_member_without_the_permission_cannot_unlock(client, asp_editor):
    staff = UserFactory(username="afr.editor", role="Editor", regions=["AFR"], is_staff=True)
    lock(client)
    attempt = AccessAttempt.objects.get()
    other = Client()
    other.force_login(staff)

    assert other.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    response = other.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="asp.editor").exists()


def test_the_reset_command_unlocks_a_username(client, asp_editor):
    lock(client)
    output = io.StringIO()

    call_command("axes_reset_username", "asp.editor", stdout=output)

    assert output.getvalue() == "1 attempts removed.\n"
    assert log_in(client, "asp.editor", DEFAULT_PASSWORD).status_code == 302
    assert_logged_in(client, asp_editor)


def test_behind_a_proxy_the_address_comes_from_the_header_it_sets(client, settings, asp_editor):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    # The client wrote the first address itself; the proxy appended the one it saw.
    lock(client, HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.23", **proxy)

    assert AccessAttempt.objects.get().ip_address == "198.51.100.23"
    response = log_in(
        client, "asp.editor", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
    )
    assert response.status_code == 302


def test_without_a_proxy_a_forwarded_for_header_is_ignored(client, asp_editor):
    for number in range(FAILURE_LIMIT):
        response = log_in(client, "asp.editor", WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    assert_locked_out(response, client)
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"
