"""axe-core finds no serious or critical violation on the staff workspace's pages, filled with
realistic work and in their error states: home, activity list, detail and form, progress report
and its form, and the 403 page."""

import re
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity, ProgressReport
from initiatives.models import Region
from tests import factories
from tests.factories import DEFAULT_PASSWORD

State = ProgressReport.State


@dataclass
class Work:
    """An Asia-Pacific region at work: activities with reports in every state."""

    tonga: Activity
    bhutan: Activity
    africa: Activity
    submitted: ProgressReport
    returned: ProgressReport


@pytest.fixture
def work(asp_editor, asp_reviewer):
    tonga = factories.ActivityFactory(
        title="Early warning by cell broadcast in Tonga",
        description="Alerts in Tongan and English.",
        reference="ITU-ASP-0042",
        countries=["TON", "FJI"],
        expected_results=["ASP1.3", "ASP5.4"],
        budget=(120000, Activity.FundingSource.ICT_DF),
        focal_point=asp_editor,
        created_by=asp_editor,
    )
    bhutan = factories.ActivityFactory(
        title="Rural broadband in Bhutan",
        countries=["BTN"],
        expected_results=["ASP2.1"],
        end_date=None,
        focal_point=asp_editor,
    )
    factories.initiative_with_results("AFR", "AFR1")
    africa = factories.ActivityFactory(
        title="Digital skills for Kenyan youth",
        region=Region.objects.get(code="AFR"),
        countries=["KEN"],
        expected_results=["AFR1.1"],
    )
    reviewed = {"reviewer": asp_reviewer, "reviewed_at": timezone.now()}
    factories.ProgressReportFactory(
        activity=tonga, author=asp_editor, quarter=1, state=State.APPROVED, **reviewed
    )
    submitted = factories.ProgressReportFactory(
        activity=tonga,
        author=asp_editor,
        quarter=2,
        state=State.SUBMITTED,
        submitted_at=timezone.now(),
        evidence_links="https://www.itu.int/tonga\nhttps://example.org/photos",
    )
    returned = factories.ProgressReportFactory(
        activity=tonga,
        author=asp_editor,
        quarter=3,
        state=State.RETURNED,
        review_comment="Give the number of officials trained, by sex.",
        **reviewed,
    )
    factories.ProgressReportFactory(activity=bhutan, author=asp_editor, quarter=3)
    return Work(tonga, bhutan, africa, submitted, returned)


@pytest.fixture
def editor_page(page, live_server, work, login):
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    return page


@pytest.fixture
def reviewer_page(page, live_server, work, login):
    login(page, live_server, "asp.reviewer", DEFAULT_PASSWORD)
    return page


def test_an_editors_home_page_with_work_is_accessible(editor_page, assert_accessible):
    page = editor_page
    expect(page.get_by_role("heading", name="My draft reports")).to_contain_text("(1)")
    expect(page.get_by_role("heading", name="Reports returned to me")).to_contain_text("(1)")
    expect(page.get_by_role("heading", name="Recent changes in your regions")).to_be_visible()
    assert_accessible(page)


def test_a_reviewers_home_page_is_accessible(reviewer_page, assert_accessible):
    page = reviewer_page
    expect(page.get_by_role("heading", name="Reports waiting for my review")).to_contain_text("(1)")
    assert_accessible(page)


def test_the_activity_list_is_accessible_filtered_and_with_a_wrong_filter(
    editor_page, assert_accessible
):
    page = editor_page
    page.goto("/activities/?region=ASP&status=ongoing&sort=title")
    expect(page.get_by_role("link", name="Rural broadband in Bhutan")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Status: Ongoing"))).to_be_visible()
    assert_accessible(page)

    page.goto("/activities/?group=ISLANDS&year=nineteen")
    expect(page.get_by_role("alert")).to_contain_text("Some filters are not valid")
    assert_accessible(page)


def test_an_activitys_page_is_accessible(editor_page, work, assert_accessible):
    page = editor_page
    page.goto(work.tonga.get_absolute_url())
    expect(page.get_by_role("heading", name="Progress reports")).to_be_visible()
    expect(page.get_by_role("button", name="Archive this activity")).to_be_visible()
    assert_accessible(page)


def test_the_activity_form_is_accessible_empty_and_with_errors(editor_page, assert_accessible):
    page = editor_page
    page.goto("/activities/new/")
    expect(page.get_by_label("Find a country")).to_be_visible()
    assert_accessible(page)

    # What the browser lets through and the server refuses: no country, no expected result,
    # the end before the start.
    page.get_by_label("Title").fill("Spectrum training")
    page.get_by_label("Modality").select_option(label="Capacity building/training")
    page.get_by_label("Start date").fill("2026-06-01")
    page.get_by_label("End date").fill("2026-03-01")
    page.get_by_role("button", name="Save the activity").click()
    expect(page.get_by_role("alert")).to_contain_text("The activity is not saved yet")
    assert_accessible(page)


def test_the_edit_form_with_a_conflict_is_accessible(editor_page, work, assert_accessible):
    page = editor_page
    page.goto(f"{work.tonga.get_absolute_url()}edit/")
    Activity.objects.filter(pk=work.tonga.pk).update(title="Renamed meanwhile", version=2)
    page.get_by_label("Description").fill("Alerts in three languages.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Someone else saved this activity")
    assert_accessible(page)


def test_the_budget_and_split_page_is_accessible_with_errors(editor_page, work, assert_accessible):
    page = editor_page
    page.goto(f"{work.tonga.get_absolute_url()}money/")
    expect(page.get_by_role("heading", name="Budget lines")).to_be_visible()
    assert_accessible(page)

    # A currency that is no code and shares that do not sum to 100.
    page.get_by_label("Currency").first.fill("XYZ")
    page.get_by_label("In the shares set below, in percent, summing to 100").check()
    page.get_by_label("ASP1.3 (%)").fill("70")
    page.get_by_role("button", name="Save the budget and split").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing is saved yet")
    assert_accessible(page)


def test_a_submitted_report_with_its_review_form_is_accessible(
    reviewer_page, work, assert_accessible
):
    page = reviewer_page
    page.goto(work.submitted.get_absolute_url())
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Return to the author").click()
    expect(page.get_by_text("a returned report needs a comment")).to_be_visible()
    assert_accessible(page)


def test_a_returned_report_and_its_form_are_accessible(editor_page, work, assert_accessible):
    page = editor_page
    page.goto(work.returned.get_absolute_url())
    expect(page.get_by_role("note")).to_contain_text("Give the number of officials trained")
    assert_accessible(page)

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Evidence links").fill("not a link")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("The report is not saved yet")
    assert_accessible(page)


def test_a_new_report_form_is_accessible(editor_page, work, assert_accessible):
    page = editor_page
    page.goto(f"{work.bhutan.get_absolute_url()}reports/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New progress report")
    assert_accessible(page)


def test_the_403_page_is_accessible(editor_page, work, assert_accessible):
    page = editor_page
    response = page.goto(f"{work.africa.get_absolute_url()}edit/")
    assert response.status == 403
    assert_accessible(page)
