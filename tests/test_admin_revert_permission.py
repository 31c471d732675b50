"""A revert from the admin's History is a change: who may only view a row sees its history and
the old versions, but posting the revert page is refused and changes nothing."""

import pytest

from activities.models import Activity
from tests.factories import ActivityFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_viewer(viewer):
    viewer.is_staff = True
    viewer.save()
    return viewer


def test_a_viewer_cannot_revert_an_activity(client, superuser, staff_viewer):
    activity = ActivityFactory(title="Early warning in Tonga")
    first = activity.history.earliest()
    activity.title = "Early warning in the Pacific"
    activity.version += 1
    activity.save()
    url = admin_url(Activity, "simple_history", activity.pk, first.history_id)
    client.force_login(superuser)
    data = form_data(client.get(url).context["adminform"].form)
    client.force_login(staff_viewer)
    rows_before = activity.history.count()

    page = client.get(url)
    response = client.post(url, data)

    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title == "Early warning in the Pacific"
    assert activity.history.count() == rows_before


def test_a_revert_of_a_version_that_does_not_exist_is_not_found(client, superuser):
    activity = ActivityFactory()
    client.force_login(superuser)

    response = client.post(admin_url(Activity, "simple_history", activity.pk, 999_999), {})

    assert response.status_code == 404
