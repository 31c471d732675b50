"""Editing an activity: the form filled in, one history row per save, edit conflicts that never
overwrite anyone's work, archived activities read-only, and who may edit."""

import re

import pytest
from django.utils import timezone

from activities.models import Activity
from tests.factories import (
    ActivityFactory,
    UserFactory,
    activity_form_data,
    initiative_with_results,
)


def edit_url(activity):
    return f"/activities/{activity.pk}/edit/"


@pytest.fixture
def activity(asp_editor):
    return ActivityFactory(
        title="National broadband plan",
        countries=["TON"],
        expected_results=["ASP3.4"],
        status=Activity.Status.PLANNED,
        created_by=asp_editor,
    )


def snapshot(activity):
    """What an edit could change, to check that a refused one changed nothing."""
    activity = Activity.objects.get(pk=activity.pk)
    return (
        {f.name: getattr(activity, f.attname) for f in Activity._meta.concrete_fields},
        sorted(activity.countries.values_list("iso3", flat=True)),
        sorted(activity.expected_results.values_list("pk", flat=True)),
        activity.history.count(),
    )


def test_it_shows_the_form_filled_in_with_the_version(client, asp_editor, activity):
    client.force_login(asp_editor)
    response = client.get(edit_url(activity))
    assert response.status_code == 200
    page = response.text
    assert 'value="National broadband plan"' in page
    assert '<input type="hidden" name="version" value="1"' in page
    assert re.search(r'id="id_countries_\d+" checked>\s*<label[^>]*>\s*Tonga', page)


def test_it_saves_the_changes_with_one_history_row(client, asp_editor, activity):
    client.force_login(asp_editor)
    data = activity_form_data(
        activity, status=Activity.Status.ONGOING, countries=["TON", "FJI"], title="NBP Tonga"
    )

    response = client.post(edit_url(activity), data)

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "NBP Tonga"
    assert activity.status == Activity.Status.ONGOING
    assert sorted(activity.countries.values_list("iso3", flat=True)) == ["FJI", "TON"]
    assert activity.version == 2
    assert activity.updated_by == asp_editor
    new_rows = activity.history.filter(version=2)
    assert new_rows.count() == 1
    row = new_rows.get()
    assert row.history_type == "~" and row.history_user == asp_editor
    assert sorted(link.country.iso3 for link in row.countries.all()) == ["FJI", "TON"]
    assert "Your changes to “NBP Tonga” are saved." in client.get(response.url).text


def test_each_save_increments_the_version(client, asp_editor, activity):
    rows_before = activity.history.count()
    client.force_login(asp_editor)
    for expected_version in (2, 3):
        activity.refresh_from_db()
        client.post(edit_url(activity), activity_form_data(activity, title=f"v{expected_version}"))
        activity.refresh_from_db()
        assert activity.version == expected_version
    assert activity.history.count() == rows_before + 2  # one row per save


def test_an_edit_conflict_is_refused_and_keeps_the_users_input(client, asp_editor, activity):
    colleague = UserFactory(username="colleague", first_name="Mele", role="Editor", regions=["ASP"])
    # Both open the form at version 1 …
    mine = activity_form_data(activity, title="My better title", partners="APT")
    theirs = activity_form_data(activity, status=Activity.Status.ONGOING, countries=["FJI"])
    # … the colleague saves first.
    client.force_login(colleague)
    assert client.post(edit_url(activity), theirs).status_code == 302
    after_theirs = snapshot(activity)

    client.force_login(asp_editor)
    response = client.post(edit_url(activity), mine)

    assert response.status_code == 200
    page = response.text
    assert "Someone else saved this activity while you were editing it:" in page
    assert "Check the form and save again." in page
    assert "Mele" in page
    assert "<li>Status: Ongoing</li>" in page
    assert "<li>Countries: Fiji</li>" in page
    # The user's input is still in the form, merged with the colleague's change; the form
    # now carries the current version.
    assert 'value="My better title"' in page
    assert "APT</textarea>" in page
    assert '<input type="hidden" name="version" value="2"' in page
    form = response.context["form"]
    assert form["status"].value() == Activity.Status.ONGOING
    # Nothing was overwritten.
    assert snapshot(activity) == after_theirs

    # Saving again, knowingly, may still overwrite: here the status, set back by hand.
    mine["version"] = 2
    assert client.post(edit_url(activity), mine).status_code == 302
    activity.refresh_from_db()
    assert activity.title == "My better title" and activity.version == 3
    assert activity.status == Activity.Status.PLANNED


