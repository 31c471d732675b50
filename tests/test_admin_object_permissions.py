"""The admin asks the same rules as the staff pages (activities/permissions.py), with the
object: a staff Editor of Asia-Pacific changes Asia-Pacific activities there and nothing of
another region — the page, the POST, the revert and the delete answer 403 and change nothing."""

import pytest
from django.utils import timezone

from activities.models import Activity, ProgressReport
from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory


@pytest.fixture
def staff_editor(db):
    """An Editor of Asia-Pacific whom a superuser made staff."""
    return UserFactory(username="staff.editor", role="Editor", regions=["ASP"], is_staff=True)


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def test_a_staff_editor_changes_an_activity_of_their_region(client, staff_editor):
    activity = ActivityFactory()
    client.force_login(staff_editor)
    response = client.get(change_url(activity))
    assert response.status_code == 200
    assert "Save" in response.content.decode()


def test_a_staff_editor_cannot_change_another_regions_activity(client, staff_editor):
    activity = ActivityFactory(title="Africa's own", countries=["TON"])
    Activity.objects.filter(pk=activity.pk).update(region_id=_region_id("AFR"))
    client.force_login(staff_editor)
    page = client.get(change_url(activity))
    # Read-only: the admin shows it (every region is readable) without a way to save.
    assert page.status_code in (200, 403)
    assert 'name="_save"' not in page.content.decode()
    response = client.post(change_url(activity), {"title": "Taken over"})
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title == "Africa's own"


def test_a_staff_editor_cannot_delete_or_revert_another_regions_activity(client, staff_editor):
    activity = ActivityFactory(title="Africa's own", countries=["TON"])
    Activity.objects.filter(pk=activity.pk).update(region_id=_region_id("AFR"))
    client.force_login(staff_editor)
    url = f"/admin/activities/activity/{activity.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_the_admin_offers_a_staff_editor_their_own_regions_only(client, staff_editor):
    client.force_login(staff_editor)
    response = client.get("/admin/activities/activity/add/")
    assert response.status_code == 200
    regions = response.context["adminform"].form.fields["region"].queryset
    assert [region.code for region in regions] == ["ASP"]


def test_a_staff_editor_cannot_change_someone_elses_draft_in_the_admin(client, staff_editor):
    draft = ProgressReportFactory(author=UserFactory(role="Editor", regions=["ASP"]))
    client.force_login(staff_editor)
    response = client.post(change_url(draft), {"achievements": "Mine now"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.achievements != "Mine now"


def test_an_administrator_still_corrects_an_approved_report(client, asp_editor, asp_reviewer):
    report = ProgressReportFactory(
        author=asp_editor, state="approved", reviewer=asp_reviewer, reviewed_at=timezone.now()
    )
    administrator = UserFactory(role="Administrator", is_staff=True)
    client.force_login(administrator)
    assert client.get(change_url(report)).status_code == 200
    assert ProgressReport.objects.get(pk=report.pk).state == "approved"


def _region_id(code):
    from initiatives.models import Region

    return Region.objects.get(code=code).pk
