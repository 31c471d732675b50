"""The page where a signed-in user turns their own e-mail reminders on or off."""

import pytest
from django.test import Client

from activities.models import NotificationPreference
from tests.factories import NotificationPreferenceFactory

URL = "/account/reminders/"


def reminders_of(user):
    preference = NotificationPreference.objects.filter(user=user).first()
    return None if preference is None else preference.reminders


def test_it_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"

    client.post(URL, {})
    assert not NotificationPreference.objects.exists()


def test_the_user_menu_links_to_it(client, viewer):
    client.force_login(viewer)
    response = client.get("/")
    assert f'href="{URL}"' in response.text

    response = client.get(URL)
    assert f'href="{URL}" aria-current="page">E-mail reminders</a>' in response.text


def test_reminders_are_on_until_one_turns_them_off(client, asp_editor):
    client.force_login(asp_editor)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["form"]["reminders"].value() is True
    assert 'type="checkbox" name="reminders"' in response.text

    response = client.post(URL, {}, follow=True)  # the box unticked: nothing posted for it

    assert response.redirect_chain == [(URL, 302)]
    assert "E-mail reminders are off." in response.text
    assert response.context["form"]["reminders"].value() is False
    assert reminders_of(asp_editor) is False
    latest = NotificationPreference.objects.get(user=asp_editor).history.first()
    assert latest.history_user == asp_editor


def test_one_turns_them_on_again(client, asp_editor):
    NotificationPreferenceFactory(user=asp_editor)
    client.force_login(asp_editor)

    response = client.post(URL, {"reminders": "on"}, follow=True)

    assert "E-mail reminders are on." in response.text
    assert reminders_of(asp_editor) is True


def test_saving_them_as_they_are_writes_nothing(client, asp_editor):
    client.force_login(asp_editor)

    response = client.post(URL, {"reminders": "on"}, follow=True)

    assert "E-mail reminders are on." in response.text
    assert reminders_of(asp_editor) is None  # no row: on, the default


def test_it_changes_only_ones_own(client, asp_editor, viewer):
    NotificationPreferenceFactory(user=asp_editor, reminders=True)
    client.force_login(viewer)

    client.post(URL, {"user": asp_editor.pk, "reminders": ""})

    assert reminders_of(viewer) is False
    assert reminders_of(asp_editor) is True
    assert NotificationPreference.objects.count() == 2


def test_a_post_without_its_csrf_token_is_refused(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)

    response = client.post(URL, {})

    assert response.status_code == 403
    assert reminders_of(viewer) is None


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_it_speaks_get_and_post_only(client, viewer, method):
    client.force_login(viewer)
    assert getattr(client, method)(URL).status_code == 405
