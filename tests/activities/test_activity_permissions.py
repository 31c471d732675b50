"""Who may read, create, edit and archive activities where: one table of (role, action, region,
expected outcome), each tried for real through its URL, then the database checked.

"own" is Asia and the Pacific, where the editor and the reviewer work; "other" is Africa.
"""

import pytest

from activities.models import Activity
from tests.factories import (
    ActivityFactory,
    UserFactory,
    activity_form_data,
    initiative_with_results,
)

ACTORS = {
    "viewer": {"role": "Viewer"},
    "editor": {"role": "Editor", "regions": ["ASP"]},
    "reviewer": {"role": "Reviewer", "regions": ["ASP"]},
    "administrator": {"role": "Administrator"},
}
ACTIONS = ["view", "create", "edit", "archive"]
WRITES = ["create", "edit", "archive"]
REGIONS = {
    "own": {"region": "ASP", "countries": ["TON"], "expected_results": ["ASP1.3"]},
    "other": {"region": "AFR", "countries": ["KEN"], "expected_results": ["AFR1.1"]},
}

# What each role may write, by region; everybody reads everything.
MAY_WRITE = {
    "viewer": set(),
    "editor": {"own"},
    "reviewer": {"own"},
    "administrator": {"own", "other"},
}
MATRIX = [
    (role, action, region, action == "view" or region in MAY_WRITE[role])
    for role in ACTORS
    for action in ACTIONS
    for region in REGIONS
]


@pytest.fixture
def africa_initiative(db):
    return initiative_with_results("AFR", "AFR1", results=1)


def make_activity(region):
    links = REGIONS[region]
    from initiatives.models import Region

    return ActivityFactory(
        region=Region.objects.get(code=links["region"]),
        countries=links["countries"],
        expected_results=links["expected_results"],
        title=f"Activity in {links['region']}",
    )


def attempt(client, action, activity, region):
    if action == "view":
        return client.get(f"/activities/{activity.pk}/")
    if action == "create":
        data = activity_form_data(title="Created in the matrix", **REGIONS[region])
        return client.post("/activities/new/", data)
    if action == "edit":
        data = activity_form_data(activity, title="Edited in the matrix")
        return client.post(f"/activities/{activity.pk}/edit/", data)
    return client.post(f"/activities/{activity.pk}/archive/")


def done(action, activity):
    """Whether the action happened, read from the database."""
    if action == "view":
        return True
    if action == "create":
        return Activity.objects.filter(title="Created in the matrix").exists()
    activity.refresh_from_db()
    if action == "edit":
        return activity.title == "Edited in the matrix"
    return activity.is_archived


def test_the_matrix_covers_every_role_action_and_region():
    assert len(MATRIX) == len(ACTORS) * len(ACTIONS) * len(REGIONS)


@pytest.mark.parametrize(("role", "action", "region", "allowed"), MATRIX)
def test_permission_matrix(client, africa_initiative, role, action, region, allowed):
    actor = UserFactory(**ACTORS[role])
    activity = make_activity(region)
    client.force_login(actor)
    before = activity.version

    response = attempt(client, action, activity, region)

    assert done(action, activity) is allowed
    if action == "view":
        assert response.status_code == 200
    elif allowed:
        assert response.status_code == 302
    elif action == "create" and MAY_WRITE[role]:
        # An editor may create, but not in another region: the form says so, nothing is saved.
        assert response.status_code == 200
        assert "region" in response.context["form"].errors
    else:
        assert response.status_code == 403
        activity.refresh_from_db()
        assert activity.version == before
