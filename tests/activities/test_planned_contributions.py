"""An activity's planned contributions to the reported indicators of the expected results it
advances: set on their own page by the activity's editors, saved through the activity's write
path (version, history, the same rules as a report's values), shown on the activity's page and,
combined, on the expected result's page and in the dashboard JSON."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities import services
from activities.models import Activity, PlannedContribution
from initiatives.models import Indicator
from tests.factories import ActivityFactory, IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained():
    return IndicatorFactory(code="1", name="People trained")


@pytest.fixture
def adopted():
    return IndicatorFactory(code="2", name="Policy adopted", unit=Indicator.Unit.YES_NO)


@pytest.fixture
def readiness():
    return IndicatorFactory(code="3", name="Readiness", unit=Indicator.Unit.PERCENT)


@pytest.fixture
def ixp(trained, adopted, readiness):
    return ActivityFactory(
        title="IXP in Tonga",
        countries=["TON"],
        expected_results=["ASP3.4"],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )


def url(activity):
    return reverse("activities:activity_contributions", args=[activity.pk])


def form_data(activity, **values):
    """What the page posts: the activity's version as read, and a value per indicator id."""
    data = {"version": activity.version}
    data.update({str(indicator.pk): value for indicator, value in values.get("by", {}).items()})
    return data


def test_an_editor_plans_contributions_and_the_activity_page_shows_them(
    client, asp_editor, ixp, trained, adopted
):
    client.force_login(asp_editor)
    version = ixp.version

    page = client.get(url(ixp))
    assert page.status_code == 200
    assert "ASP3.4-1 People trained" in page.text and "ASP3.4-2 Policy adopted" in page.text

    response = client.post(url(ixp), form_data(ixp, by={trained: "40", adopted: "1"}))

    assert response.status_code == 302 and response["Location"] == ixp.get_absolute_url()
    saved = dict(ixp.planned_contributions.values_list("indicator__code", "value"))
    assert saved == {"1": Decimal("40"), "2": Decimal("1")}
    ixp.refresh_from_db()
    assert ixp.version == version + 1
    latest = ixp.history.first()
    assert latest.history_user == asp_editor
    assert latest.history_change_reason == "Planned contributions changed: ASP3.4-1, ASP3.4-2"
    detail = client.get(ixp.get_absolute_url()).text
    assert "People trained</dt><dd>40</dd>" in detail
    assert "Policy adopted</dt><dd>Yes</dd>" in detail


def test_emptying_a_field_removes_its_contribution_and_its_history_keeps_it(
    client, asp_editor, ixp, trained
):
    client.force_login(asp_editor)
    client.post(url(ixp), form_data(ixp, by={trained: "40"}))
    ixp.refresh_from_db()

    client.post(url(ixp), form_data(ixp, by={trained: ""}))

    assert not ixp.planned_contributions.exists()
    kept = PlannedContribution.history.filter(activity_id=ixp.pk).order_by("history_date")
    assert [(row.history_type, row.value) for row in kept] == [("+", 40), ("-", 40)]
    assert "None planned." in client.get(ixp.get_absolute_url()).text


@pytest.mark.parametrize(
    ("indicator", "value", "message"),
    [
        ("trained", "-5", "A value cannot be negative."),
        ("trained", "many", "Give a number, such as 12 or 12.5."),
        ("trained", "1.234", "At most two decimals."),
        ("readiness", "120", "A percent is at most 100."),
        ("adopted", "7", "Choose one of the list."),
    ],
)
def test_a_bad_value_is_refused_where_it_was_typed_and_nothing_is_saved(
    client, asp_editor, ixp, request, indicator, value, message
):
    client.force_login(asp_editor)
    chosen = request.getfixturevalue(indicator)
    other = request.getfixturevalue("trained" if indicator != "trained" else "readiness")

    response = client.post(url(ixp), form_data(ixp, by={chosen: value, other: "30"}))

    assert response.status_code == 200
    assert message in response.context["form"].errors[str(chosen.pk)]
    assert "Nothing is saved yet." in response.text
    assert f'value="{value}"' in response.text or value == "7"  # the input comes back
    assert 'value="30"' in response.text
    assert not PlannedContribution.objects.exists()


