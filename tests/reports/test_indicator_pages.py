"""Indicators on the pages: the region dashboard and the expected result's page show each
indicator's baseline, target, actual, percent of target, status, change and trend, and each
result's and initiative's status; a reported actual opens the page of the approved reports
whose values make it up (they add up to it), a computed one the dashboard's own list; another
region's indicator has no page; the queries stay flat; the JSON has the indicators."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from activities.models import Activity, IndicatorValue
from initiatives.models import ActionPlan, ExpectedResult, Indicator, Region, Target
from reports.queries.indicators import Status, status_rule
from reports.queries.region import region_figures
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    approved_report,
    initiative_with_results,
)
from tests.reports.dashboard_pages import assert_needs_login, page_tree, queries_of, text

pytestmark = pytest.mark.django_db

Aggregation = Indicator.Aggregation
YEAR = 2026
PERIOD = f"plan=WTDC-25&year={YEAR}"
DASHBOARD = f"/dashboard/ASP/?{PERIOD}"
RESULT_PAGE = f"/initiatives/WTDC-25/ASP3/results/4/?year={YEAR}"
JSON = f"{DASHBOARD}&format=json"


def asp(code):
    initiative, number = code.split(".")
    return ExpectedResult.objects.get_by_natural_key("WTDC-25", initiative, int(number))


def indicator(code, name, result="ASP3.4", target=None, **fields):
    """A reported indicator of `result`, with its target for the year when given."""
    made = Indicator.objects.create(expected_result=asp(result), code=code, name=name, **fields)
    if target is not None:
        Target.objects.create(indicator=made, year=YEAR, value=target)
    return made


class Reports:
    """Approved reports, one per activity and quarter, giving indicator values."""

    def __init__(self):
        self.made = {}

    def value(self, activity, year, quarter, indicator, amount):
        key = (activity.pk, year, quarter)
        if key not in self.made:
            self.made[key] = approved_report(activity, year, quarter)
        return IndicatorValue.objects.create(
            report=self.made[key], indicator=indicator, value=amount
        )


def activity(title, countries, results=("ASP3.4",), **fields):
    fields.setdefault("start_date", datetime.date(2025, 10, 1))
    fields.setdefault("end_date", datetime.date(2027, 12, 31))
    return ActivityFactory(
        title=title, countries=list(countries), expected_results=list(results), **fields
    )


@pytest.fixture
def ixp_work():
    """ASP3.4's reported indicators, one of each way values add up, and the reports whose
    values make up their 2026 actuals (and some that must not count).

    IXPs established (summed per period, baseline 2 in 2025, target 10): 1 + 3 + 2 = 6.
    People trained (cumulative since 2026, demo, target 500): 50 + 25 = 75.
    Countries with a national IXP plan (distinct countries, target 3): TON, FJI, LAO = 3.
    Readiness (percent, latest value, target 80): Tonga's latest 60, Lao PDR's 30: 45%.
    """
    ixps = indicator(
        "1",
        "IXPs established",
        target=10,
        baseline_value=2,
        baseline_year=2025,
        baseline_source="ITU survey",
    )
    people = indicator(
        "2", "People trained", target=500, aggregation=Aggregation.CUMULATIVE, is_demo=True
    )
    plans = indicator(
        "3", "Countries with a national IXP plan", target=3, aggregation=Aggregation.COUNTRIES
    )
    readiness = indicator(
        "4",
        "Readiness of the IXP operators",
        target=80,
        unit=Indicator.Unit.PERCENT,
        aggregation=Aggregation.LATEST,
    )
    pacific = activity("IXP in Tonga and Fiji", ["TON", "FJI"])
    lao = activity("IXP in Lao PDR", ["LAO"])
    cancelled = activity("Cancelled IXP in Nepal", ["NPL"], status=Activity.Status.CANCELLED)
    reports = Reports()
    reports.value(pacific, 2025, 4, ixps, 5)  # last year: not summed in 2026
    reports.value(pacific, 2025, 4, people, 100)  # before the plan began
    reports.value(pacific, YEAR, 1, ixps, 1)
    reports.value(pacific, YEAR, 1, readiness, 40)
    reports.value(lao, YEAR, 2, ixps, 3)
    reports.value(pacific, YEAR, 2, people, 50)
    reports.value(lao, YEAR, 1, people, 25)
    reports.value(pacific, YEAR, 2, plans, 2)
    reports.value(lao, YEAR, 3, plans, 1)
    reports.value(pacific, YEAR, 3, ixps, 2)
    reports.value(pacific, YEAR, 3, readiness, 60)
    reports.value(lao, YEAR, 2, readiness, 30)
    reports.value(cancelled, YEAR, 1, ixps, 40)  # a cancelled activity never counts
    draft = ProgressReportFactory(activity=lao, year=YEAR, quarter=4)
    IndicatorValue.objects.create(report=draft, indicator=ixps, value=9)  # a draft: not yet
    return {"ixps": ixps, "people": people, "plans": plans, "readiness": readiness}


def indicator_rows(tree):
    """The page's indicator rows by full code: {"ASP3.4-1": <tr>, …}."""
    return {row.get("data-indicator"): row for row in tree.xpath("//tr[@class='indicator-row']")}


