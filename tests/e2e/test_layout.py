"""The layout in a real browser, in a laptop's window (1,366 px) and a phone's (390 px): no page
scrolls sideways — the dashboard's matrix and the wide tables scroll inside their own box — on
a narrow screen the list's filters fold and its table reads as rows, and in the activity form
the ticked countries stay in view as chips whatever the search shows."""

import datetime

import pytest
from playwright.sync_api import expect

from activities.models import ProgressReport
from initiatives.models import Country, ExpectedResult
from tests import factories
from tests.factories import DEFAULT_PASSWORD

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
YEAR = 2026


@pytest.fixture
def asp_work(asp_editor):
    """Work in every Asia-Pacific country, on every expected result, with long titles and
    approved and submitted reports: a dashboard matrix as wide as the region."""
    countries = list(Country.objects.filter(region__code="ASP").values_list("iso3", flat=True))
    results = list(
        ExpectedResult.objects.filter(initiative__region__code="ASP").values_list(
            "initiative__code", "number"
        )
    )
    for number, iso3 in enumerate(countries):
        code, result = results[number % len(results)]
        activity = factories.ActivityFactory(
            title=f"Regional capacity building on spectrum management and broadband {number}",
            countries=[iso3],
            expected_results=[f"{code}.{result}"],
            start_date=datetime.date(YEAR, 1, 10),
            end_date=datetime.date(YEAR + 1, 6, 30),
            created_by=asp_editor,
        )
        factories.approved_report(activity, YEAR, 1, percent_complete=number % 100)
    activity = factories.ActivityFactory(title="Early warning systems in the Pacific")
    report = factories.ProgressReportFactory(
        activity=activity, author=asp_editor, quarter=1, state=ProgressReport.State.SUBMITTED
    )
    return activity, report


def sideways_scroll(page):
    """How many pixels the page scrolls sideways (0: none)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1366px", "390px"])
def test_no_page_scrolls_sideways(page, live_server, asp_editor, asp_work, login, size):
    activity, report = asp_work
    page.set_viewport_size(size)
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    pages = {
        "home": "/",
        "activity list": "/activities/?region=ASP",
        "region dashboard": f"/dashboard/ASP/?year={YEAR}",
        "regional report": f"/reports/ASP/{YEAR}/",
        "activity": activity.get_absolute_url(),
        "activity form": "/activities/new/",
        "progress report": report.get_absolute_url(),
        "progress reports": "/progress-reports/",
        "planned contributions": f"/activities/{activity.pk}/contributions/",
        "expected result": f"/initiatives/WTDC-25/ASP3/results/4/?year={YEAR}",
    }
    wide = {}
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if sideways_scroll(page) > 0:
            wide[name] = sideways_scroll(page)
    assert wide == {}, f"pages wider than {size['width']} px, by so many px: {wide}"


def test_on_a_phone_the_filters_fold_and_the_list_reads_as_rows(
    page, live_server, asp_editor, asp_work, login
):
    page.set_viewport_size(PHONE)
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/activities/")

    filters = page.locator("details.filters-fold").first
    expect(filters).not_to_have_attribute("open", "")
    expect(page.get_by_label("Search")).to_be_hidden()
    first_row = page.locator("table.activity-table tbody tr").first
    expect(first_row).to_be_visible()
    # The list comes first: its first row is within the first screen.
    assert first_row.bounding_box()["y"] < PHONE["height"]
    # A row is a card as wide as the screen, not a cell of a table wider than it.
    assert first_row.bounding_box()["width"] <= PHONE["width"]

    filters.get_by_text("Filter activities").click()
    expect(page.get_by_label("Search")).to_be_visible()

    # With a filter in use, the filters stay open: what the list shows is in view.
    page.goto(f"{live_server.url}/activities/?q=Tonga")
    expect(page.get_by_label("Search")).to_have_value("Tonga")
    expect(page.get_by_label("Search")).to_be_visible()


def test_a_ticked_country_stays_in_view_while_searching_another(
    page, live_server, asp_editor, login, assert_accessible
):
    page.set_viewport_size(LAPTOP)
    login(page, live_server, "asp.editor", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/activities/new/")
    countries = page.get_by_role("group", name="Countries", exact=True)
    search = countries.get_by_label("Find a country")

    bhutan = countries.get_by_role("checkbox", name="Bhutan")
    search.fill("Bhutan")
    bhutan.check()
    search.fill("Nepal")

    expect(bhutan).to_be_hidden()  # the search shows Nepal only
    expect(countries.get_by_role("checkbox", name="Nepal")).to_be_visible()
    chosen = countries.get_by_role("list", name="Countries chosen")
    expect(chosen.locator(".chip-text")).to_have_text(["Bhutan"])
    assert_accessible(page)

    chosen.get_by_role("button", name="Remove Bhutan").click()
    expect(chosen.get_by_role("listitem")).to_have_count(0)
    search.fill("")
    expect(bhutan).not_to_be_checked()
