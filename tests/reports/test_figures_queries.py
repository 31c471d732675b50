"""A region's figures take a fixed number of SQL queries, whatever the number of activities: the
same with 10 as with 200 (no query in a loop), for one region and for all regions at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import ActionPlan, Region
from reports.queries.region import all_region_figures, region_figures
from tests.reports.dashboard_pages import add_activities

pytestmark = pytest.mark.django_db

# Every figure of a region: 1 for the ids of the plan's expected results of the region, 3 for the
# activities' rows, 2 for the initiatives and their results, 2 for the countries and their
# designations, 1 each for percent complete, funding and people reached, 2 for the stale
# activities (their count and the first ones); 3 for the indicators of the expected results,
# their targets and the approved reports of people reached (the JSON's; 3 more, the same
# whatever the data, once a reported indicator has approved values: the values, their
# activities' countries and their breakdowns); 1 for the country groups the region offers;
# 4 for the financial table (budget, expenditure, the earlier results the plan's continue,
# the exchange rates).
REGION_FIGURES_QUERIES = 21
# All regions at once: the same rows, initiatives and countries, fetched once for all of them;
# the indicators, their targets, the reports of people reached and the financial table (with
# the ids of the region's expected results) are fetched per region (8 for each region with
# initiatives: Asia-Pacific only in the fixtures); the country groups once.
ALL_REGION_FIGURES_QUERIES = 17


def count_queries(compute, *args):
    with CaptureQueriesContext(connection) as queries:
        compute(*args)
    return len(queries)


@pytest.fixture
def asp():
    return Region.objects.get(code="ASP")


@pytest.fixture
def plan():
    return ActionPlan.objects.get(code="WTDC-25")


def every_region_figure(region, plan):
    """Every figure of `region`'s dashboard for 2026, as the page, the JSON and the report read
    them."""
    figs = region_figures(region, plan, 2026)
    for row in figs.matrix:
        for cell in row.cells:
            cell.activities  # noqa: B018
    figs.activities_by_status  # noqa: B018
    figs.coverage  # noqa: B018
    figs.group_reach  # noqa: B018
    figs.finances.lines()
    figs.people_reached  # noqa: B018
    figs.stale  # noqa: B018
    return figs.as_json() | {"total": figs.activities_total.value}


def every_region_figures_of_all_regions(plan):
    """What the all-regions page reads of each region."""
    summary = []
    for figs in all_region_figures(plan, 2026):
        figs.matrix  # noqa: B018
        summary.append(figs.as_json() | {"total": figs.activities_total.value})
    return summary


def test_region_figures_take_as_many_queries_with_200_activities_as_with_10(asp, plan):
    add_activities(10)
    with_10 = count_queries(every_region_figure, asp, plan)
    assert every_region_figure(asp, plan)["total"] == 10

    add_activities(190)
    with_200 = count_queries(every_region_figure, asp, plan)

    assert every_region_figure(asp, plan)["total"] == 200
    assert with_200 == with_10 <= REGION_FIGURES_QUERIES


def test_all_region_figures_take_as_many_queries_with_200_activities_as_with_10(plan):
    add_activities(10)
    with_10 = count_queries(every_region_figures_of_all_regions, plan)

    add_activities(190)
    with_200 = count_queries(every_region_figures_of_all_regions, plan)

    assert every_region_figures_of_all_regions(plan)[0]["total"] == 200
    assert with_200 == with_10 <= ALL_REGION_FIGURES_QUERIES