def shown(row):
    """What an indicator row shows, in words, by column."""
    cells = row.xpath("td")
    return {
        "baseline": text(cells[0]),
        "target": text(cells[1]),
        "actual": text(cells[2]),
        "percent": text(cells[3]),
        "status": text(cells[4]),
        "change": text(cells[5]),
    }


def number(words):
    """A number as a page shows it ("1,200", "45%") as a Decimal."""
    return Decimal(words.replace(",", "").rstrip("%"))


def figures_2026():
    return region_figures(
        Region.objects.get(code="ASP"), ActionPlan.objects.get(code="WTDC-25"), YEAR
    )


# --- The dashboard and the expected result's page ---------------------------------------------


@pytest.mark.parametrize("url", [DASHBOARD, RESULT_PAGE], ids=["dashboard", "result page"])
def test_it_shows_each_indicator_with_its_baseline_target_actual_and_status(
    viewer_client, ixp_work, url
):
    rows = indicator_rows(page_tree(viewer_client.get(url)))

    # Today (the figures' own clock) decides how much of the year has gone: the status is the
    # figures', the rest is known.
    status = {
        f.indicator.full_code: f.status_label
        for f in figures_2026().indicators_by_result[asp("ASP3.4").pk]
    }
    ixps = shown(rows["ASP3.4-1"])
    assert ixps["baseline"] == "2 (2025)"
    assert ixps["target"] == "10"
    assert ixps["actual"] == "6"
    assert ixps["percent"] == "60%"  # a yearly sum starts afresh from 0, not the baseline
    assert ixps["status"].endswith(status["ASP3.4-1"])
    assert shown(rows["ASP3.4-2"])["actual"] == "75"
    assert shown(rows["ASP3.4-2"])["percent"] == "15%"
    assert shown(rows["ASP3.4-3"])["actual"] == "3"
    assert shown(rows["ASP3.4-3"])["percent"] == "100%"
    assert shown(rows["ASP3.4-4"])["actual"] == "45%"
    for code, label in status.items():
        if code in rows:  # the dashboard leaves out computed ones without a target
            assert shown(rows[code])["status"].endswith(label), code
    # Every expected result has the computed ones: its page lists them; the dashboard only
    # those with a target (else 175 rows of "no target" for Asia-Pacific).
    computed = {"ASP3.4-CR", "ASP3.4-LDC", "ASP3.4-SIDS", "ASP3.4-LLDC", "ASP3.4-AC"}
    if url == RESULT_PAGE:
        assert computed <= set(rows)
        assert shown(rows["ASP3.4-CR"])["actual"] == "3"  # TON, FJI, LAO
        assert shown(rows["ASP3.4-CR"])["target"] == "— none"
    else:
        assert not computed & set(rows)
    assert "demo" in text(rows["ASP3.4-2"].xpath("th")[0])
    assert "demo" not in text(rows["ASP3.4-1"].xpath("th")[0])


