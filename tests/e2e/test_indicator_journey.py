"""Indicators in a real browser: a viewer opens Asia-Pacific's dashboard for 2026, finds an
expected result's indicator with its target, actual and status, follows the actual and sees the
approved reports whose values add up to it; both pages pass axe, keep to the
Content-Security-Policy and never scroll sideways on a phone."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from activities.models import IndicatorValue
from initiatives.models import ActionPlan, ExpectedResult, Indicator, Region, Target
from reports.queries.region import region_figures
from tests import factories
from tests.factories import DEFAULT_PASSWORD

YEAR = 2026
DASHBOARD = f"/dashboard/ASP/?plan=WTDC-25&year={YEAR}"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def viewer(reference_data):
    return factories.UserFactory(username="viewer", role="Viewer")


@pytest.fixture
def ixps(reference_data):
    """ASP3.4-1 "IXPs established", target 10 in 2026: approved reports give 1, 3 and 2 (6);
    a draft's 9 does not count yet."""
    result = ExpectedResult.objects.get_by_natural_key("WTDC-25", "ASP3", 4)
    indicator = Indicator.objects.create(
        expected_result=result, code="1", name="IXPs established", baseline_value=2
    )
    Target.objects.create(indicator=indicator, year=YEAR, value=10)
    dates = {"start_date": datetime.date(2026, 1, 5), "end_date": datetime.date(2027, 12, 31)}
    tonga = factories.ActivityFactory(
        title="IXP in Tonga", countries=["TON"], expected_results=["ASP3.4"], **dates
    )
    lao = factories.ActivityFactory(
        title="IXP in Lao PDR", countries=["LAO"], expected_results=["ASP3.4"], **dates
    )
    for activity, quarter, value in [(tonga, 1, 1), (lao, 2, 3), (tonga, 3, 2)]:
        report = factories.approved_report(activity, YEAR, quarter)
        IndicatorValue.objects.create(report=report, indicator=indicator, value=value)
    draft = factories.ProgressReportFactory(activity=lao, year=YEAR, quarter=4)
    IndicatorValue.objects.create(report=draft, indicator=indicator, value=9)
    return indicator


def status_label(indicator):
    """The indicator's status as the figures give it today (how much of the year has gone)."""
    figures = region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), YEAR
    )
    return next(
        f.status_label
        for f in figures.indicators_by_result[indicator.expected_result_id]
        if f.indicator.pk == indicator.pk
    )


def csp_errors(page):
    """The console's Content-Security-Policy messages of `page`, as they come."""
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return errors


def sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_viewer_follows_an_indicators_actual_to_the_reports_that_add_up_to_it(
    page, live_server, viewer, ixps, login, assert_accessible
):
    errors = csp_errors(page)
    status = status_label(ixps)
    login(page, live_server, "viewer", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboards").click()
    page.goto(f"{live_server.url}{DASHBOARD}")

    section = page.get_by_role("region", name="Indicators of the expected results of ASP3")
    row = section.get_by_role("row", name=re.compile(r"^ASP3\.4-1 IXPs established"))
    cells = row.get_by_role("cell")
    expect(cells.nth(1)).to_have_text("10")  # the target
    expect(cells.nth(2)).to_have_text("6")  # the actual
    expect(cells.nth(4)).to_contain_text(status)
    expect(
        row.get_by_role("img", name=re.compile(r"^ASP3\.4-1 by quarter of 2026: Q1 1"))
    ).to_be_visible()
    expect(page.get_by_text("How the status is decided")).to_have_count(1)
    assert_accessible(page)

    row.get_by_role("link", name="6").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "ASP3.4-1 IXPs established: the actual of 2026"
    )
    values = page.locator("tr.indicator-value-row")
    expect(values).to_have_count(3)
    expect(values.nth(0)).to_contain_text("IXP in Tonga")
    expect(values.nth(0).get_by_role("link", name="2026 Q1")).to_be_visible()
    expect(values.nth(1)).to_contain_text("IXP in Lao PDR")
    shown = [
        Decimal(text) for text in page.locator("tr.indicator-value-row td.number").all_inner_texts()
    ]
    total = page.locator("tr.indicator-total-row td.indicator-total")
    expect(total).to_have_text("6")
    assert sum(shown) == Decimal(6)
    assert_accessible(page)

    page.get_by_role("link", name="2026 Q1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress report 2026 Q1")
    expect(page.get_by_role("main")).to_contain_text("IXP in Tonga")
    assert errors == []


def test_on_a_phone_the_indicator_tables_scroll_inside_their_box(
    page, live_server, viewer, ixps, login
):
    page.set_viewport_size(PHONE)
    login(page, live_server, "viewer", DEFAULT_PASSWORD)
    wide = {}
    for path in [
        DASHBOARD,
        f"/initiatives/WTDC-25/ASP3/results/4/?year={YEAR}",
        f"/dashboard/ASP/indicators/{ixps.pk}/?plan=WTDC-25&year={YEAR}",
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if sideways_scroll(page) > 0:
            wide[path] = sideways_scroll(page)
    assert wide == {}
