"""Archiving and restoring an activity: POST only, for editors of its region, one history row
each; archived activities are read-only and never deleted from the app."""

import pytest
from django.utils import timezone

from activities.models import Activity
from tests.factories import ActivityFactory


def archive_url(activity):
    return f"/activities/{activity.pk}/archive/"


def restore_url(activity):
    return f"/activities/{activity.pk}/restore/"


@pytest.fixture
def activity(db):
    return ActivityFactory(title="Cybersecurity drill", countries=["TON"])


@pytest.fixture
def archived(db):
    return ActivityFactory(title="Entered twice", archived_at=timezone.now())


def test_an_editor_archives_an_activity_of_their_region(client, asp_editor, activity):
    rows_before = activity.history.count()
    client.force_login(asp_editor)

    response = client.post(archive_url(activity), follow=True)

    activity.refresh_from_db()
    assert activity.is_archived
    assert activity.version == 2 and activity.updated_by == asp_editor
    assert activity.history.count() == rows_before + 1
    row = activity.history.first()
    assert row.history_change_reason == "Archived"
    assert row.history_user == asp_editor
    assert row.archived_at == activity.archived_at
    assert [link.country.iso3 for link in row.countries.all()] == ["TON"]
    assert response.redirect_chain[-1][0] == activity.get_absolute_url()
    assert "“Cybersecurity drill” is archived." in response.text
    assert "This activity is archived" in response.text
    assert Activity.objects.filter(pk=activity.pk).exists()  # archived, not deleted


def test_an_editor_restores_an_archived_activity(client, asp_editor, archived):
    rows_before = archived.history.count()
    client.force_login(asp_editor)

    response = client.post(restore_url(archived), follow=True)

    archived.refresh_from_db()
    assert not archived.is_archived
    assert archived.history.count() == rows_before + 1
    assert archived.history.first().history_change_reason == "Restored"
    assert "“Entered twice” is restored." in response.text
    assert "This activity is archived" not in response.text


@pytest.mark.parametrize("url", [archive_url, restore_url])
def test_get_is_not_allowed_and_changes_nothing(client, asp_editor, activity, archived, url):
    client.force_login(asp_editor)
    target = activity if url is archive_url else archived
    before = Activity.objects.filter(pk=target.pk).values().get()

    assert client.get(url(target)).status_code == 405

    assert Activity.objects.filter(pk=target.pk).values().get() == before


def test_archiving_twice_says_so_and_writes_no_row(client, asp_editor, archived):
    rows_before = archived.history.count()
    client.force_login(asp_editor)
    response = client.post(archive_url(archived), follow=True)
    assert "is already archived" in response.text
    assert archived.history.count() == rows_before


@pytest.mark.parametrize("persona", ["viewer", "afr_editor"])
def test_others_may_not_archive_or_restore(client, request, persona, activity, archived):
    client.force_login(request.getfixturevalue(persona))
    before = list(Activity.objects.order_by("pk").values())

    archive = client.post(archive_url(activity))
    restore = client.post(restore_url(archived))

    assert archive.status_code == restore.status_code == 403
    assert "You cannot do this here" in archive.text
    assert list(Activity.objects.order_by("pk").values()) == before


def test_the_page_offers_archive_to_editors_of_the_region_only(
    client, asp_editor, afr_editor, activity
):
    client.force_login(asp_editor)
    assert archive_url(activity) in client.get(activity.get_absolute_url()).text
    client.force_login(afr_editor)
    assert archive_url(activity) not in client.get(activity.get_absolute_url()).text


def test_an_archived_activity_shows_a_banner_and_restore_not_edit(client, asp_editor, archived):
    client.force_login(asp_editor)
    page = client.get(archived.get_absolute_url()).text
    assert "This activity is archived" in page
    assert restore_url(archived) in page
    assert f"/activities/{archived.pk}/edit/" not in page
    assert archive_url(archived) not in page


def test_there_is_no_delete_in_the_app(client, asp_editor, activity):
    client.force_login(asp_editor)
    page = client.get(activity.get_absolute_url()).text
    assert "Delete" not in page
    assert client.post(f"/activities/{activity.pk}/delete/").status_code == 404
    assert Activity.objects.filter(pk=activity.pk).exists()
