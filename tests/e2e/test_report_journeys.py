"""Progress reports in a real browser: an editor logs an activity, writes and submits its
report, a reviewer approves it; a returned report goes back to its author and comes back."""

import re

from playwright.sync_api import expect

from activities.models import Activity, ProgressReport
from tests import factories
from tests.factories import DEFAULT_PASSWORD

TITLE = "National emergency telecommunication plan for Tonga"


def log_out(page):
    """Press "Log out" in the header, as the person hands the browser to a colleague."""
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_a_new_editor_logs_an_activity_and_its_report_and_a_reviewer_approves_it(
    page, live_server, asp_editor, asp_reviewer, login, mailoutbox
):
    # The editor logs the activity, from the home page.
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Activities").click()
    page.get_by_role("link", name="New activity").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Status", exact=True).select_option(label="Ongoing")
    page.get_by_label("Modality").select_option(label="Policy/regulatory assistance")
    page.get_by_label("Tonga").check()
    page.get_by_label("Find an expected result").fill("ASP5.4")
    page.get_by_label("ASP5.4").check()
    page.get_by_label("Start date").fill("2026-01-15")
    page.get_by_role("button", name="Save the activity").click()
    expect(page.get_by_role("status")).to_contain_text(f"The activity “{TITLE}” is saved.")

    # … writes its report and submits it at once.
    page.get_by_role("link", name="New progress report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New progress report")
    page.get_by_label("Year").select_option(label="2026")
    page.get_by_label("Quarter").select_option(label="Q3")
    page.get_by_label("Percent complete").fill("60")
    page.get_by_label("Achievements").fill("Draft plan validated with the regulator and NEMO.")
    page.get_by_label("Challenges").fill("Cyclone season delayed the workshop.")
    page.get_by_label("Evidence links").fill("https://www.itu.int/tonga-netp")
    page.get_by_label("Women reached in the period", exact=True).fill("14")
    page.get_by_label("Men reached in the period", exact=True).fill("18")
    page.get_by_role("button", name="Save and submit for review").click()

    messages = page.get_by_role("status")
    expect(messages).to_have_text(
        "The report for 2026 Q3 is submitted; asp.reviewer will review it."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress report 2026 Q3")
    expect(page.get_by_text(re.compile(r"Submitted on .*: waiting for a reviewer"))).to_be_visible()
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    report = ProgressReport.objects.get(activity__title=TITLE)
    assert report.state == ProgressReport.State.SUBMITTED
    assert (report.year, report.quarter, report.percent_complete) == (2026, 3, 60)
    assert (report.people_reached_women, report.people_reached_men) == (14, 18)
    assert report.evidence_links == "https://www.itu.int/tonga-netp"
    assert report.author == asp_editor
    assert [message.to for message in mailoutbox] == [["asp.reviewer@example.org"]]
    log_out(page)

    # The reviewer finds it on their home page and approves it.
    login(page, live_server, "asp.reviewer", DEFAULT_PASSWORD)
    waiting = page.get_by_role("region", name="Reports waiting for my review")
    expect(waiting.get_by_role("heading")).to_contain_text("(1)")
    waiting.get_by_role("link", name=f"{TITLE}, 2026 Q3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress report 2026 Q3")
    expect(page.get_by_text("Draft plan validated with the regulator and NEMO.")).to_be_visible()
    page.get_by_label("Comment").fill("Clear and well evidenced, thank you.")
    page.get_by_role("button", name="Approve").click()

    expect(page.get_by_role("status")).to_contain_text("The report for 2026 Q3 is approved")
    expect(
        page.get_by_text(re.compile(r"Approved by asp\.reviewer on .*: it counts"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    report.refresh_from_db()
    assert report.state == ProgressReport.State.APPROVED
    assert report.reviewer == asp_reviewer
    assert report.review_comment == "Clear and well evidenced, thank you."
    assert report.activity.status == Activity.Status.ONGOING
    page.get_by_role("link", name="Home").click()
    expect(
        page.get_by_text("Nothing to review: no report of your regions is waiting.")
    ).to_be_visible()


def test_a_returned_report_goes_back_to_its_author_who_submits_it_again(
    page, live_server, asp_editor, asp_reviewer, login
):
    activity = factories.ActivityFactory(title=TITLE, focal_point=asp_editor)
    report = factories.ProgressReportFactory(
        activity=activity, author=asp_editor, percent_complete=40
    )
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.get_by_role("region", name="My draft reports").get_by_role(
        "link", name=f"{TITLE}, 2026 Q2"
    ).click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("is submitted")
    log_out(page)

    login(page, live_server, "asp.reviewer", DEFAULT_PASSWORD)
    page.get_by_role("region", name="Reports waiting for my review").get_by_role(
        "link", name=f"{TITLE}, 2026 Q2"
    ).click()
    page.get_by_role("button", name="Return to the author").click()
    expect(page.get_by_role("status")).to_contain_text("The report is not returned")
    expect(page.get_by_text("a returned report needs a comment")).to_be_visible()
    page.get_by_label("Comment").fill("Give the number of officials trained, by sex.")
    page.get_by_role("button", name="Return to the author").click()
    expect(page.get_by_role("status")).to_contain_text("is returned to asp.editor")
    report.refresh_from_db()
    assert report.state == ProgressReport.State.RETURNED
    log_out(page)

    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    returned = page.get_by_role("region", name="Reports returned to me")
    expect(returned).to_contain_text("Give the number of officials trained, by sex.")
    returned.get_by_role("link", name=f"{TITLE}, 2026 Q2").click()
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("note")).to_contain_text("Give the number of officials trained")
    page.get_by_label("Women reached in the period", exact=True).fill("19")
    page.get_by_label("Men reached in the period", exact=True).fill("21")
    page.get_by_role("button", name="Save and submit again").click()

    expect(page.get_by_role("status")).to_contain_text(
        "The report for 2026 Q2 is submitted; asp.reviewer will review it."
    )
    report.refresh_from_db()
    assert report.state == ProgressReport.State.SUBMITTED
    assert (report.people_reached_women, report.people_reached_men) == (19, 21)
    assert report.review_comment == ""
