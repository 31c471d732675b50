"""An activity's history page: every saved version, newest first, who, when and what changed
(old → new, in words), in a fixed number of queries."""

from activities.models import Activity
from tests.factories import ActivityFactory, UserFactory, activity_form_data


def history_url(activity):
    return f"/activities/{activity.pk}/history/"


def test_it_lists_who_changed_what_newest_first(client, viewer, asp_editor):
    client.force_login(asp_editor)
    client.post(
        "/activities/new/",
        activity_form_data(
            title="Spectrum workshop", countries=["TON"], expected_results=["ASP1.3"]
        ),
    )
    activity = Activity.objects.get(title="Spectrum workshop")
    colleague = UserFactory(first_name="Mele", last_name="Kupu", role="Editor", regions=["ASP"])
    client.force_login(colleague)
    client.post(
        f"/activities/{activity.pk}/edit/",
        activity_form_data(
            activity,
            status=Activity.Status.ONGOING,
            countries=["TON", "FJI"],
            expected_results=["ASP1.3", "ASP3.4"],
            end_date="",
            target_groups=["youth"],
        ),
    )
    client.post(f"/activities/{activity.pk}/archive/")

    client.force_login(viewer)
    response = client.get(history_url(activity))

    assert response.status_code == 200
    page = response.text
    for change in [
        "Status: Planned → Ongoing",
        "Countries: Tonga → Fiji, Tonga",
        "Expected results: ASP1.3 → ASP1.3, ASP3.4",
        "End date: 30 Jun 2026 → —",
        "Target groups: — → Youth",
        "Archived on: — → ",
    ]:
        assert change in page, change
    archived, edited, created = (
        page.index("Archived</strong>"),
        page.index("Changed</strong>"),
        page.index("Created</strong>"),
    )
    assert archived < edited < created
    assert "Mele Kupu" in page and "asp.editor" in page
    # Record-keeping fields are not changes a person made.
    assert "Version:" not in page and "Updated at" not in page


def test_the_number_of_queries_does_not_grow(client, viewer, django_assert_max_num_queries):
    few = ActivityFactory(countries=["TON"])
    many = ActivityFactory(countries=["TON", "FJI", "WSM"], expected_results=["ASP1.1", "ASP3.4"])
    for number in range(30):
        many.title = f"Title {number}"
        many.focal_point = UserFactory()
        many.save()
    client.force_login(viewer)
    client.get(history_url(few))

    with django_assert_max_num_queries(12) as few_page:
        client.get(history_url(few))
    with django_assert_max_num_queries(len(few_page.captured_queries) + 1):  # + the focal points
        response = client.get(history_url(many))
    assert "Title 28 → Title 29" in response.text


def test_an_unknown_activity_is_404(client, viewer):
    client.force_login(viewer)
    assert client.get("/activities/999999/history/").status_code == 404