def test_the_dashboard_shows_each_results_and_initiatives_status_and_the_rule_once(
    viewer_client, ixp_work
):
    tree = page_tree(viewer_client.get(DASHBOARD))
    figures = figures_2026()

    results = {
        text(row.xpath("th//abbr")[0]): text(row.xpath("td")[-1])
        for row in tree.xpath("//tr[@class='result-row']")
    }
    assert len(results) == 35
    assert results["ASP3.4"].endswith(Status(figures.result_status(asp("ASP3.4"))).label)
    assert results["ASP2.1"].endswith("No target")  # computed indicators only, no target
    initiatives = {
        text(row.xpath("th/a")[0]): text(row.xpath("td")[-1])
        for row in tree.xpath("//tr[@class='initiative-row']")
    }
    asp3 = asp("ASP3.4").initiative
    assert initiatives["ASP3"].endswith(Status(figures.initiative_status(asp3)).label)
    rules = tree.xpath("//details[@class='status-rule']")
    assert len(rules) == 1
    assert text(rules[0].xpath("summary")[0]) == "How the status is decided"
    assert text(rules[0].xpath("p")[0]) == status_rule()


def test_the_result_page_shows_its_status_and_only_its_indicators(viewer_client, ixp_work):
    indicator("1", "Another result's indicator", result="ASP3.1", target=4)

    tree = page_tree(viewer_client.get(RESULT_PAGE))

    assert {code.split("-")[0] for code in indicator_rows(tree)} == {"ASP3.4"}
    status = Status(figures_2026().result_status(asp("ASP3.4"))).label
    assert text(tree.xpath("//p[@class='indicator-result-status']")[0]).endswith(status)
    assert len(tree.xpath("//details[@class='status-rule']")) == 1


def test_the_trend_is_an_svg_that_reads_out_the_quarters(viewer_client, ixp_work):
    response = viewer_client.get(DASHBOARD)
    row = indicator_rows(page_tree(response))["ASP3.4-1"]

    svg = row.xpath(".//*[local-name()='svg']")[0]
    assert svg.get("role") == "img"
    # The quarters of the year up to today's (the figures' own clock), each with its actual.
    ixps = figures_2026().indicators_by_result[asp("ASP3.4").pk][0]
    by_end_of = {1: "1", 2: "4", 3: "6", 4: "6"}  # 1, then + 3, then + 2; the draft not
    said = ", ".join(f"Q{quarter} {by_end_of[quarter]}" for quarter, _ in ixps.trend)
    assert svg.get("aria-label") == f"ASP3.4-1 by quarter of {YEAR}: {said}; target 10"
    assert len(svg.xpath(".//*[local-name()='circle']")) == len(ixps.trend)
    assert b"style=" not in response.content  # the Content-Security-Policy allows none
    # A computed indicator has no quarterly trend: said, not drawn.
    computed = indicator_rows(page_tree(viewer_client.get(RESULT_PAGE)))["ASP3.4-CR"]
    assert text(computed.xpath("td[@class='indicator-trend-cell']")[0]) == "— no trend"


# --- Each actual leads to what makes it up ----------------------------------------------------


def actual_page(client, row):
    """The page that the actual of an indicator row links to, as a tree."""
    href = row.xpath(".//a[@class='indicator-actual']")[0].get("href")
    response = client.get(href)
    assert response.status_code == 200, href
    return page_tree(response)


def added_up(indicator, values):
    """How the page's listed values make up the actual, by the indicator's aggregation."""
    if indicator.aggregation == Aggregation.LATEST and indicator.unit != Indicator.Unit.NUMBER:
        return sum(values) / len(values)
    return sum(values)


