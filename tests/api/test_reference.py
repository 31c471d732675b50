"""The reference data in the REST API, read with a personal token: regions, countries and their
designations, country groups, action plans, initiatives, expected results, indicators and
their targets. Looked up by code where they have one; filtered by codes; paginated; a fixed
number of queries per page; anonymous and unknown rows answered 401 and 404; random query
strings never a 500."""

import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from activities.models import ApiToken
from initiatives.models import (
    ActionPlan,
    Country,
    Designation,
    ExpectedResult,
    Indicator,
    Target,
)
from tests.factories import IndicatorFactory, api_client, expected_result, initiative_with_results
from tests.fuzzing import ANY_CHARACTER, FUZZ, NASTY, any_number

API = "/api/v1"
LISTS = [
    "regions",
    "countries",
    "country-groups",
    "action-plans",
    "initiatives",
    "expected-results",
    "indicators",
    "targets",
]


@pytest.fixture
def api(viewer):
    return api_client(viewer)


@pytest.fixture
def targets(db):
    """A reported indicator of ASP3.4 with a baseline, and its targets for 2026 and the
    plan's end."""
    indicator = IndicatorFactory(
        result="ASP3.4",
        code="1",
        name="IXPs established",
        baseline_value=Decimal("2"),
        baseline_year=2025,
        baseline_source="ITU survey",
    )
    return [
        Target.objects.create(indicator=indicator, year=2026, value=Decimal("4")),
        Target.objects.create(indicator=indicator, year=None, value=Decimal("10")),
    ]


def results_of(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def codes(response, key="code"):
    return [row[key] for row in results_of(response)]


# --- Regions, action plans, country groups: looked up by code ------------------------------


def test_it_lists_the_regions_by_code(api):
    response = api.get(f"{API}/regions/")

    assert response.json()["count"] == 6
    assert codes(response) == ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]


def test_it_reads_a_region_by_its_code(api):
    response = api.get(f"{API}/regions/ASP/")

    assert response.status_code == 200
    assert response.json() == {"code": "ASP", "name": "Asia and the Pacific"}


@pytest.mark.parametrize(
    "path",
    [
        "regions/ZZZ/",
        "regions/asp/",  # codes are upper case
        "action-plans/WTDC-99/",
        "country-groups/NOPE/",
        "countries/ZZZ/",
        "countries/ton/",
        "countries/TONGA/",
        "initiatives/999999/",
        "initiatives/abc/",
        "expected-results/999999999999999999/",
        "expected-results/9999999999999999999999/",  # more than a database holds: no URL
        "indicators/0/",
        "targets/1.5/",
    ],
)
def test_an_unknown_code_or_id_is_404(api, path):
    assert api.get(f"{API}/{path}").status_code == 404


def test_it_reads_an_action_plan_by_its_code(api):
    response = api.get(f"{API}/action-plans/WTDC-25/")

    assert response.json() == {
        "code": "WTDC-25",
        "name": "Baku Action Plan",
        "conference": ActionPlan.objects.get(code="WTDC-25").conference,
        "start_year": 2026,
        "end_year": 2029,
    }


def test_it_lists_the_country_groups_with_their_region(api):
    response = api.get(f"{API}/country-groups/")

    assert [(g["code"], g["region"]) for g in results_of(response)] == [
        ("LDC", None),
        ("SIDS", None),
        ("LLDC", None),
        ("PIC", "ASP"),
    ]
    pic = api.get(f"{API}/country-groups/PIC/").json()
    assert pic["name"] == "Pacific island countries"
    assert pic["member_name"] == "Pacific island country"
    assert codes(api.get(f"{API}/country-groups/?region=ASP")) == ["PIC"]


# --- Countries and their designations over time -------------------------------------------


