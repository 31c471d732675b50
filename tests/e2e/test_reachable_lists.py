"""Every list item is reachable, in a real browser: a reviewer with seven reports waiting
reaches the seventh from home in two clicks ("and 2 more", then the report); a viewer's home
shows each region's headline figures, and a region's name opens its dashboard."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ProgressReport
from initiatives.models import ActionPlan
from reports.forms import default_year
from tests import factories
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def viewer(reference_data):
    return factories.UserFactory(username="viewer", role="Viewer")


def test_a_reviewer_reaches_the_seventh_report_waiting_in_two_clicks(
    page, live_server, asp_editor, asp_reviewer, login, assert_accessible
):
    now = timezone.now()
    for number in range(1, 8):  # the seventh is the latest submitted: last on the list
        factories.ProgressReportFactory(
            activity=factories.ActivityFactory(title=f"Pacific spectrum workshop {number}"),
            author=asp_editor,
            state=ProgressReport.State.SUBMITTED,
            submitted_at=now - datetime.timedelta(days=8 - number),
        )
    login(page, live_server, "asp.reviewer", DEFAULT_PASSWORD)

    waiting = page.get_by_role("region", name="Reports waiting for my review")
    expect(waiting.get_by_role("heading")).to_contain_text("(7)")
    expect(waiting.get_by_role("listitem")).to_have_count(5)
    expect(waiting.get_by_text("Pacific spectrum workshop 7")).to_have_count(0)
    assert_accessible(page)

    waiting.get_by_role("link", name="and 2 more").click()  # first click
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress reports")
    expect(page.get_by_role("link", name="Waiting for my review")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("status")).to_have_text("7 reports")
    expect(page.locator("table.report-table tbody tr")).to_have_count(7)
    assert_accessible(page)

    page.get_by_role("link", name="Pacific spectrum workshop 7, 2026 Q2").click()  # second
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress report 2026 Q2")
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    assert "Pacific spectrum workshop 7" in page.content()


def test_a_viewers_home_shows_each_regions_figures_and_opens_its_dashboard(
    page, live_server, viewer, login, assert_accessible
):
    year = default_year(ActionPlan.objects.current())
    tonga = factories.ActivityFactory(
        title="Early warning in Tonga",
        countries=["TON"],
        start_date=datetime.date(year, 1, 15),
        end_date=None,
    )
    factories.approved_report(tonga, year, 1)
    login(page, live_server, "viewer", DEFAULT_PASSWORD)

    regions = page.get_by_role("region", name=f"Every region in {year}")
    table = regions.get_by_role("table")
    expect(table).to_be_visible()
    row = table.get_by_role("row", name=re.compile("Asia and the Pacific"))
    expect(row.get_by_role("cell").first).to_have_text("1")  # activities
    expect(row.get_by_role("cell").last).to_have_text("1")  # approved reports
    assert_accessible(page)

    row.get_by_role("link", name="Asia and the Pacific (ASP)").click()
    expect(page).to_have_url(f"/dashboard/ASP/?plan=WTDC-25&year={year}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Asia and the Pacific")