@pytest.mark.parametrize("url", [DASHBOARD, RESULT_PAGE], ids=["dashboard", "result page"])
def test_every_reported_actual_opens_the_reports_that_add_up_to_it(viewer_client, ixp_work, url):
    rows = indicator_rows(page_tree(viewer_client.get(url)))
    reported = {i.full_code: i for i in Indicator.objects.reported()}

    assert set(reported) <= set(rows)
    for code, indicator_ in reported.items():
        actual = number(shown(rows[code])["actual"])
        page = actual_page(viewer_client, rows[code])

        total = page.xpath("//td[contains(@class, 'indicator-total')]")[0]
        assert number(text(total)) == actual, code
        lines = page.xpath("//tr[@class='indicator-value-row']")
        if indicator_.aggregation == Aggregation.COUNTRIES:
            counted = page.xpath("//tr[@class='indicator-total-row']//ul/li")
            assert len(counted) == actual, code
            listed = {text(li) for line in lines for li in line.xpath(".//ul/li")}
            assert listed == {text(li) for li in counted}, code
        else:
            values = [number(text(line.xpath("td")[1])) for line in lines]
            assert added_up(indicator_, values) == actual, code


def test_the_page_of_an_actual_lists_each_report_with_its_activity_and_period(
    viewer_client, ixp_work
):
    url = reverse("reports:indicator_actual", args=["ASP", ixp_work["ixps"].pk]) + f"?{PERIOD}"

    tree = page_tree(viewer_client.get(url))

    lines = [
        (text(line.xpath("th")[0]), text(line.xpath("td")[0]), text(line.xpath("td")[1]))
        for line in tree.xpath("//tr[@class='indicator-value-row']")
    ]
    # Not last year's, not the cancelled activity's, not the draft's: by period.
    assert lines == [
        ("IXP in Tonga and Fiji", "2026 Q1", "1"),
        ("IXP in Lao PDR", "2026 Q2", "3"),
        ("IXP in Tonga and Fiji", "2026 Q3", "2"),
    ]
    first = tree.xpath("//tr[@class='indicator-value-row']")[0]
    activity_ = Activity.objects.get(title="IXP in Tonga and Fiji")
    report = activity_.reports.get(year=YEAR, quarter=1)
    assert first.xpath("th/a")[0].get("href") == activity_.get_absolute_url()
    assert first.xpath("td[1]/a")[0].get("href") == report.get_absolute_url()
    assert viewer_client.get(report.get_absolute_url()).status_code == 200
    assert "Total 2026" in text(tree.xpath("//tr[@class='indicator-total-row']/th")[0])


def test_distinct_countries_name_the_countries_each_report_counts(viewer_client, ixp_work):
    url = reverse("reports:indicator_actual", args=["ASP", ixp_work["plans"].pk]) + f"?{PERIOD}"

    tree = page_tree(viewer_client.get(url))

    lines = {
        text(line.xpath("th")[0]): [text(li) for li in line.xpath(".//ul/li")]
        for line in tree.xpath("//tr[@class='indicator-value-row']")
    }
    assert lines == {
        "IXP in Tonga and Fiji": ["Fiji", "Tonga"],
        "IXP in Lao PDR": ["Lao People's Democratic Republic"],
    }


def test_an_indicator_with_nothing_reported_says_so(viewer_client, ixp_work):
    empty = indicator("5", "Regulations adopted", target=1)
    url = reverse("reports:indicator_actual", args=["ASP", empty.pk]) + f"?{PERIOD}"

    tree = page_tree(viewer_client.get(url))

    assert not tree.xpath("//tr[@class='indicator-value-row']")
    assert "no actual yet" in text(tree.xpath("//p[@class='indicator-no-values']")[0])
    row = indicator_rows(page_tree(viewer_client.get(DASHBOARD)))["ASP3.4-5"]
    assert shown(row)["actual"] == "— none"
    assert shown(row)["status"].endswith("Not started")


def test_every_computed_actual_opens_the_dashboards_list_of_as_many(viewer_client, ixp_work):
    rows = indicator_rows(page_tree(viewer_client.get(RESULT_PAGE)))
    computed = [code for code in rows if code.split("-")[1] in ("CR", "LDC", "SIDS", "LLDC")]

    assert len(computed) == 4
    for code in computed:
        href = rows[code].xpath(".//a[@class='indicator-actual']")[0].get("href")
        assert href.startswith("/dashboard/ASP/countries/?"), code
        response = viewer_client.get(href)
        assert len(response.context["countries"]) == number(shown(rows[code])["actual"]), code
    completed = rows["ASP3.4-AC"].xpath(".//a[@class='indicator-actual']")[0].get("href")
    response = viewer_client.get(completed)
    assert response.context["paginator"].count == number(shown(rows["ASP3.4-AC"])["actual"])


