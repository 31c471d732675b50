"""An attacker with an Editor account for Africa (and a Viewer) against Asia-Pacific's data:
every URL of the app is posted what its form posts for Asia-Pacific, and nothing changes;
nobody but a draft's author reads it, on any page or download.

The URLs come from walking the URLconf, the form data from `SAMPLES` (tests/url_samples.py),
so a new write URL is attacked here as soon as it has its sample.
"""

import pytest

from activities.models import Activity, ImportBatch
from tests.factories import activity_form_data, csv_file, import_row
from tests.url_samples import (
    AFR_DRAFT_SECRET,
    ASP_DRAFT_SECRET,
    SAMPLES,
    SIGNED_IN,
    body_text,
    build_world,
    changed_tables,
    described,
    request,
    sample_path,
    snapshot,
    status_of,
    walked_routes,
)

ROUTES = walked_routes()
WRITE_ROUTES = [route for route in ROUTES if route.name in SAMPLES and SAMPLES[route.name].writer]
REPORT_ROUTES = [route for route in ROUTES if "report_pk" in route.converters]
ATTACKERS = ["afr_editor", "viewer"]


@pytest.fixture
def world(db):
    return build_world()


def test_the_walk_attacks_every_kind_of_write():
    names = {route.name for route in WRITE_ROUTES}
    assert {
        "activities:activity_create",
        "activities:activity_edit",
        "activities:activity_archive",
        "activities:activity_restore",
        "activities:activity_import",
        "activities:activity_import_confirm",
        "activities:report_create",
        "activities:report_edit",
        "activities:report_submit",
        "activities:report_approve",
        "activities:report_return",
    } <= names


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=[r.name for r in WRITE_ROUTES])
def test_the_rightful_writer_changes_the_data(world, route):
    """The control: what the attackers post below does change the data when its rightful
    writer posts it, so that their failing to change it means something."""
    sample = SAMPLES[route.name]
    client = world.client(sample.writer)
    before = snapshot()
    outcome = request(client, "post", sample_path(route, world), sample.post(world))
    assert status_of(outcome) in (200, 302), described(outcome)
    assert changed_tables(before, snapshot()), f"POST {route.name} as {sample.writer}"


@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_an_attacker_changes_nothing_through_any_url(world, route, attacker):
    """Every URL, posted Asia-Pacific's form data: 403 or 404 on Asia-Pacific's rows, the form
    with its errors on a form for new rows, 405 where nothing is posted; no change at all."""
    sample = SAMPLES[route.name]
    client = world.client(attacker)
    path = sample_path(route, world)
    before = snapshot()
    outcome = request(client, "post", path, sample.post(world))
    changed = changed_tables(before, snapshot())
    assert not changed, f"POST {path} as {attacker} changed {changed}"
    status = status_of(outcome)
    assert status < 500, described(outcome)
    if sample.writer and route.converters:
        assert status in (403, 404), f"POST {path} as {attacker}: {described(outcome)}"


@pytest.mark.parametrize("route", REPORT_ROUTES, ids=[r.name for r in REPORT_ROUTES])
def test_a_draft_does_not_exist_for_anyone_but_its_author(world, route):
    """The ASP editor's draft, at each report URL: 404 (or 405 where only POST is spoken) to
    everyone else, whatever they try, and unchanged."""
    path = route.path(pk=world.draft.activity_id, report_pk=world.draft.pk)
    failures = []
    for persona in SIGNED_IN:
        if persona == "asp_editor":
            continue
        client = world.client(persona)
        before = snapshot()
        for method in ("get", "post"):
            data = SAMPLES[route.name].post(world) if method == "post" else None
            outcome = request(client, method, path, data)
            if status_of(outcome) not in (404, 405):
                failures.append(f"{method.upper()} {path} as {persona}: {described(outcome)}")
        if changed_tables(before, snapshot()):
            failures.append(f"{path} as {persona} changed {changed_tables(before, snapshot())}")
    assert not failures, "\n".join(["", *failures])


def _pages_of_the_world(world):
    """Every URL on the world's rows, and each report URL on each draft as well."""
    paths = [sample_path(route, world) for route in ROUTES]
    for route in REPORT_ROUTES:
        for draft in (world.draft, world.afr_draft):
            paths.append(route.path(pk=draft.activity_id, report_pk=draft.pk))
    return paths


DRAFT_SECRETS = {"asp_editor": ASP_DRAFT_SECRET, "afr_editor": AFR_DRAFT_SECRET}


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_no_page_or_download_shows_a_draft_but_to_its_author(world, persona):
    """Drafts' words, looked for in every page and file the walk reaches (dashboards, exports
    and documents included): found by their author only."""
    client = world.client(persona)
    shown_on = {author: [] for author in DRAFT_SECRETS}
    for path in _pages_of_the_world(world):
        outcome = request(client, "get", path, {"year": "2026"})
        if status_of(outcome) == 200:
            text = body_text(outcome)
            for author, secret in DRAFT_SECRETS.items():
                if secret in text:
                    shown_on[author].append(path)
    for author, paths in shown_on.items():
        if persona == author:
            draft = world.draft if author == "asp_editor" else world.afr_draft
            assert draft.get_absolute_url() in paths  # the check sees a draft where it is
        else:
            assert not paths, f"{persona} reads {author}'s draft on {paths}"


# --- Attacks that the walk's sample form data does not try -----------------------------------


def test_an_africa_editor_cannot_create_an_activity_with_asia_pacific_links(world):
    client = world.client("afr_editor")
    data = activity_form_data(
        title="Smuggled", region="AFR", countries=["TON"], expected_results=["ASP1.3"]
    )
    response = client.post("/activities/new/", data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"countries", "expected_results"}
    assert not Activity.objects.filter(title="Smuggled").exists()


def test_an_africa_editor_cannot_move_their_activity_into_asia_pacific(world):
    client = world.client("afr_editor")
    activity = world.afr_activity
    data = activity_form_data(
        activity, region="ASP", countries=["TON"], expected_results=["ASP1.3"]
    )
    response = client.post(f"/activities/{activity.pk}/edit/", data)
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    activity.refresh_from_db()
    assert activity.region.code == "AFR"
    assert list(activity.countries.values_list("iso3", flat=True)) == ["KEN"]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param({"tracker_id": "asp", "countries": "KEN"}, id="by-id-into-africa"),
        pytest.param(
            {"tracker_id": "asp", "countries": "TON", "expected_results": "ASP1.3"},
            id="by-id-in-place",
        ),
        pytest.param({"reference": "ITU-ASP-001", "countries": "KEN"}, id="by-reference"),
        pytest.param({"countries": "TON", "expected_results": "ASP1.3"}, id="new-in-asia"),
    ],
)
def test_an_africa_editor_cannot_import_into_asia_pacific(world, row):
    """An import row that would update Asia-Pacific's activity, or create one there: the
    preview names the error, and no import is kept to confirm."""
    if row.get("tracker_id") == "asp":
        row = {**row, "tracker_id": str(world.asp_activity.uid)}
    client = world.client("afr_editor")
    before = snapshot()
    data = csv_file([import_row(**{"title": "Taken over", "expected_results": "AFR1.1", **row})])
    response = client.post("/activities/import/", {"file": _upload(data)})
    assert response.status_code == 200
    messages = [m for r in response.context["plan"].error_rows for m in r.messages]
    assert any("Asia and the Pacific is not one of your regions" in m for m in messages), messages
    assert not ImportBatch.objects.filter(uploaded_by=world.users["afr_editor"]).exists()
    assert not changed_tables(before, snapshot())


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("activities.csv", data, content_type="text/csv")
