"""A region's figures and its indicators' actuals in the REST API: exactly the dashboard's JSON,
counted once by the dashboards' own core; the same period, read the same way (a bad one is a
400); the same readers (every signed-in user, every region); a fixed number of queries; random
query strings never a 500."""

import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from activities.models import Activity, ApiToken, IndicatorValue, ProgressReport
from initiatives.models import ActionPlan, Indicator, Region, Target
from reports.queries.region import region_figures
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    UserFactory,
    api_client,
    approved_report,
    expected_result,
)
from tests.fuzzing import ANY_CHARACTER, FUZZ, NASTY, any_number
from tests.reports.dashboard_pages import add_activities, build_asp_2026, queries_of

PERIOD = "plan=WTDC-25&year=2026"
FIGURES = f"/api/v1/regions/ASP/figures/?{PERIOD}"
ACTUALS = f"/api/v1/regions/ASP/indicator-actuals/?{PERIOD}"
DASHBOARD_JSON = f"/dashboard/ASP/?{PERIOD}&format=json"


@pytest.fixture
def api(viewer):
    return api_client(viewer)


@pytest.fixture
def signed_in(client, viewer):
    """The dashboard's reader: a browser signed in as the same Viewer."""
    client.force_login(viewer)
    return client


@pytest.fixture
def asp_2026(db):
    """The dashboards' known Asia-Pacific activities of 2026 (tests/reports/dashboard_pages.py),
    with approved reports, and a reported indicator of ASP3.4 with a target and values."""
    activities = build_asp_2026()
    ixps = IndicatorFactory(
        result="ASP3.4", code="1", name="IXPs established", baseline_value=2, baseline_year=2025
    )
    Target.objects.create(indicator=ixps, year=2026, value=10)
    first = approved_report(activities["ongoing"], 2026, 1)
    second = ProgressReport.objects.get(activity=activities["ongoing"], year=2026, quarter=2)
    IndicatorValue.objects.create(report=first, indicator=ixps, value=1)
    IndicatorValue.objects.create(report=second, indicator=ixps, value=3)
    return activities


def asp_figures(year=2026, all_work=False):
    """The region's figures as the counting core makes them, from nothing cached."""
    return region_figures(
        Region.objects.get(code="ASP"),
        ActionPlan.objects.get(code="WTDC-25"),
        year,
        all_work=all_work,
    )


# --- The figures: the dashboard's JSON ------------------------------------------------------


def test_the_figures_are_the_dashboards_json(api, signed_in, asp_2026):
    response = api.get(FIGURES)
    cache.clear()  # the dashboard counts them again, rather than reading what the API kept
    dashboard = signed_in.get(DASHBOARD_JSON).json()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    figures = response.json()
    assert figures == dashboard == asp_figures().as_json()
    assert (figures["region"], figures["plan"], figures["year"]) == ("ASP", "WTDC-25", 2026)
    assert figures["activities_by_status"] == {
        "planned": 1,
        "ongoing": 2,
        "suspended": 1,
        "completed": 1,
    }
    assert figures["coverage"] == {"covered": 4, "total": 35}
    asp34 = next(r for r in figures["expected_results"] if r["code"] == "ASP3.4")
    assert asp34["indicators"][0]["code"] == "ASP3.4-1"
    assert asp34["indicators"][0]["actual"] == 4.0  # 1 + 3, of the approved reports


@pytest.mark.parametrize(
    "query",
    ["plan=WTDC-25&year=2026&work=all", "year=2027", "plan=WTDC-25", ""],
    ids=["all work", "another year", "this year", "the defaults"],
)
def test_the_period_is_read_as_the_dashboard_reads_it(api, signed_in, asp_2026, query):
    figures = api.get(f"/api/v1/regions/ASP/figures/?{query}").json()
    cache.clear()
    dashboard = signed_in.get(f"/dashboard/ASP/?{query}&format=json").json()

    assert figures == dashboard


def test_the_api_and_the_dashboard_keep_the_same_figures_in_the_cache(api, signed_in, asp_2026):
    api.get(FIGURES)
    # Nothing has changed since: the dashboard reads what the API counted (no activity query).
    with_cache = queries_of(signed_in, DASHBOARD_JSON)
    cache.clear()
    without_cache = queries_of(signed_in, DASHBOARD_JSON)

    assert with_cache < without_cache