def test_people_reached_is_an_indicator_of_each_result_adding_up_its_approved_reports(
    viewer_client,
):
    pacific = activity("IXP in Tonga and Fiji", ["TON", "FJI"])
    lao = activity("IXP in Lao PDR", ["LAO"], results=("ASP3.4", "ASP1.3"))
    cancelled = activity("Cancelled IXP in Nepal", ["NPL"], status=Activity.Status.CANCELLED)
    approved_report(pacific, YEAR, 1, people_reached_women=12, people_reached_men=8)
    approved_report(lao, YEAR, 2, people_reached_women=5, people_reached_men=0)
    approved_report(pacific, 2025, 4, people_reached_women=100)  # last year
    approved_report(cancelled, YEAR, 1, people_reached_women=100)  # cancelled: never counts
    ProgressReportFactory(
        activity=lao, year=YEAR, quarter=3, state="submitted", people_reached_women=100
    )  # waiting for review: not yet

    rows = indicator_rows(page_tree(viewer_client.get(RESULT_PAGE)))
    page = actual_page(viewer_client, rows["ASP3.4-PR"])

    assert shown(rows["ASP3.4-PR"])["actual"] == "25"
    lines = [
        [text(line.xpath("th")[0]), *(text(td) for td in line.xpath("td"))]
        for line in page.xpath("//tr[@class='indicator-value-row']")
    ]
    assert lines == [
        ["IXP in Tonga and Fiji", "2026 Q1", "20", "12 women, 8 men"],
        ["IXP in Lao PDR", "2026 Q2", "5", "5 women, 0 men"],
    ]
    assert text(page.xpath("//td[contains(@class, 'indicator-total')]")[0]) == "25"
    # The same reports as the dashboard's people reached, each counted once there.
    assert figures_2026().people_reached["total"] == 25
    other = indicator_rows(page_tree(viewer_client.get("/initiatives/WTDC-25/ASP1/results/3/")))
    assert shown(other["ASP1.3-PR"])["actual"] == "5"  # Lao PDR's only


def test_the_activitys_planned_participants_are_not_people_reached(viewer_client):
    planned = activity("IXP in Tonga", ["TON"], planned_participants_women=400)

    approved_report(planned, YEAR, 1, people_reached_women=3, people_reached_men=4)

    rows = indicator_rows(page_tree(viewer_client.get(RESULT_PAGE)))
    assert shown(rows["ASP3.4-PR"])["actual"] == "7"
    assert figures_2026().people_reached == {
        "women": 3,
        "men": 4,
        "total": 7,
        "activities": figures_2026().people_reached["activities"],
    }


# --- Who sees what; what does not exist -------------------------------------------------------


def test_another_regions_indicator_has_no_page_on_this_regions_dashboard(viewer_client):
    afr = initiative_with_results("AFR", "AFR1").expected_results.get()
    theirs = Indicator.objects.create(expected_result=afr, code="1", name="Their indicator")

    mine = f"/dashboard/ASP/indicators/{theirs.pk}/?{PERIOD}"
    theirs_url = f"/dashboard/AFR/indicators/{theirs.pk}/?{PERIOD}"

    assert viewer_client.get(mine).status_code == 404
    assert viewer_client.get(theirs_url).status_code == 200


def test_a_computed_or_unknown_indicator_has_no_page(viewer_client):
    computed = Indicator.objects.computed().filter(expected_result=asp("ASP3.4")).first()

    assert viewer_client.get(f"/dashboard/ASP/indicators/{computed.pk}/").status_code == 404
    assert viewer_client.get("/dashboard/ASP/indicators/999999/").status_code == 404


