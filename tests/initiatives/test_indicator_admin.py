"""Administrators keep indicators and targets in the admin: indicators under their expected
result, targets under their indicator; a revised target keeps its old value, who changed it
and why. Every expected result has its computed indicators, however it is made."""

import pytest
from django.urls import reverse

from initiatives.models import ExpectedResult, Indicator, Initiative, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def people_trained():
    result = ExpectedResult.objects.get_by_natural_key("WTDC-25", "ASP1", 3)
    indicator = Indicator.objects.create(expected_result=result, code="1", name="People trained")
    Target.objects.create(indicator=indicator, year=2026, value=100)
    return indicator


def inline_data(prefix, rows, total=None):
    """The management form and `rows` of an inline formset, as the admin posts them."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data |= {f"{prefix}-{number}-{name}": value for name, value in row.items()}
    return data


def change_targets(admin_client, indicator, value, reason):
    target = indicator.targets.get()
    data = {
        "expected_result": indicator.expected_result_id,
        "code": indicator.code,
        "name": indicator.name,
        "measure": indicator.measure,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "aggregation": indicator.aggregation,
        "baseline_value": "",
        "baseline_year": "",
        "baseline_source": "",
        **inline_data(
            "targets",
            [
                {
                    "id": target.pk,
                    "indicator": indicator.pk,
                    "year": target.year,
                    "value": value,
                    "reason": reason,
                }
            ],
        ),
    }
    url = reverse("admin:initiatives_indicator_change", args=[indicator.pk])
    return admin_client.post(url, data)


def test_a_revised_target_needs_a_reason_and_nothing_is_saved_without(admin_client, people_trained):
    response = change_targets(admin_client, people_trained, "150", "")

    assert response.status_code == 200
    assert "Say why the target changes: the history keeps it." in response.text
    assert people_trained.targets.get().value == 100


def test_a_revised_target_keeps_the_old_value_who_and_why(admin_client, superuser, people_trained):
    response = change_targets(admin_client, people_trained, "150", "Two more countries joined")

    assert response.status_code == 302
    target = people_trained.targets.get()
    assert target.value == 150
    latest, before = target.history.order_by("-history_id")[:2]
    assert (latest.value, latest.history_user, latest.history_change_reason) == (
        150,
        superuser,
        "Two more countries joined",
    )
    assert before.value == 100
    page = admin_client.get(reverse("admin:initiatives_target_history", args=[target.pk]))
    assert "Two more countries joined" in page.text


def test_the_expected_result_page_lists_its_indicators(admin_client, people_trained):
    result = people_trained.expected_result
    page = admin_client.get(reverse("admin:initiatives_expectedresult_change", args=[result.pk]))

    assert page.status_code == 200
    assert "People trained" in page.text
    assert "Countries reached" in page.text  # a computed one


def test_a_target_outside_the_plans_years_is_refused(admin_client, people_trained):
    url = reverse("admin:initiatives_target_add")
    response = admin_client.post(url, {"indicator": people_trained.pk, "year": 2031, "value": 5})

    assert response.status_code == 200
    assert "A year of the plan, 2026 to 2029." in response.text


def test_a_new_expected_result_gets_its_computed_indicators(admin_client):
    initiative = Initiative.objects.get(action_plan__code="WTDC-25", code="ASP1")
    result = ExpectedResult.objects.create(initiative=initiative, number=99, text="New result")

    assert sorted(result.indicators.values_list("code", flat=True)) == [
        "AC",
        "CR",
        "LDC",
        "LLDC",
        "PR",
        "SIDS",
    ]
    result.save()  # saved again: still once each
    assert result.indicators.count() == 6


def test_only_a_number_indicator_takes_a_breakdown(admin_client):
    result = ExpectedResult.objects.get_by_natural_key("WTDC-25", "ASP1", 3)
    data = {
        "expected_result": result.pk,
        "code": "2",
        "name": "Coverage",
        "measure": "reported",
        "unit": "percent",
        "direction": "up",
        "aggregation": "latest",
        "by_sex": "on",
        **inline_data("targets", []),
    }

    response = admin_client.post(reverse("admin:initiatives_indicator_add"), data)

    assert response.status_code == 200
    assert "Only an indicator counted in numbers is broken down" in response.text
    assert not Indicator.objects.filter(expected_result=result, code="2").exists()