def test_a_save_made_meanwhile_is_never_overwritten(client, asp_editor, ixp, trained):
    other_editor = type(asp_editor).objects.create(username="other")
    other_editor.groups.set(asp_editor.groups.all())
    for assignment in asp_editor.region_assignments.all():
        other_editor.region_assignments.create(region=assignment.region)
    read = form_data(ixp, by={trained: "25"})
    client.force_login(other_editor)
    client.post(url(ixp), form_data(ixp, by={trained: "40"}))
    client.force_login(asp_editor)

    response = client.post(url(ixp), read)

    assert response.status_code == 200
    assert "Someone else saved this activity while you were editing it" in response.text
    assert "Saved now: 40" in response.text
    assert 'value="25"' in response.text  # yours, still in the form
    assert ixp.planned_contributions.get().value == 40
    # Saving again, having seen it, saves yours.
    ixp.refresh_from_db()
    client.post(url(ixp), form_data(ixp, by={trained: "25"}))
    assert ixp.planned_contributions.get().value == 25


@pytest.mark.parametrize("who", ["viewer", "afr_editor"])
def test_only_the_activitys_editors_plan_its_contributions(client, request, who, ixp, trained):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(ixp)).status_code == 403
    assert client.post(url(ixp), form_data(ixp, by={trained: "40"})).status_code == 403
    assert "Plan its contributions" not in client.get(ixp.get_absolute_url()).text
    assert not PlannedContribution.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, ixp):
    response = client.get(url(ixp))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_archived_activity_takes_no_contribution(client, asp_editor, ixp, trained):
    services.archive_activity(ixp, asp_editor)
    client.force_login(asp_editor)

    response = client.post(url(ixp), form_data(ixp, by={trained: "40"}), follow=True)

    assert "restore it before editing it" in response.text
    assert not PlannedContribution.objects.exists()


def test_without_reported_indicators_there_is_nothing_to_plan(client, asp_editor):
    activity = ActivityFactory(expected_results=["ASP1.1"])
    client.force_login(asp_editor)

    page = client.get(url(activity)).text

    assert "there is nothing to plan a contribution to" in page


def test_a_field_for_an_indicator_not_offered_is_ignored_and_the_write_path_refuses_it(
    client, asp_editor, ixp, trained
):
    elsewhere = IndicatorFactory(result="ASP1.3", code="1")
    client.force_login(asp_editor)

    client.post(url(ixp), form_data(ixp, by={trained: "5", elsewhere: "99"}))

    assert list(ixp.planned_contributions.values_list("indicator", flat=True)) == [trained.pk]
    ixp.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.save_activity(asp_editor, ixp, contributions={elsewhere: Decimal(99)})
    assert "ASP1.3-1 is not an indicator of the expected results this activity advances" in str(
        refused.value
    )
    computed = Indicator.objects.computed().filter(expected_result=trained.expected_result)[0]
    with pytest.raises(ValidationError):
        services.save_activity(asp_editor, ixp, contributions={computed: Decimal(1)})


# --- Combined on the expected result's page and in the JSON -----------------------------------


def test_the_result_page_and_the_json_combine_the_counted_activities_plans(
    client, viewer, ixp, trained, readiness, asp_editor
):
    fiji = ActivityFactory(
        countries=["FJI"], expected_results=["ASP3.4"], start_date=datetime.date(2026, 3, 1)
    )
    cancelled = ActivityFactory(
        countries=["FJI"], expected_results=["ASP3.4"], status=Activity.Status.CANCELLED
    )
    for activity, people, percent in [(ixp, 40, 60), (fiji, 15, 30), (cancelled, 1000, 0)]:
        services.save_activity(
            asp_editor,
            activity,
            contributions={trained: Decimal(people), readiness: Decimal(percent)},
        )
    client.force_login(viewer)

    page = client.get("/initiatives/WTDC-25/ASP3/results/4/?year=2026").text
    data = client.get("/dashboard/ASP/?plan=WTDC-25&year=2026&format=json").json()

    assert "Planned by activities" in page
    result = next(r for r in data["expected_results"] if r["code"] == "ASP3.4")
    planned = {i["code"]: i["planned_by_activities"] for i in result["indicators"]}
    # The cancelled activity's plan does not count; a percent is averaged.
    assert planned["ASP3.4-1"] == 55.0
    assert planned["ASP3.4-3"] == 45.0
    assert planned["ASP3.4-2"] is None and planned["ASP3.4-CR"] is None
