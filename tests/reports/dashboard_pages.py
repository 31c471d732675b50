"""What the tests of the dashboard pages share: reading numbers off a page as a person sees
them, many varied activities for the query counts, and the count of a page's queries."""

import datetime
import itertools

import lxml.html
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity
from initiatives.models import Country, ExpectedResult
from tests.factories import ActivityFactory, ProgressReportFactory, approved_report


def page_tree(response):
    """The page of `response` as an lxml tree, for XPath."""
    return lxml.html.fromstring(response.content.decode())


def text(element):
    """An element's text as shown: whitespace collapsed."""
    return " ".join(element.text_content().split())


def numbers(element):
    """The numbers an element shows as links, in order, as ints ("1,490" → 1490)."""
    return [int(text(a).replace(",", "")) for a in element.xpath(".//a[@class='figure-link']")]


def links(element):
    """The targets of the number links of an element, in order."""
    return [a.get("href") for a in element.xpath(".//a[@class='figure-link']")]


def add_activities(count):
    """`count` varied Asia-Pacific activities counted in 2026: one to three countries and
    expected results each, every counted status, several funding sources, approved reports
    and drafts."""
    countries = list(Country.objects.filter(region__code="ASP").values_list("iso3", flat=True))
    results = [r.code for r in ExpectedResult.objects.filter(initiative__region__code="ASP")]
    statuses = itertools.cycle(Activity.COUNTED_STATUSES)
    funding = itertools.cycle(Activity.FundingSource.values)
    start = Activity.objects.count()
    for n in range(start, start + count):
        activity = ActivityFactory(
            status=next(statuses),
            countries=[countries[(n + k * 7) % len(countries)] for k in range(n % 3 + 1)],
            expected_results=[results[(n + k * 5) % len(results)] for k in range(n % 3 + 1)],
            budget=(1000 + n, next(funding), "EUR" if n % 4 == 0 else "USD"),
            start_date=datetime.date(2026, 1 + n % 12, 1),
            end_date=None,
        )
        if n % 2:
            approved_report(activity, 2026, 1 + n % 3, percent_complete=n % 101)
        if n % 5 == 0:
            ProgressReportFactory(activity=activity, year=2026, quarter=4)  # a draft


def queries_of(client, url):
    """How many SQL queries GET `url` takes, after checking that it answers 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def get_with_as_many_queries_at_200_activities_as_at_10(client, url, assert_num_queries):
    """GET `url` with 200 varied activities, asserting that it takes as many queries as with
    10 (pytest-django's `django_assert_num_queries` is `assert_num_queries`); the response."""
    add_activities(10)
    with_10 = queries_of(client, url)
    add_activities(190)
    with assert_num_queries(with_10):
        response = client.get(url)
    assert Activity.objects.count() == 200
    return response


def assert_needs_login(client, url):
    """An anonymous visitor of `url` is sent to the login page."""
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def build_asp_2026():
    """Asia-Pacific activities whose 2026 figures are known (the tests state them), by name.

    planned (Dec 2026, PNG, ASP3.1), ongoing (TON+FJI, ASP1.3+ASP3.4, approved 40%, 25 women
    and 10 men), suspended (KIR, ASP1.3), completed (LAO+KHM, ASP2.1, EUR, approved 100%, 9
    women), stale (ongoing since 2020 in AFG, ASP4.1, never reported), cancelled (MMR, ASP5.1,
    never counts). 5 count; 4 expected results covered; 5 countries reached: LDC LAO, KHM,
    AFG; SIDS TON, FJI; LLDC LAO, AFG. Kiribati (LDC and SIDS) is not reached: suspended.
    """
    day = datetime.date
    funding = Activity.FundingSource
    activities = {
        "planned": ActivityFactory(
            title="Planned PNG spectrum study",
            status=Activity.Status.PLANNED,
            countries=["PNG"],
            expected_results=["ASP3.1"],
            budget=(5000, funding.REGULAR_BUDGET),
            start_date=day(2026, 12, 1),
            end_date=day(2027, 6, 30),
        ),
        "ongoing": ActivityFactory(
            title="Pacific cable resilience",
            countries=["TON", "FJI"],
            expected_results=["ASP1.3", "ASP3.4"],
            budget=(120_000, funding.ICT_DF),
        ),
        "suspended": ActivityFactory(
            title="Kiribati connectivity",
            status=Activity.Status.SUSPENDED,
            countries=["KIR"],
            expected_results=["ASP1.3"],
        ),
        "completed": ActivityFactory(
            title="Mekong digital skills",
            status=Activity.Status.COMPLETED,
            countries=["LAO", "KHM"],
            expected_results=["ASP2.1"],
            budget=(80_000, funding.EXTRA_BUDGETARY, "EUR"),
        ),
        "stale": ActivityFactory(
            title="Afghanistan emergency telecoms",
            countries=["AFG"],
            expected_results=["ASP4.1"],
            start_date=day(2020, 1, 1),
            end_date=None,
        ),
        "cancelled": ActivityFactory(
            title="Myanmar cancelled plan",
            status=Activity.Status.CANCELLED,
            countries=["MMR"],
            expected_results=["ASP5.1"],
        ),
    }
    approved_report(
        activities["ongoing"],
        2026,
        2,
        percent_complete=40,
        people_reached_women=25,
        people_reached_men=10,
    )
    approved_report(
        activities["completed"],
        2026,
        3,
        percent_complete=100,
        people_reached_women=9,
        people_reached_men=0,
    )
    ProgressReportFactory(
        activity=activities["ongoing"],
        year=2026,
        quarter=3,
        percent_complete=90,
        people_reached_women=99,
    )  # a draft
    return activities
