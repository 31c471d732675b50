"""The activity list and an activity's page (read-only; editing comes with the workspace)."""

from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory


def test_the_list_shows_each_activity_with_countries_badges_and_results(client, viewer):
    ActivityFactory(title="Emergency telecom plan", countries=["TON", "TUV"], expected_results=["ASP5.4", "ASP1.3"])
    client.force_login(viewer)
    response = client.get("/activities/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Emergency telecom plan" in page
    assert "Tonga" in page and "Tuvalu" in page
    assert 'class="badge badge-ldc"' in page
    assert ">ASP1.3</abbr>" in page and ">ASP5.4</abbr>" in page


def test_archived_activities_are_not_listed(client, viewer):
    import django.utils.timezone

    ActivityFactory(title="Old one", archived_at=django.utils.timezone.now())
    client.force_login(viewer)
    assert "Old one" not in client.get("/activities/").content.decode()


def test_the_list_queries_do_not_grow_with_rows(client, viewer, django_assert_max_num_queries):
    client.force_login(viewer)
    ActivityFactory.create_batch(5, countries=["TON", "FJI"], expected_results=["ASP1.1", "ASP3.2"])
    with django_assert_max_num_queries(9):
        client.get("/activities/")
    ActivityFactory.create_batch(55, countries=["NPL", "BTN"], expected_results=["ASP2.1", "ASP5.1"])
    with django_assert_max_num_queries(9):
        response = client.get("/activities/")
    assert "60 activities" in response.content.decode()
    assert "Page 1 of 2" in response.content.decode()


def test_the_detail_shows_the_activity_and_its_reports(client, viewer):
    report = ProgressReportFactory(
        activity=ActivityFactory(title="IXP study", countries=["TLS"], expected_results=["ASP3.4"]),
        state="approved",
        reviewer=UserFactory(),
        reviewed_at="2026-07-01T00:00:00Z",
        achievements="Feasibility study delivered.",
    )
    client.force_login(viewer)
    response = client.get(f"/activities/{report.activity.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "IXP study" in page
    assert "Timor-Leste" in page
    assert "ASP3.4" in page and "Promotion of Internet exchange points" in page
    assert "Feasibility study delivered." in page


def test_drafts_are_shown_to_their_author_only(client, viewer):
    draft = ProgressReportFactory(achievements="Secret draft text")
    client.force_login(viewer)
    assert "Secret draft text" not in client.get(draft.activity.get_absolute_url()).content.decode()
    client.force_login(draft.author)
    assert "Secret draft text" in client.get(draft.activity.get_absolute_url()).content.decode()


def test_an_unknown_activity_is_404(client, viewer):
    client.force_login(viewer)
    assert client.get("/activities/999999/").status_code == 404