def test_it_reads_a_country_by_iso3_with_its_designations_over_time(api):
    response = api.get(f"{API}/countries/LAO/")

    assert response.status_code == 200
    country = response.json()
    assert (country["iso3"], country["iso2"], country["region"]) == ("LAO", "LA", "ASP")
    assert "Laos" in country["other_names"]
    # An LDC until its graduation on 24 Nov 2026 (the end date is its first day out).
    assert country["designations"] == [
        {"group": "LDC", "start_date": None, "end_date": "2026-11-24", "note": ""},
        {"group": "LLDC", "start_date": None, "end_date": None, "note": ""},
    ]


def test_a_designation_with_dates_reads_them_as_iso_dates(api):
    Designation.objects.create(
        country=Country.objects.get(iso3="TON"),
        group_id="LDC",
        start_date=datetime.date(1971, 11, 18),
        end_date=datetime.date(1990, 1, 1),
    )

    designations = api.get(f"{API}/countries/TON/").json()["designations"]

    ldc = {"group": "LDC", "start_date": "1971-11-18", "end_date": "1990-01-01", "note": ""}
    assert ldc in designations


def test_it_filters_the_countries_by_region(api):
    response = api.get(f"{API}/countries/?region=ASP&limit=1000")

    countries = results_of(response)
    assert len(countries) == response.json()["count"] == 39
    assert {c["region"] for c in countries} == {"ASP"}
    assert api.get(f"{API}/countries/?region=NOPE").json()["count"] == 0


# --- Initiatives, expected results, indicators, targets: filtered by codes ------------------


def test_it_lists_the_initiatives_of_a_plan_and_region(api):
    initiative_with_results("AFR", "AFR1")

    asp = results_of(api.get(f"{API}/initiatives/?plan=WTDC-25&region=ASP"))
    afr = results_of(api.get(f"{API}/initiatives/?region=AFR"))

    assert [i["code"] for i in asp] == ["ASP1", "ASP2", "ASP3", "ASP4", "ASP5"]
    assert {(i["plan"], i["region"]) for i in asp} == {("WTDC-25", "ASP")}
    assert [i["code"] for i in afr] == ["AFR1"]
    assert api.get(f"{API}/initiatives/?plan=WTDC-99").json()["count"] == 0
    detail = api.get(f"{API}/initiatives/{asp[2]['id']}/").json()
    assert detail == asp[2]
    assert detail["title"] and detail["objective"]


def test_it_lists_the_expected_results_with_their_codes(api):
    response = api.get(f"{API}/expected-results/?initiative=ASP1&plan=WTDC-25")

    results = results_of(response)
    assert [r["code"] for r in results] == [f"ASP1.{n}" for n in range(1, len(results) + 1)]
    first = results[0]
    assert (first["plan"], first["region"], first["initiative"], first["number"]) == (
        "WTDC-25",
        "ASP",
        "ASP1",
        1,
    )
    assert first["text"] == expected_result("ASP1.1").text
    assert api.get(f"{API}/expected-results/{first['id']}/").json() == first


def test_it_filters_the_expected_results_by_region_and_plan(api):
    initiative_with_results("AFR", "AFR1", results=2)

    assert api.get(f"{API}/expected-results/?region=ASP&plan=WTDC-25").json()["count"] == 35
    assert codes(api.get(f"{API}/expected-results/?region=AFR")) == ["AFR1.1", "AFR1.2"]
    assert api.get(f"{API}/expected-results/?region=AFR&initiative=ASP1").json()["count"] == 0


def test_an_expected_result_names_the_earlier_results_it_continues(api):
    earlier_plan = ActionPlan.objects.create(
        code="WTDC-22", name="Kigali Action Plan", start_year=2023, end_year=2025
    )
    earlier = initiative_with_results("ASP", "ASP1", plan_code=earlier_plan.code)
    result = expected_result("ASP1.1")
    result.continues.add(earlier.expected_results.get())

    continued = api.get(f"{API}/expected-results/{result.pk}/").json()["continues"]

    assert continued == [
        {"id": earlier.expected_results.get().pk, "plan": "WTDC-22", "code": "ASP1.1"}
    ]
    both = results_of(api.get(f"{API}/expected-results/?initiative=ASP1&region=ASP&limit=1000"))
    assert {r["plan"] for r in both} == {"WTDC-22", "WTDC-25"}


