"""A number too large for any id column (here 2**70), posted where an id or a choice is
expected: refused as an invalid choice on every form, filter and admin page — never a 500
(SQLite cannot even be asked about it: OverflowError). See initiatives/lookups.py."""

import pytest

from activities.models import Activity
from tests.factories import ActivityFactory, activity_form_data

HUGE = str(2**70)  # 1180591620717411303424


@pytest.mark.parametrize("field", ["countries", "expected_results", "target_groups"])
def test_a_new_activity_with_a_huge_id_in_a_multiple_choice_is_refused(client, asp_editor, field):
    client.force_login(asp_editor)
    response = client.post("/activities/new/", {**activity_form_data(), field: [HUGE]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_huge_focal_point_id_is_refused(client, asp_editor):
    client.force_login(asp_editor)
    response = client.post("/activities/new/", {**activity_form_data(), "focal_point": HUGE})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Activity.objects.exists()


def test_the_admin_refuses_a_huge_id_in_a_multiple_choice(client, superuser):
    # Countries and expected results are inlines there: single choices, which Django's own
    # `exact` lookup already answers; target groups are a multiple choice.
    field = "target_groups"
    activity = ActivityFactory(title="Before")
    client.force_login(superuser)
    page = client.get(f"/admin/activities/activity/{activity.pk}/change/")
    response = client.post(
        f"/admin/activities/activity/{activity.pk}/change/",
        {**_admin_post(page), field: [HUGE], "title": "After"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Select a valid choice" in str(errors[field]), errors
    activity.refresh_from_db()
    assert activity.title == "Before"


def _admin_post(page):
    """The admin change form's fields as the page filled them in."""
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(item) for item in value]
        else:
            data[name] = str(value)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


@pytest.mark.parametrize(
    "query",
    [
        f"countries__id__exact={HUGE}",
        f"region__id__exact={HUGE}",
        f"expected_results__id__exact={HUGE}",
        f"id__in={HUGE}",
    ],
)
def test_the_admin_changelist_answers_a_huge_id_filter_without_a_500(client, superuser, query):
    client.force_login(superuser)
    response = client.get(f"/admin/activities/activity/?{query}")
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "name", ["country", "result", "focal_point", "initiative", "year", "reported", "page"]
)
def test_the_activity_list_answers_a_huge_filter_value_without_a_500(client, viewer, name):
    client.force_login(viewer)
    response = client.get(f"/activities/?{name}={HUGE}")
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "path",
    [
        "activities/activity/abc/history/",
        "activities/activity/abc/history/1/",
        "activities/activity/{pk}/history/abc/",
        f"activities/activity/{HUGE}/history/",
        f"activities/activity/{{pk}}/history/{HUGE}/",
        "activities/progressreport/x/history/",
        "auth/user/abc/history/",
        "initiatives/country/abc/history/1/",
    ],
)
def test_a_history_page_of_an_id_no_row_could_have_is_not_found(client, superuser, path):
    activity = ActivityFactory()
    client.force_login(superuser)
    response = client.get("/admin/" + path.format(pk=activity.pk))
    assert response.status_code == 404