def test_an_indicator_of_another_plan_has_no_page_for_this_plan(viewer_client, ixp_work):
    ActionPlan.objects.create(code="WTDC-30", name="Next plan", start_year=2030, end_year=2033)
    url = reverse("reports:indicator_actual", args=["ASP", ixp_work["ixps"].pk])

    assert viewer_client.get(f"{url}?plan=WTDC-30&year=2030").status_code == 404


@pytest.mark.parametrize("query", ["year=twenty", "year=1900"])
def test_a_bad_year_shows_the_error_with_status_400(viewer_client, ixp_work, query):
    url = reverse("reports:indicator_actual", args=["ASP", ixp_work["ixps"].pk])

    response = viewer_client.get(f"{url}?{query}")

    assert response.status_code == 400
    alert = page_tree(response).xpath("//div[@role='alert']")[0]
    assert "Year" in text(alert)


def test_an_anonymous_visitor_is_sent_to_log_in(client, ixp_work):
    assert_needs_login(
        client, reverse("reports:indicator_actual", args=["ASP", ixp_work["ixps"].pk])
    )


# --- Queries and JSON ------------------------------------------------------------------------


def test_the_dashboard_takes_as_many_queries_with_many_indicators_and_reports_as_with_one(
    viewer_client,
):
    # One of each way the dashboard reads values: summed by period, and one by one.
    first = indicator("1", "IXPs established", target=10)
    Reports().value(activity("IXP in Tonga", ["TON"]), YEAR, 1, first, 1)
    latest = indicator("2", "Readiness", target=1, aggregation=Aggregation.LATEST)
    Reports().value(activity("IXP in Samoa", ["WSM"]), YEAR, 1, latest, 1)
    queries_of(viewer_client, DASHBOARD)  # the session, once
    Reports().value(activity("IXP in Fiji", ["FJI"]), YEAR, 1, first, 1)  # a write: not cached
    with_one = queries_of(viewer_client, DASHBOARD)

    reports = Reports()
    results = ["ASP1.3", "ASP2.1", "ASP3.4", "ASP4.1", "ASP5.1"]
    for n, aggregation in enumerate(Aggregation.values * 2):
        result = results[n % len(results)]
        many = indicator(f"M{n}", f"Indicator {n}", result=result, aggregation=aggregation)
        for quarter in (1, 2, 3):
            work = activity(f"Activity {n}.{quarter}", ["TON", "LAO"], results=[result])
            reports.value(work, YEAR, quarter, many, n + quarter)
    with_many = queries_of(viewer_client, DASHBOARD)

    assert with_many == with_one
    assert len(indicator_rows(page_tree(viewer_client.get(DASHBOARD)))) == 10  # none computed


def test_the_result_page_takes_as_many_queries_with_many_indicators_as_with_one(viewer_client):
    first = indicator("1", "IXPs established", target=10)
    Reports().value(activity("IXP in Tonga", ["TON"]), YEAR, 1, first, 1)
    latest = indicator("2", "Readiness", aggregation=Aggregation.LATEST)
    Reports().value(activity("IXP in Samoa", ["WSM"]), YEAR, 1, latest, 1)
    queries_of(viewer_client, RESULT_PAGE)
    with_one = queries_of(viewer_client, RESULT_PAGE)

    reports = Reports()
    for n, aggregation in enumerate(Aggregation.values * 2):
        many = indicator(f"M{n}", f"Indicator {n}", aggregation=aggregation)
        for quarter in (1, 2, 3):
            work = activity(f"Activity {n}.{quarter}", ["TON", "LAO"])
            reports.value(work, YEAR, quarter, many, n + quarter)

    assert queries_of(viewer_client, RESULT_PAGE) == with_one


