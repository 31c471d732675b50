"""An activity's page: every field, its expected results and countries, its progress reports as a
timeline, its latest changes, the actions the user may take, in a fixed number of queries."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, ProgressReport, TargetGroup
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    ExchangeRateFactory,
    ProgressReportFactory,
    UserFactory,
    activity_form_data,
    approved_report,
)


def test_it_shows_every_field(client, viewer):
    focal_point = UserFactory(first_name="Sione", last_name="Tupou")
    activity = ActivityFactory(
        title="IXP feasibility study",
        description="A study of an Internet exchange point.",
        reference="RAS/26/07",
        modality=Activity.Modality.STUDY,
        start_date=datetime.date(2026, 3, 1),
        end_date=None,
        budget=("42000.00", Activity.FundingSource.ICT_DF),
        partners="APNIC",
        focal_point=focal_point,
        planned_participants_women=14,
        planned_participants_men=11,
    )
    activity.target_groups.set(TargetGroup.objects.filter(code="youth"))
    client.force_login(viewer)

    page = client.get(activity.get_absolute_url()).text

    for text in [
        "IXP feasibility study",
        "A study of an Internet exchange point.",
        "RAS/26/07",
        "Asia and the Pacific",
        "Ongoing",
        "Study/assessment",
        "1 Mar 2026",
        "open",
        "42,000 USD",
        "ICT Development Fund",
        "APNIC",
        "Youth",
        "Sione Tupou",
        "Planned participants",
        "14 women, 11 men (25 in all)",
    ]:
        assert text in page, text


def test_people_reached_are_its_approved_reports_and_the_plan_is_apart(client, viewer):
    activity = ActivityFactory(planned_participants_women=40, planned_participants_men=30)
    for quarter in (1, 2):
        approved_report(
            activity, 2026, quarter, people_reached_women=10 * quarter, people_reached_men=quarter
        )
    for quarter, state in [(3, "submitted"), (4, "draft")]:
        ProgressReportFactory(
            activity=activity, year=2026, quarter=quarter, state=state, people_reached_women=99
        )
    client.force_login(viewer)

    page = client.get(activity.get_absolute_url()).text

    assert "40 women, 30 men (70 in all)</dd>" in page  # the plan
    # Reached: Q1 and Q2 only, the reports waiting for review or drafts do not count.
    assert "30 women, 3 men (33 in all), from its approved progress reports" in page


def test_it_shows_the_expected_results_and_countries_with_their_badges(client, viewer):
    activity = ActivityFactory(countries=["TLS", "FJI"], expected_results=["ASP3.4"])
    client.force_login(viewer)
    page = client.get(activity.get_absolute_url()).text
    assert "ASP3.4" in page and "Promotion of Internet exchange points" in page
    assert "ASP3: " in page  # the initiative it belongs to
    assert "Timor-Leste" in page and "Fiji" in page
    assert 'class="badge badge-ldc"' in page and 'class="badge badge-sids"' in page


def test_it_shows_the_reports_as_a_timeline_with_their_state(client, viewer):
    activity = ActivityFactory(title="IXP study")
    approved = ProgressReportFactory(
        activity=activity,
        quarter=1,
        state=ProgressReport.State.APPROVED,
        reviewer=UserFactory(),
        reviewed_at="2026-04-10T00:00:00Z",
        achievements="Feasibility study delivered.",
    )
    ProgressReportFactory(activity=activity, quarter=2, state=ProgressReport.State.SUBMITTED)
    client.force_login(viewer)

    page = client.get(activity.get_absolute_url()).text

    assert "Feasibility study delivered." in page
    assert page.index("2026 Q2") < page.index("2026 Q1")  # newest first
    assert "Approved" in page and "Submitted" in page
    assert f"/activities/{activity.pk}/reports/{approved.pk}/" in page


def test_drafts_are_shown_to_their_author_only(client, viewer):
    draft = ProgressReportFactory(achievements="Secret draft text")
    client.force_login(viewer)
    assert "Secret draft text" not in client.get(draft.activity.get_absolute_url()).text
    client.force_login(draft.author)
    assert "Secret draft text" in client.get(draft.activity.get_absolute_url()).text


def test_it_offers_actions_to_editors_of_the_region_only(client, viewer, asp_editor, afr_editor):
    activity = ActivityFactory()
    edit = f"/activities/{activity.pk}/edit/"
    new_report = f"/activities/{activity.pk}/reports/new/"
    client.force_login(asp_editor)
    page = client.get(activity.get_absolute_url()).text
    assert edit in page and new_report in page
    for other in (viewer, afr_editor):
        client.force_login(other)
        page = client.get(activity.get_absolute_url()).text
        assert edit not in page and new_report not in page


def test_it_shows_the_latest_changes_with_a_link_to_the_history(client, asp_editor):
    activity = ActivityFactory(status=Activity.Status.PLANNED, countries=["TON"])
    client.force_login(asp_editor)
    client.post(
        f"/activities/{activity.pk}/edit/",
        activity_form_data(activity, status=Activity.Status.ONGOING, countries=["TON", "FJI"]),
    )

    page = client.get(activity.get_absolute_url()).text

    assert "Status: Planned → Ongoing" in page
    assert "Countries: Tonga → Fiji, Tonga" in page
    assert "asp.editor" in page
    assert f"/activities/{activity.pk}/history/" in page


def test_the_number_of_queries_does_not_grow(client, asp_editor, django_assert_max_num_queries):
    def many_things(activity):
        activity.countries.set(activity.region.countries.all()[:12])
        for quarter in (1, 2, 3, 4):
            ProgressReportFactory(activity=activity, quarter=quarter, author=asp_editor)
        for status in [Activity.Status.ONGOING, Activity.Status.COMPLETED] * 4:
            Activity.objects.filter(pk=activity.pk).update(status=status)
            activity.refresh_from_db()
            activity.save()  # a history row each

    small = ActivityFactory(countries=["TON"], expected_results=["ASP1.3"])
    BudgetLineFactory(activity=small, currency="EUR")
    large = ActivityFactory(
        expected_results=["ASP1.1", "ASP1.3", "ASP3.4", "ASP5.1", "ASP2.2"],
        end_date=datetime.date(2028, 12, 31),
    )
    many_things(large)
    # Budget lines in several years and currencies, some with a rate, some without.
    for year in (2026, 2027, 2028):
        ExchangeRateFactory(month=datetime.date(year, 1, 1))
        for currency in ("USD", "EUR", "CHF", "XOF"):
            BudgetLineFactory(activity=large, year=year, currency=currency)
    client.force_login(asp_editor)
    client.get(small.get_absolute_url())  # the session and permissions, once

    cache.clear()  # each page is computed, not read from the cache
    # 23: one of them the later plans' results that continue its expected results; three its
    # money: the budget lines, their rates, the split.
    with django_assert_max_num_queries(23) as small_page:
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(len(small_page.captured_queries)):
        response = client.get(large.get_absolute_url())
    assert response.status_code == 200


def test_the_shared_parts_come_from_the_cache_until_data_changes(client, asp_editor):
    """Fields, links and latest changes are the same for everyone: a second visit reads
    neither the links nor the history; a save shows at once."""
    activity = ActivityFactory(title="IXP study", countries=["TON"], expected_results=["ASP3.4"])
    client.force_login(asp_editor)
    url = activity.get_absolute_url()

    def tables_read():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return " ".join(q["sql"] for q in queries)

    assert "activities_historicalactivity" in tables_read()
    read_again = tables_read()
    assert "activities_historicalactivity" not in read_again
    assert "activities_activitycountry" not in read_again
    response = client.post(
        reverse("activities:activity_edit", args=[activity.pk]),
        activity_form_data(activity, countries=["FJI"]),
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Fiji" in page
    assert "Countries: Tonga → Fiji" in page


def test_a_draft_is_shown_to_its_author_only_whatever_the_cache(client, asp_editor, viewer):
    activity = ActivityFactory()
    ProgressReportFactory(activity=activity, author=asp_editor, achievements="A draft of mine.")
    client.force_login(asp_editor)
    assert "A draft of mine." in client.get(activity.get_absolute_url()).content.decode()
    client.force_login(viewer)
    assert "A draft of mine." not in client.get(activity.get_absolute_url()).content.decode()


def test_an_unknown_activity_is_404(client, viewer):
    client.force_login(viewer)
    assert client.get("/activities/999999/").status_code == 404