def test_a_write_shows_in_the_figures_at_once(api, asp_2026):
    before = api.get(FIGURES).json()["activities_by_status"]["ongoing"]
    ActivityFactory(countries=["WSM"], expected_results=["ASP2.1"])

    assert api.get(FIGURES).json()["activities_by_status"]["ongoing"] == before + 1


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=19x6", "year"),
        ("year=1999", "year"),
        ("year=2101", "year"),
        ("plan=NOPE", "plan"),
        ("plan=wtdc-25", "plan"),
        ("work=everything", "work"),
        ("plan=WTDC%00-25", "plan"),  # what PostgreSQL cannot take is refused before it
        ("year=2026%00", "year"),
    ],
)
@pytest.mark.parametrize("endpoint", ["figures", "indicator-actuals"])
def test_a_bad_period_is_400_naming_the_parameter(api, signed_in, endpoint, query, parameter):
    response = api.get(f"/api/v1/regions/ASP/{endpoint}/?{query}")

    assert response.status_code == 400
    assert parameter in response.content.decode()
    # The dashboard refuses the same period: 400, or 404 for a plan it has no page for.
    assert signed_in.get(f"/dashboard/ASP/?{query}&format=json").status_code in (400, 404)


@pytest.mark.parametrize("region", ["ZZZ", "asp", "ASP.json"])
@pytest.mark.parametrize("endpoint", ["figures", "indicator-actuals"])
def test_an_unknown_region_is_404(api, signed_in, region, endpoint):
    assert api.get(f"/api/v1/regions/{region}/{endpoint}/").status_code == 404
    assert signed_in.get(f"/dashboard/{region}/?format=json").status_code == 404


# --- Who reads them: as on the dashboard ---------------------------------------------------


