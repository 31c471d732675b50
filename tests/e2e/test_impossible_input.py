"""Impossible input in a real browser: an editor writes a progress report for a quarter outside
the activity's dates, or for one not begun yet; the form says why, next to the quarter, keeps
what they wrote and saves nothing; a quarter the activity ran in saves.

"Today" is 15 Nov 2026 (2026 Q4) for the server, so that the words are known."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity, ProgressReport
from tests import factories
from tests.factories import DEFAULT_PASSWORD

TODAY = datetime.date(2026, 11, 15)
TITLE = "Spectrum pricing study for Tonga"
ACHIEVEMENTS = "Draft pricing study shared with the regulator."
OUTSIDE = "The activity ran from 3 Mar 2026 to 30 Jun 2026: 2026 Q4 is outside its dates."
NOT_BEGUN = "2027 Q1 has not started yet: report on a quarter once it has begun."


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The live server runs in this process: it sees the same today."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def test_an_editor_is_told_why_a_quarter_is_impossible_and_keeps_their_input(
    page, live_server, asp_editor, login, assert_accessible
):
    activity = factories.ActivityFactory(
        title=TITLE,
        status=Activity.Status.COMPLETED,
        start_date=datetime.date(2026, 3, 3),
        end_date=datetime.date(2026, 6, 30),
        focal_point=asp_editor,
    )
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    page.get_by_role("link", name="New progress report").click()

    # The current quarter is offered; the activity ended before it.
    expect(page.get_by_label("Year")).to_have_value("2026")
    expect(page.get_by_label("Quarter")).to_have_value("4")
    page.get_by_label("Percent complete").fill("100")
    page.get_by_label("Achievements").fill(ACHIEVEMENTS)
    page.get_by_role("button", name="Save as a draft").click()

    quarter_field = page.locator(".field", has=page.get_by_label("Quarter"))
    expect(quarter_field.locator(".error")).to_have_text(OUTSIDE)
    expect(page.get_by_role("alert")).to_contain_text(f"Quarter: {OUTSIDE}")
    expect(page.get_by_label("Achievements")).to_have_value(ACHIEVEMENTS)
    expect(page.get_by_label("Percent complete")).to_have_value("100")
    assert_accessible(page)
    assert not ProgressReport.objects.exists()

    # The last quarter the activity ran in is saved.
    page.get_by_label("Year").select_option("2026")
    page.get_by_label("Quarter").select_option(label="Q2")
    page.get_by_role("button", name="Save as a draft").click()

    expect(page.get_by_role("status")).to_contain_text("Your report for 2026 Q2 is saved")
    report = ProgressReport.objects.get()
    assert (report.period, report.achievements) == ("2026 Q2", ACHIEVEMENTS)


def test_an_editor_cannot_report_on_a_quarter_not_begun_yet(page, live_server, asp_editor, login):
    activity = factories.ActivityFactory(
        title=TITLE, start_date=datetime.date(2026, 3, 3), end_date=None
    )
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    page.get_by_role("link", name="New progress report").click()
    page.get_by_label("Year").select_option("2027")
    page.get_by_label("Quarter").select_option(label="Q1")
    page.get_by_label("Percent complete").fill("30")
    page.get_by_label("Achievements").fill(ACHIEVEMENTS)
    page.get_by_role("button", name="Save and submit for review").click()

    quarter_field = page.locator(".field", has=page.get_by_label("Quarter"))
    expect(quarter_field.locator(".error")).to_have_text(NOT_BEGUN)
    expect(page.get_by_label("Year")).to_have_value("2027")
    expect(page.get_by_label("Quarter")).to_have_value("1")
    expect(page.get_by_label("Achievements")).to_have_value(ACHIEVEMENTS)
    assert not ProgressReport.objects.exists()
