"""The list of initiatives, per action plan and region (an initiative's own page, with its
progress, is tested in tests/reports/test_initiative_page.py)."""

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