@pytest.mark.parametrize("endpoint", ["figures", "indicator-actuals"])
def test_an_anonymous_request_is_401(client, endpoint):
    response = APIClient().get(f"/api/v1/regions/ASP/{endpoint}/?{PERIOD}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    # The dashboard sends an anonymous visitor to log in.
    assert client.get(DASHBOARD_JSON).status_code == 302


@pytest.mark.parametrize(
    "user",
    [
        {"username": "outsider"},  # no role, no region: reads every region, as on the dashboard
        {"username": "afr.editor", "role": "Editor", "regions": ["AFR"]},
        {"username": "asp.reviewer", "role": "Reviewer", "regions": ["ASP"]},
    ],
    ids=["no role", "another region's editor", "the region's reviewer"],
)
def test_every_signed_in_user_reads_every_regions_figures_as_on_the_dashboard(
    client, asp_2026, user
):
    person = UserFactory(**user)
    client.force_login(person)
    dashboard = client.get(DASHBOARD_JSON)

    response = api_client(person, read_only=True).get(FIGURES)

    assert dashboard.status_code == response.status_code == 200
    assert response.json() == dashboard.json()


def test_a_deactivated_users_token_is_401(viewer, client):
    api = api_client(viewer)
    viewer.is_active = False
    viewer.save()

    assert api.get(FIGURES).status_code == 401
    assert api.get(ACTUALS).status_code == 401


# --- The indicators' actuals -------------------------------------------------------------


def test_each_indicator_has_its_target_actual_and_status_as_on_the_dashboard(api, asp_2026):
    response = api.get(ACTUALS)

    assert response.status_code == 200
    actuals = response.json()
    assert (actuals["region"], actuals["plan"], actuals["year"]) == ("ASP", "WTDC-25", 2026)
    assert actuals["all_work"] is False
    ixps = Indicator.objects.get(expected_result=expected_result("ASP3.4"), code="1")
    first = next(i for i in actuals["indicators"] if i["code"] == "ASP3.4-1")
    assert first | {"status": None} == {
        "id": ixps.pk,
        "initiative": "ASP3",
        "expected_result": "ASP3.4",
        "code": "ASP3.4-1",
        "name": "IXPs established",
        "measure": "reported",
        "unit": "number",
        "direction": "up",
        "aggregation": "sum",
        "baseline": 2.0,
        "baseline_year": 2025,
        "target": 10.0,
        "actual": 4.0,
        "percent_of_target": 40,  # a yearly sum starts from 0 every year
        "status": None,  # depends on today's share of the year
        "change_since_last_quarter": first["change_since_last_quarter"],
        "planned_by_activities": None,
    }


def test_the_actuals_are_the_figures_indicators_in_their_order(api, asp_2026):
    actuals = api.get(ACTUALS).json()["indicators"]
    cache.clear()
    figures = api.get(FIGURES).json()["expected_results"]

    from_figures = [
        {"initiative": result["code"].split(".")[0], "expected_result": result["code"], **i}
        for result in figures
        for i in result["indicators"]
    ]
    assert [{k: v for k, v in a.items() if k != "id"} for a in actuals] == from_figures
    assert (
        len(actuals)
        == Indicator.objects.filter(expected_result__initiative__region__code="ASP").count()
    )


def test_an_end_of_plan_target_is_the_last_years_target(api, asp_2026):
    reached = Indicator.objects.get(expected_result=expected_result("ASP1.3"), code="CR")
    Target.objects.create(indicator=reached, year=None, value=Decimal(12))

    def target(year):
        indicators = api.get(f"/api/v1/regions/ASP/indicator-actuals/?year={year}").json()
        return next(i for i in indicators["indicators"] if i["code"] == "ASP1.3-CR")["target"]

    assert (target(2026), target(2029)) == (None, 12.0)


def test_the_schema_documents_every_key_of_the_actuals(api, asp_2026):
    from reports.api import IndicatorActualSerializer, IndicatorActualsSerializer

    actuals = api.get(ACTUALS).json()

    assert list(actuals) == list(IndicatorActualsSerializer().fields)
    assert list(actuals["indicators"][0]) == list(IndicatorActualSerializer().fields)


# --- Queries: as many with 200 activities as with 10 ------------------------------------------


@pytest.mark.parametrize("url", [FIGURES, ACTUALS], ids=["figures", "indicator actuals"])
def test_it_takes_as_many_queries_with_200_activities_as_with_10(api, url):
    ixps = IndicatorFactory(result="ASP1.3", code="1", name="IXPs established")
    latest = IndicatorFactory(result="ASP1.3", aggregation=Indicator.Aggregation.LATEST)
    Target.objects.create(indicator=ixps, year=2026, value=10)
    api.get("/api/v1/regions/")  # the token's first use is noted once

    def give_values():
        for report in ProgressReport.objects.approved().exclude(indicator_values__isnull=False):
            IndicatorValue.objects.create(report=report, indicator=ixps, value=1)
            IndicatorValue.objects.create(report=report, indicator=latest, value=2)

    # Values that count from the start (an activity of ASP1.3): an empty list costs less.
    approved_report(ActivityFactory(expected_results=["ASP1.3"]), 2026, 1)
    add_activities(9)
    give_values()
    with_10 = queries_of(api, url)
    add_activities(190)
    give_values()

    assert queries_of(api, url) == with_10
    assert Activity.objects.count() == 200


# --- Fuzzed query strings: never a 500 -----------------------------------------------------

VALUES = st.one_of(
    st.sampled_from(["WTDC-25", "wtdc-25", "2026", "2029", "all", "", *NASTY]),
    st.text(ANY_CHARACTER, max_size=30),
    any_number(),
)


@pytest.fixture
def api_token_secret(viewer):
    return ApiToken.objects.issue(viewer, "Fuzzing")[1]


@FUZZ
@given(
    endpoint=st.sampled_from(["figures", "indicator-actuals"]),
    region=st.one_of(st.sampled_from(["ASP", "AFR", "EUR", "asp"]), st.text(ANY_CHARACTER)),
    query=st.dictionaries(
        st.sampled_from(["plan", "year", "work", "format", "limit"]), VALUES, max_size=3
    ),
)
def test_random_periods_never_answer_500(api_token_secret, endpoint, region, query):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_secret}")
    url = f"/api/v1/regions/{quote(region, safe='')}/{endpoint}/"

    response = client.get(url, query)

    assert response.status_code in (200, 400, 404), (url, query, response.status_code)


def test_the_latest_period_of_the_plan_counts_the_activities_of_the_year(api, db):
    late = ActivityFactory(
        countries=["WSM"],
        expected_results=["ASP2.1"],
        start_date=datetime.date(2029, 3, 1),
        end_date=datetime.date(2029, 9, 30),
    )

    in_2029 = api.get("/api/v1/regions/ASP/figures/?plan=WTDC-25&year=2029").json()
    in_2026 = api.get(FIGURES).json()

    assert late.status == "ongoing"
    assert in_2029["activities_by_status"]["ongoing"] == 1
    assert in_2026["activities_by_status"]["ongoing"] == 0