def test_an_archive_in_between_is_a_conflict_too(client, asp_editor, activity):
    data = activity_form_data(activity, title="Renamed")
    client.force_login(asp_editor)
    client.post(f"/activities/{activity.pk}/archive/")
    client.post(f"/activities/{activity.pk}/restore/")

    response = client.post(edit_url(activity), data)

    assert "Someone else saved this activity" in response.text
    activity.refresh_from_db()
    assert activity.title == "National broadband plan"


def test_a_form_without_its_version_is_refused(client, asp_editor, activity):
    before = snapshot(activity)
    data = activity_form_data(activity, title="Renamed")
    del data["version"]
    client.force_login(asp_editor)
    response = client.post(edit_url(activity), data)
    assert response.status_code == 200
    assert "The form lost its version number: reload the page." in response.text
    assert snapshot(activity) == before


def test_validation_errors_change_nothing(client, asp_editor, activity):
    before = snapshot(activity)
    client.force_login(asp_editor)
    response = client.post(
        edit_url(activity),
        activity_form_data(activity, end_date="2025-01-01", expected_results=[]),
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.text
    assert "Choose at least one expected result." in response.text
    assert snapshot(activity) == before


def test_an_archived_activity_cannot_be_edited(client, asp_editor, activity):
    Activity.objects.filter(pk=activity.pk).update(archived_at=timezone.now())
    before = snapshot(activity)
    client.force_login(asp_editor)

    response = client.get(edit_url(activity), follow=True)
    assert "This activity is archived: restore it before editing it." in response.text
    client.post(edit_url(activity), activity_form_data(activity, title="Renamed"))

    assert snapshot(activity) == before


@pytest.mark.parametrize("persona", ["viewer", "afr_editor"])
def test_others_may_not_edit_by_url_or_by_post(client, request, activity, persona):
    before = snapshot(activity)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(edit_url(activity)).status_code == 403
    response = client.post(edit_url(activity), activity_form_data(activity, title="Hijacked"))

    assert response.status_code == 403
    assert "You cannot do this here" in response.text
    assert snapshot(activity) == before


def test_changing_the_id_in_the_url_does_not_reach_another_regions_activity(
    client, afr_editor, activity
):
    initiative_with_results("AFR", "AFR1")
    own = ActivityFactory(region=activity.region.__class__.objects.get(code="AFR"))
    before = snapshot(activity)
    client.force_login(afr_editor)
    assert client.get(edit_url(own)).status_code == 200

    data = activity_form_data(activity, title="Hijacked")
    response = client.post(edit_url(activity), data)

    assert response.status_code == 403
    assert snapshot(activity) == before


def test_a_crafted_post_cannot_move_the_activity_to_another_region(client, asp_editor, activity):
    before = snapshot(activity)
    client.force_login(asp_editor)

    moved = client.post(
        edit_url(activity), activity_form_data(activity, region="AFR", countries=["NGA"])
    )
    foreign_country = client.post(
        edit_url(activity), activity_form_data(activity, countries=["TON", "NGA"])
    )

    assert moved.status_code == foreign_country.status_code == 200
    assert moved.context["form"].errors["region"]
    assert foreign_country.context["form"].errors["countries"]
    assert snapshot(activity) == before


def test_an_unknown_activity_is_404(client, asp_editor):
    client.force_login(asp_editor)
    assert client.get("/activities/999999/edit/").status_code == 404


def test_saving_without_a_change_writes_nothing(client, asp_editor, activity):
    before = snapshot(activity)
    client.force_login(asp_editor)
    response = client.post(edit_url(activity), activity_form_data(activity), follow=True)
    assert "Nothing to save: you changed no field." in response.text
    assert snapshot(activity) == before