def test_it_reads_an_indicator_with_its_unit_kind_and_baseline(api, targets):
    indicator = targets[0].indicator

    response = api.get(f"{API}/indicators/{indicator.pk}/")

    assert response.json() == {
        "id": indicator.pk,
        "code": "1",
        "full_code": "ASP3.4-1",
        "plan": "WTDC-25",
        "region": "ASP",
        "expected_result": "ASP3.4",
        "expected_result_id": indicator.expected_result_id,
        "name": "IXPs established",
        "measure": "reported",
        "unit": "number",
        "direction": "up",
        "aggregation": "sum",
        "disaggregations": [],
        "baseline_value": "2.00",
        "baseline_year": 2025,
        "baseline_source": "ITU survey",
        "is_demo": False,
    }


def test_it_filters_the_indicators_by_expected_result_and_measure(api, targets):
    of_result = api.get(f"{API}/indicators/?expected_result=ASP3.4&plan=WTDC-25")
    reported = api.get(f"{API}/indicators/?region=ASP&measure=reported")

    assert codes(of_result, "full_code") == [
        f"ASP3.4-{code}" for code in ("1", "AC", "CR", "LDC", "LLDC", "PR", "SIDS")
    ]
    assert codes(reported, "full_code") == ["ASP3.4-1"]
    of_asp3 = Indicator.objects.filter(expected_result__initiative__code="ASP3").count()
    assert api.get(f"{API}/indicators/?initiative=ASP3").json()["count"] == of_asp3
    for nothing in ("ASP3.99", "ASP3", "ASP3.x", "ASP3.٤", "."):
        assert api.get(f"{API}/indicators/", {"expected_result": nothing}).json()["count"] == 0
    assert api.get(f"{API}/indicators/?measure=bogus").status_code == 400


def test_it_lists_the_targets_of_an_indicator_by_year(api, targets):
    indicator = targets[0].indicator

    response = api.get(f"{API}/targets/?indicator={indicator.pk}")

    assert results_of(response) == [
        {
            "id": targets[0].pk,
            "indicator": "ASP3.4-1",
            "indicator_id": indicator.pk,
            "plan": "WTDC-25",
            "region": "ASP",
            "year": 2026,
            "value": "4.00",
        },
        {
            "id": targets[1].pk,
            "indicator": "ASP3.4-1",
            "indicator_id": indicator.pk,
            "plan": "WTDC-25",
            "region": "ASP",
            "year": None,  # by the end of the plan
            "value": "10.00",
        },
    ]
    assert codes(api.get(f"{API}/targets/?year=2026&region=ASP"), "id") == [targets[0].pk]
    assert api.get(f"{API}/targets/?expected_result=ASP3.4").json()["count"] == 2
    assert api.get(f"{API}/targets/?region=AFR").json()["count"] == 0
    assert api.get(f"{API}/targets/{targets[1].pk}/").json()["value"] == "10.00"


@pytest.mark.parametrize(
    "query", ["year=abc", "year=-1", "year=99999", "indicator=0", f"indicator={2**70}"]
)
def test_a_number_out_of_range_is_400(api, query):
    response = api.get(f"{API}/targets/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "countries/?region=AS%00P",
        "initiatives/?plan=WTDC-25%00",
        "expected-results/?initiative=%00",
        "indicators/?expected_result=ASP3%00.4",
        "targets/?region=" + "A" * 33,
    ],
)
def test_a_code_no_row_can_have_is_400_before_any_query(api, query):
    # PostgreSQL refuses a NUL character: the filter refuses it first.
    assert api.get(f"{API}/{query}").status_code == 400