@pytest.mark.parametrize("aggregation", [Aggregation.SUM, Aggregation.COUNTRIES])
def test_the_page_of_an_actual_takes_as_many_queries_with_many_reports_as_with_one(
    viewer_client, aggregation
):
    measured = indicator("1", "IXPs established", target=10, aggregation=aggregation)
    url = reverse("reports:indicator_actual", args=["ASP", measured.pk]) + f"?{PERIOD}"
    reports = Reports()
    reports.value(activity("IXP in Tonga", ["TON"]), YEAR, 1, measured, 1)
    queries_of(viewer_client, url)
    with_one = queries_of(viewer_client, url)

    for n in range(20):
        work = activity(f"Activity {n}", ["TON", "LAO", "FJI"][: n % 3 + 1])
        reports.value(work, YEAR, n % 4 + 1, measured, n + 1)
    with_many = queries_of(viewer_client, url)

    assert with_many == with_one
    tree = page_tree(viewer_client.get(url))
    assert len(tree.xpath("//tr[@class='indicator-value-row']")) == 21


def test_the_json_has_each_results_status_and_indicators(viewer_client, ixp_work):
    results = {r["code"]: r for r in viewer_client.get(JSON).json()["expected_results"]}
    rows = indicator_rows(page_tree(viewer_client.get(DASHBOARD)))

    asp34 = results["ASP3.4"]
    assert asp34["status"] == figures_2026().result_status(asp("ASP3.4"))
    by_code = {i["code"]: i for i in asp34["indicators"]}
    assert list(by_code)[:4] == ["ASP3.4-1", "ASP3.4-2", "ASP3.4-3", "ASP3.4-4"]
    assert by_code["ASP3.4-1"] | {"status": None, "change_since_last_quarter": None} == {
        "code": "ASP3.4-1",
        "name": "IXPs established",
        "measure": "reported",
        "unit": "number",
        "direction": "up",
        "aggregation": "sum",
        "baseline": 2.0,
        "baseline_year": 2025,
        "target": 10.0,
        "actual": 6.0,
        "percent_of_target": 60,
        "status": None,
        "change_since_last_quarter": None,
        "planned_by_activities": None,
    }
    # Every indicator's figures are the page's.
    for code, row in rows.items():
        if code.startswith("ASP3.4-"):
            json_actual = by_code[code]["actual"]
            page_actual = shown(row)["actual"]
            assert (None if page_actual == "— none" else float(number(page_actual))) == (
                json_actual
            ), code
            assert shown(row)["status"].endswith(Status(by_code[code]["status"]).label), code


def test_the_dashboard_shows_a_computed_indicator_once_it_has_a_target(viewer_client, ixp_work):
    reached = Indicator.objects.get(expected_result=asp("ASP3.4"), code="CR")
    Target.objects.create(indicator=reached, year=YEAR, value=6)

    rows = indicator_rows(page_tree(viewer_client.get(DASHBOARD)))

    assert shown(rows["ASP3.4-CR"])["target"] == "6"
    assert shown(rows["ASP3.4-CR"])["actual"] == "3"
    assert "ASP3.4-LDC" not in rows


def test_the_regional_report_gives_each_initiatives_indicators_and_the_rule(
    viewer_client, ixp_work
):
    report = f"/reports/ASP/{YEAR}/?plan=WTDC-25"
    tree = page_tree(viewer_client.get(f"{report}&initiative=ASP3"))
    dashboard = indicator_rows(page_tree(viewer_client.get(DASHBOARD)))

    rows = {}  # the report shows one initiative a page: its indicators, from every page
    for code in ["ASP1", "ASP2", "ASP3", "ASP4", "ASP5"]:
        rows |= indicator_rows(page_tree(viewer_client.get(f"{report}&initiative={code}")))

    assert set(rows) == set(dashboard)  # the same indicators, with the same figures
    for code, row in rows.items():
        assert shown(row) == shown(dashboard[code]), code
    section = tree.xpath("//section[@aria-labelledby='initiative-ASP3']")[0]
    assert section.xpath(".//tr[@data-indicator='ASP3.4-1']")
    status = Status(figures_2026().initiative_status(asp("ASP3.4").initiative)).label
    assert text(section.xpath(".//h3[@id='indicators-ASP3']")[0]).endswith(status)
    assert status_rule() in text(tree.xpath("//p[@class='status-rule-text']")[0])
