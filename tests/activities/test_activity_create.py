"""Creating an activity: the form narrowed to the editor's regions, every validation rule, one
history row, and who may create."""

import datetime
import re
from decimal import Decimal

import pytest

from activities import money
from activities.models import Activity
from initiatives.models import Country
from tests.factories import (
    ActivityFactory,
    UserFactory,
    activity_form_data,
    expected_result,
    initiative_with_results,
)

pytestmark = pytest.mark.django_db

URL = "/activities/new/"


def post(client, user, **changes):
    client.force_login(user)
    return client.post(URL, activity_form_data(**changes))


def test_it_shows_the_editor_a_form_of_their_region(client, asp_editor):
    client.force_login(asp_editor)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.text
    # The only region of the editor, preselected; no other region offered.
    assert re.search(r'<option value="\d+" selected>Asia and the Pacific</option>', page)
    assert "Africa" not in page
    # Countries of the region, with their designations, and nothing else.
    assert "Tonga" in page and "Nigeria" not in page
    # Expected results grouped by initiative (folded: nothing ticked yet), their full text
    # readable: the short label on screen, the full text in the label.
    folded = r'<details class="choice-group" data-region="\d+">\s*<summary>'
    assert re.search(folded + r'<span class="choice-group-name">ASP3: ', page)
    assert '<span class="choice-full">' + expected_result("ASP3.4").text + "</span>" in page
    assert 'type="date"' in page
    # The author is the focal point unless changed.
    assert f'<option value="{asp_editor.pk}" selected>' in page
    assert "js/activity_form.js" in page and "<script>" not in page


def test_it_creates_the_activity_with_its_links_and_one_history_row(client, asp_editor):
    response = post(
        client,
        asp_editor,
        countries=["TON", "FJI"],
        expected_results=["ASP3.4", "ASP1.3"],
        target_groups=["youth", "women-and-girls"],
        # Its budget is given on its own page: a budget posted here is not taken.
        budget_amount="25000.50",
        currency="CHF",
        focal_point=asp_editor.pk,
        planned_participants_women=12,
        planned_participants_men=9,
    )

    activity = Activity.objects.get(title="Spectrum management training for Pacific regulators")
    assert response.status_code == 302
    assert response.url == activity.get_absolute_url()
    assert activity.region.code == "ASP"
    assert {c.iso3 for c in activity.countries.all()} == {"TON", "FJI"}
    assert {r.code for r in activity.expected_results.all()} == {"ASP3.4", "ASP1.3"}
    assert {g.code for g in activity.target_groups.all()} == {"youth", "women-and-girls"}
    assert not activity.budget_lines.exists()
    # Its money splits in equal shares across its expected results until an editor sets them.
    assert not activity.custom_split
    assert sorted(money.shares_of(activity).values()) == [Decimal("50.00"), Decimal("50.00")]
    assert activity.start_date == datetime.date(2026, 3, 1)
    assert (activity.planned_participants_women, activity.planned_participants_men) == (12, 9)
    assert activity.created_by == activity.updated_by == activity.focal_point == asp_editor
    assert activity.version == 1

    [row] = activity.history.all()
    assert row.history_type == "+"
    assert row.history_user == asp_editor
    assert sorted(link.country.iso3 for link in row.countries.all()) == ["FJI", "TON"]
    assert sorted(link.expected_result.code for link in row.expected_results.all()) == [
        "ASP1.3",
        "ASP3.4",
    ]
    assert sorted(link.targetgroup.code for link in row.target_groups.all()) == [
        "women-and-girls",
        "youth",
    ]
    follow = client.get(response.url)
    assert "is saved" in follow.text


def assert_refused(response, *messages):
    assert response.status_code == 200
    assert "The activity is not saved yet" in response.text
    for message in messages:
        assert message in response.text
    assert not Activity.objects.exists()


def test_it_needs_at_least_one_country_and_one_expected_result(client, asp_editor):
    response = post(client, asp_editor, countries=[], expected_results=[])
    assert_refused(response, "Choose at least one country.", "Choose at least one expected result.")


def test_it_refuses_an_end_date_before_the_start_date(client, asp_editor):
    response = post(client, asp_editor, start_date="2026-05-01", end_date="2026-04-30")
    assert_refused(response, "The end date cannot be before the start date.")
    assert response.context["form"].errors["end_date"]


