"""Administrators map an expected result to the earlier plans' results it continues, on its admin
page: only results of a plan that starts before its own, never itself; the list of expected
results shows the mapping."""

import lxml.html
import pytest
from django.urls import reverse

from initiatives.models import ActionPlan, ExpectedResult
from tests.factories import expected_result, initiative_with_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def gen22():
    """GEN-22 (2022 to 2025) with ASP1's two expected results."""
    ActionPlan.objects.create(code="GEN-22", name="Earlier plan", start_year=2022, end_year=2025)
    initiative_with_results("ASP", "ASP1", results=2, plan_code="GEN-22")
    return ExpectedResult.objects.filter(initiative__action_plan__code="GEN-22").order_by("number")


def change_url(result):
    return reverse("admin:initiatives_expectedresult_change", args=[result.pk])


def post_continues(admin_client, result, continues):
    """Post the result's admin page as it is, with `continues` set to `continues`."""
    page = admin_client.get(change_url(result))
    form = lxml.html.fromstring(page.content.decode()).xpath("//form[@id='expectedresult_form']")[0]
    data = [(name, value) for name, value in form.form_values() if name != "continues"]
    data += [("continues", str(r.pk)) for r in continues]
    data.append(("_save", "Save"))
    return admin_client.post(change_url(result), dict_of_lists(data))


def dict_of_lists(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def test_it_maps_a_result_to_earlier_plans_results(admin_client, gen22):
    asp34 = expected_result("ASP3.4")

    response = post_continues(admin_client, asp34, gen22)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(asp34.continues.all()) == set(gen22)
    assert list(gen22[0].continued_by.all()) == [asp34]
    assert asp34.history.latest().continues.count() == 2  # kept in its history


def test_it_refuses_a_result_of_the_same_plan(admin_client, gen22):
    asp34 = expected_result("ASP3.4")

    response = post_continues(admin_client, asp34, [expected_result("ASP1.3")])

    assert response.status_code == 200
    assert "continues results of earlier action plans only" in response.text
    assert "remove WTDC-25 ASP1.3" in response.text
    assert not asp34.continues.exists()


def test_it_refuses_itself(admin_client, gen22):
    asp34 = expected_result("ASP3.4")

    response = post_continues(admin_client, asp34, [gen22[0], asp34])

    assert response.status_code == 200
    assert "never itself: remove WTDC-25 ASP3.4" in response.text
    assert not asp34.continues.exists()


def test_it_refuses_a_result_of_a_later_plan(admin_client, gen22):
    earlier = gen22[0]

    response = post_continues(admin_client, earlier, [expected_result("ASP3.4")])

    assert response.status_code == 200
    assert "plans that start before GEN-22, 2022" in response.text
    assert not earlier.continues.exists()


def test_the_list_shows_what_each_result_continues(admin_client, gen22):
    expected_result("ASP3.4").continues.add(*gen22)

    response = admin_client.get(
        reverse("admin:initiatives_expectedresult_changelist"), {"q": "ASP3.4"}
    )

    assert response.status_code == 200
    assert "GEN-22 ASP1.1, GEN-22 ASP1.2" in response.text


def test_the_page_finds_earlier_results_to_continue_by_code(admin_client, gen22):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "initiatives",
            "model_name": "expectedresult",
            "field_name": "continues",
            "term": "ASP1.2",
        },
    )

    assert response.status_code == 200
    assert gen22[1].pk in {int(row["id"]) for row in response.json()["results"]}