# --- Every list: a token, pages, a fixed number of queries ----------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_an_anonymous_request_is_401(client, name):
    response = APIClient().get(f"{API}/{name}/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("name", LISTS)
def test_a_read_only_token_reads_every_list(viewer, targets, name):
    response = api_client(viewer, read_only=True).get(f"{API}/{name}/")

    assert response.status_code == 200
    assert response.json()["count"] > 0


@pytest.mark.parametrize("name", LISTS)
def test_writing_reference_data_is_not_allowed(api, targets, name):
    assert api.post(f"{API}/{name}/", {}, format="json").status_code == 405


def test_a_list_comes_in_pages(api):
    first = api.get(f"{API}/indicators/?limit=50").json()
    second = api.get(first["next"]).json()

    assert first["count"] == Indicator.objects.count() == 210
    assert len(first["results"]) == len(second["results"]) == 50
    assert second["previous"].endswith("/api/v1/indicators/?limit=50")
    assert not {i["id"] for i in first["results"]} & {i["id"] for i in second["results"]}
    assert len(api.get(f"{API}/indicators/").json()["results"]) == 100  # unless told
    assert len(api.get(f"{API}/indicators/?limit=100000").json()["results"]) == 210  # ≤ 1000
    assert api.get(f"{API}/indicators/?offset={2**70}").json()["results"] == []


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", LISTS)
def test_a_page_of_ten_takes_the_queries_of_a_page_of_two(api, name):
    # Ten targets of ten indicators of several results, with designations and continued results.
    earlier_plan = ActionPlan.objects.create(
        code="WTDC-22", name="Kigali Action Plan", start_year=2023, end_year=2025
    )
    earlier = initiative_with_results("ASP", "ASP9", results=3, plan_code=earlier_plan.code)
    for result in ExpectedResult.objects.filter(initiative__code="ASP1"):
        result.continues.set(earlier.expected_results.all())
    for number, result in enumerate(["ASP1.1", "ASP1.2", "ASP2.1", "ASP3.4", "ASP5.1"] * 2):
        indicator = IndicatorFactory(result=result, code=f"R{number}")
        Target.objects.create(indicator=indicator, year=2026, value=number)
    api.get(f"{API}/regions/")  # the token's first use is noted once, not in the counts

    with_two = _queries(api, f"{API}/{name}/?limit=2")
    with_ten = _queries(api, f"{API}/{name}/?limit=10")

    assert with_two == with_ten
    assert with_ten <= 5  # the token, the count, the page, its prefetches
    assert len(api.get(f"{API}/{name}/?limit=10").json()["results"]) >= min(
        10, api.get(f"{API}/{name}/").json()["count"]
    )


# --- Fuzzed query strings: never a 500 -----------------------------------------------------

KNOWN_VALUES = ["WTDC-25", "ASP", "asp", "ASP1", "ASP1.3", "ASP3.4", "reported", "2026", "1"]
VALUES = st.one_of(
    st.sampled_from([*KNOWN_VALUES, *NASTY]),
    st.text(ANY_CHARACTER, max_size=40),
    any_number(),
)


@FUZZ
@given(
    name=st.sampled_from(LISTS),
    query=st.dictionaries(
        st.sampled_from(["plan", "region", "initiative", "expected_result", "measure", "indicator"])
        | st.sampled_from(["year", "limit", "offset", "format", "ordering", "page"]),
        VALUES,
        max_size=4,
    ),
    detail=st.one_of(st.none(), st.sampled_from(["ASP", "TON", "WTDC-25", "LDC", "1"]), VALUES),
)
def test_random_query_strings_never_answer_500(api_token_secret, name, query, detail):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_secret}")
    url = f"{API}/{name}/" + ("" if detail is None else f"{quote(detail, safe='')}/")

    response = client.get(url, query)

    assert response.status_code in (200, 400, 404), (url, query, response.status_code)
    if response.status_code == 200 and detail is None:
        assert set(response.json()) == {"count", "next", "previous", "results"}


@pytest.fixture
def api_token_secret(viewer):
    return ApiToken.objects.issue(viewer, "Fuzzing")[1]
