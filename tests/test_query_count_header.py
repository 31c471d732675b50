"""The X-Query-Count header (config/middleware.py): with QUERY_COUNT_HEADER on, each response
says how many SQL queries its request made, for the benchmark; off, nothing is added."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting(settings):
    settings.QUERY_COUNT_HEADER = True


def get_counting_queries(client, path):
    """GET `path`; the response and the queries made until it was returned."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, len(queries)


@pytest.mark.parametrize("path", ["/", "/activities/", "/dashboard/ASP/?year=2026"])
def test_it_counts_the_queries_of_the_request(counting, client, viewer, path):
    ActivityFactory.create_batch(3, countries=["TON"], expected_results=["ASP1.3"])
    client.force_login(viewer)

    response, made = get_counting_queries(client, path)

    assert response.status_code == 200
    assert made > 0
    assert response["X-Query-Count"] == str(made)


def test_it_counts_each_request_on_its_own(counting, client, viewer):
    client.force_login(viewer)
    client.get("/activities/")

    response, made = get_counting_queries(client, "/password/change/")
    anonymous = client.__class__().get("/login/")

    assert response["X-Query-Count"] == str(made)
    assert anonymous["X-Query-Count"] == "0"  # the login page reads no table


def test_a_streamed_response_counts_the_queries_made_before_it_is_returned(
    counting, client, viewer
):
    ActivityFactory.create_batch(3, countries=["TON"], expected_results=["ASP1.3"])
    client.force_login(viewer)

    response, made = get_counting_queries(client, "/activities/export.csv")
    with CaptureQueriesContext(connection) as while_streaming:
        body = b"".join(response.streaming_content)

    assert response["X-Query-Count"] == str(made)
    assert len(while_streaming) > 0  # the rows are read as they are sent, not counted
    assert body.count(b"\n") == 4  # the header and three activities


def test_it_adds_nothing_when_off(settings, client, viewer):
    settings.QUERY_COUNT_HEADER = False
    client.force_login(viewer)

    response = client.get("/activities/")

    assert response.status_code == 200
    assert "X-Query-Count" not in response
