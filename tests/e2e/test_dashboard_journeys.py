"""Dashboards and the regional report in a real browser: a viewer follows a matrix cell to the
activity list and finds the same count; a reviewer's approval shows on the dashboard at once;
the regional report leads through its initiatives, one a page, and prints one to PDF; no
serious accessibility violation."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity, ProgressReport
from initiatives.models import Initiative
from tests import factories
from tests.factories import DEFAULT_PASSWORD

DASHBOARD = "/dashboard/ASP/?plan=WTDC-25&year=2026"


@pytest.fixture
def work(asp_editor):
    """Two activities in Tonga for ASP5.4, one of them also in Fiji; a submitted report."""
    in_tonga = factories.ActivityFactory(
        title="Emergency telecom plan", countries=["TON"], expected_results=["ASP5.4"]
    )
    factories.ActivityFactory(
        title="Early warning drill", countries=["TON", "FJI"], expected_results=["ASP5.4"]
    )
    factories.ActivityFactory(
        title="Cancelled survey",
        status=Activity.Status.CANCELLED,
        countries=["TON"],
        expected_results=["ASP5.4"],
    )
    return factories.ProgressReportFactory(
        activity=in_tonga,
        author=asp_editor,
        state=ProgressReport.State.SUBMITTED,
        submitted_at=timezone.now(),
        percent_complete=60,
        people_reached_women=14,
        people_reached_men=18,
    )


@pytest.fixture
def viewer(reference_data):
    return factories.UserFactory(username="viewer", role="Viewer")


def test_a_viewer_follows_a_matrix_cell_to_the_same_number_of_activities(
    page, live_server, viewer, work, login
):
    login(page, live_server, "viewer", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboards").click()
    page.goto(f"{live_server.url}{DASHBOARD}")

    cell = page.get_by_role("link", name="2 activities in Tonga for ASP5.4")
    expect(cell).to_have_text(re.compile(r"^2"))
    cell.click()

    expect(page.get_by_role("status")).to_have_text("2 activities")
    expect(page.get_by_role("link", name="Emergency telecom plan")).to_be_visible()
    expect(page.get_by_role("link", name="Early warning drill")).to_be_visible()
    expect(page.get_by_role("link", name="Cancelled survey")).to_have_count(0)


def test_a_reviewers_approval_shows_on_the_dashboard_at_once(
    page, live_server, asp_reviewer, work, login
):
    login(page, live_server, "asp.reviewer", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{DASHBOARD}")
    women = page.get_by_role("row", name=re.compile(r"^Women"))
    expect(women).to_have_text(re.compile(r"Women\s*0"))

    page.goto(f"{live_server.url}{work.get_absolute_url()}")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("is approved")

    page.goto(f"{live_server.url}{DASHBOARD}")
    expect(women).to_have_text(re.compile(r"Women\s*14"))
    expect(page.get_by_role("row", name=re.compile(r"^Men"))).to_have_text(re.compile(r"Men\s*18"))


def test_the_regional_report_leads_through_each_initiative_and_prints_one_to_pdf(
    page, live_server, viewer, work, login
):
    login(page, live_server, "viewer", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/reports/ASP/2026/?plan=WTDC-25")
    codes = Initiative.objects.filter(action_plan__code="WTDC-25", region__code="ASP")
    codes = sorted(codes.values_list("code", flat=True))
    assert codes == ["ASP1", "ASP2", "ASP3", "ASP4", "ASP5"]
    # One initiative a page, the first first; "Next initiative" leads to each in turn.
    for index, code in enumerate(codes):
        for other in codes:
            heading = page.get_by_role("heading", name=re.compile(rf"^{other}(?![.\d])"))
            expect(heading).to_have_count(1 if other == code else 0)
        picker = page.get_by_role("navigation", name="Initiatives of the report", exact=True)
        expect(picker.get_by_role("link", name=code, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        if index + 1 < len(codes):
            picker.get_by_role("link", name=f"Next initiative: {codes[index + 1]}").click()
    expect(page).to_have_url(re.compile(r"plan=WTDC-25.*initiative=ASP5"))
    expect(page.get_by_text("Early warning drill")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(
        page.get_by_role("navigation", name="Initiatives of the report", exact=True)
    ).to_be_hidden()
    expect(page.get_by_text("Early warning drill")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    # The summary, the initiative and the annexes, each starting on a new page.
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 3


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/?plan=WTDC-25&year=2026",
        DASHBOARD,
        "/dashboard/ASP/countries/?plan=WTDC-25&year=2026&group=SIDS&reached=no",
        "/reports/ASP/2026/?plan=WTDC-25",
        "/initiatives/WTDC-25/ASP5/?year=2026",
        "/countries/TON/?year=2026",
    ],
)
def test_dashboards_and_the_report_are_accessible(
    page, live_server, viewer, work, login, assert_accessible, path
):
    login(page, live_server, "viewer", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
