"""Figures that say what they rest on, in a real browser: a mean of percent complete names how
many activities reported, and an activity whose status its dates contradict is counted on the
dashboard, and flagged in the list the count opens."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity
from tests import factories
from tests.factories import DEFAULT_PASSWORD

YEAR = 2026


@pytest.fixture
def viewer(reference_data):
    return factories.UserFactory(username="viewer", role="Viewer")


def test_a_mean_names_the_activities_it_rests_on(page, live_server, viewer, login):
    """Four activities on ASP2.1, two with an approved report at 100 %: "100 % complete"
    alone would mislead."""
    for number in range(4):
        activity = factories.ActivityFactory(
            title=f"Cybersecurity drill {number}",
            expected_results=["ASP2.1"],
            start_date=datetime.date(YEAR, 1, 10),
            end_date=datetime.date(YEAR, 12, 20),
        )
        if number < 2:
            factories.approved_report(activity, YEAR, 1, percent_complete=100)
    login(page, live_server, "viewer", DEFAULT_PASSWORD)

    page.goto(f"{live_server.url}/dashboard/ASP/?year={YEAR}")

    row = page.locator("tr.result-row", has=page.locator("abbr", has_text="ASP2.1"))
    expect(row.locator("td").nth(4)).to_have_text("100% (2 of 4 activities reported)")


def test_an_activity_past_its_end_date_is_counted_and_flagged(page, live_server, viewer, login):
    today = timezone.localdate()
    overdue = factories.ActivityFactory(
        title="Spectrum plan for Nepal",
        countries=["NPL"],
        status=Activity.Status.ONGOING,
        start_date=today - datetime.timedelta(days=300),
        end_date=today - datetime.timedelta(days=3),
    )
    factories.ActivityFactory(
        title="Broadband map for Bhutan",
        countries=["BTN"],
        status=Activity.Status.ONGOING,
        start_date=today - datetime.timedelta(days=300),
        end_date=today + datetime.timedelta(days=60),
    )
    login(page, live_server, "viewer", DEFAULT_PASSWORD)

    page.goto(f"{live_server.url}/dashboard/ASP/")
    attention = page.get_by_role("region", name="Activities that need attention")
    expect(attention).to_contain_text("1 activity needs attention")
    attention.get_by_role("link", name="1", exact=True).click()

    rows = page.locator("table.activity-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(overdue.title)
    expect(rows.first).to_contain_text("Needs attention: its end date has passed")
    expect(page.get_by_label("Needs attention")).to_be_checked()