def test_it_refuses_a_country_of_a_region_the_editor_does_not_work_in(client, asp_editor):
    response = post(client, asp_editor, countries=["TON", "NGA"])
    assert_refused(response, "Select a valid choice.")
    assert response.context["form"].errors["countries"]


def test_it_refuses_a_region_the_editor_does_not_work_in(client, asp_editor):
    response = post(client, asp_editor, region="AFR")
    assert_refused(response)
    assert response.context["form"].errors["region"]


def test_it_refuses_an_expected_result_of_another_region(client, asp_editor):
    initiative_with_results("AFR", "AFR1")
    response = post(client, asp_editor, expected_results=["AFR1.1"])
    assert_refused(response)
    assert response.context["form"].errors["expected_results"]


def test_links_must_belong_to_the_activitys_region_even_for_an_administrator(client, superuser):
    # An administrator may choose any region, but not mix them in one activity.
    initiative_with_results("AFR", "AFR1")
    response = post(client, superuser, region="AFR", countries=["TON"], expected_results=["ASP1.3"])
    assert_refused(
        response,
        "Tonga is not in Africa, the region of this activity.",
        "ASP1.3 is an expected result of another region.",
    )

    response = post(client, superuser, region="AFR", countries=["NGA"], expected_results=["AFR1.1"])
    assert response.status_code == 302
    assert Activity.objects.get().region.code == "AFR"


def test_it_refuses_a_reference_another_activity_has(client, asp_editor):
    ActivityFactory(reference="RAS/26/01")
    response = post(client, asp_editor, reference="RAS/26/01")
    assert response.status_code == 200
    assert "Another activity already has this reference." in response.text
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"planned_participants_women": "-3"},
            "planned_participants_women",
            "Give a number of people, 0 or more.",
        ),
        ({"title": ""}, "title", "This field is required."),
        ({"start_date": ""}, "start_date", "This field is required."),
        ({"start_date": "31/02/2026"}, "start_date", "Enter a valid date."),
    ],
)
def test_it_says_what_is_wrong_next_to_the_field(client, asp_editor, changes, field, message):
    response = post(client, asp_editor, **changes)
    assert_refused(response, message)
    assert any(message in error for error in response.context["form"].errors[field])


def test_it_keeps_the_input_after_an_error(client, asp_editor):
    response = post(
        client,
        asp_editor,
        title="Pacific spectrum workshop",
        partners="APT, PITA",
        countries=["FJI"],
        expected_results=[],
    )
    page = response.text
    assert 'value="Pacific spectrum workshop"' in page
    assert "APT, PITA</textarea>" in page
    fiji = Country.objects.get(iso3="FJI")
    assert re.search(rf'value="{fiji.pk}" id="id_countries_\d+" checked>', page)


@pytest.mark.parametrize("persona", ["viewer", "anonymous"])
def test_only_editors_may_create(client, request, persona):
    if persona == "viewer":
        client.force_login(request.getfixturevalue("viewer"))
    data = activity_form_data()

    get, post_response = client.get(URL), client.post(URL, data)

    if persona == "viewer":
        assert get.status_code == post_response.status_code == 403
        assert "You cannot do this here" in post_response.text
    else:
        assert get.status_code == post_response.status_code == 302
        assert "/login/" in post_response.url
    assert not Activity.objects.exists()


def test_an_editor_without_regions_may_not_create(client):
    editor = UserFactory(role="Editor")
    client.force_login(editor)
    assert client.get(URL).status_code == 403
    assert client.post(URL, activity_form_data()).status_code == 403
    assert not Activity.objects.exists()


def test_a_reviewer_creates_in_their_region(client, asp_reviewer):
    assert post(client, asp_reviewer).status_code == 302
    assert Activity.objects.get().created_by == asp_reviewer


def test_an_editor_of_two_regions_chooses_the_region(client):
    editor = UserFactory(role="Editor", regions=["ASP", "AFR"])
    client.force_login(editor)
    page = client.get(URL).text
    assert "Asia and the Pacific" in page and "Africa" in page and "Nigeria" in page
    assert 'value="" selected>---------' in page  # no region chosen for them
