"""The initiatives pages: per action plan and region, and an initiative with its results."""

from initiatives.models import ActionPlan, Initiative, Region


def test_it_lists_the_current_plans_initiatives_by_region(client, viewer):
    client.force_login(viewer)
    response = client.get("/initiatives/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Baku Action Plan" in page
    for code in ["ASP1", "ASP2", "ASP3", "ASP4", "ASP5"]:
        assert f"<strong>{code}</strong>" in page
    assert "8 expected results" in page  # ASP3


def test_it_shows_another_plan_when_asked(client, viewer):
    plan = ActionPlan.objects.create(
        code="WTDC-29", name="Next Plan", start_year=2030, end_year=2033
    )
    Initiative.objects.create(
        action_plan=plan,
        region=Region.objects.get(code="AFR"),
        code="AFR1",
        title="Future",
        objective="o",
    )
    client.force_login(viewer)
    page = client.get("/initiatives/?plan=WTDC-29").content.decode()
    assert "AFR1" in page
    assert "ASP1" not in page


def test_an_unknown_plan_is_said_so(client, viewer):
    client.force_login(viewer)
    response = client.get("/initiatives/?plan=NOPE")
    assert response.status_code == 200
    assert "There is no such action plan." in response.content.decode()


def test_the_list_costs_a_fixed_number_of_queries(client, viewer, django_assert_max_num_queries):
    client.force_login(viewer)
    with django_assert_max_num_queries(6):
        client.get("/initiatives/")


def test_an_initiative_shows_its_objective_and_every_expected_result(client, viewer):
    client.force_login(viewer)
    response = client.get("/initiatives/WTDC-25/ASP3/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "To assist Member States in developing telecommunication" in page
    for number in range(1, 9):
        assert f"ASP3.{number}" in page
    assert "ASP3.9" not in page


def test_an_unknown_initiative_is_404(client, viewer):
    client.force_login(viewer)
    assert client.get("/initiatives/WTDC-25/ASP9/").status_code == 404
    assert client.get("/initiatives/NOPE/ASP1/").status_code == 404
