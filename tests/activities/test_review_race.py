"""Two reviewers approving or returning the same report at the same moment: one wins, the other
is told what happened (never a 500), and the report holds the winner's review."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from activities.models import ProgressReport
from tests.conftest import LoginThrottledClient
from tests.factories import ProgressReportFactory, UserFactory

State = ProgressReport.State


def post_at_once(requests):
    """POST each (client, url, data) in its own thread, all released together; the responses
    in the same order."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def post(index, client, url, data):
        try:
            barrier.wait()
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


# Threads share the test database only through their own connections: PostgreSQL's row locks
# are what is tested. SQLite's in-memory test database locks whole tables between connections
# at once, without waiting, so the race cannot be run there.
pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs row locks: runs on PostgreSQL (.ci/run)"
)


@pytest.mark.parametrize(
    "moves", [("approve", "return"), ("approve", "approve"), ("return", "return")]
)
def test_the_second_of_two_reviewers_at_once_is_told_who_was_first(reference_data, moves):
    author = UserFactory(username="author", role="Editor", regions=["ASP"])
    reviewers = [
        UserFactory(username=f"reviewer{n}", role="Reviewer", regions=["ASP"]) for n in (1, 2)
    ]
    for _ in range(4):  # the loser's 500 came in about a third of the races
        report = ProgressReportFactory(
            author=author, state=State.SUBMITTED, submitted_at=timezone.now()
        )
        clients = []
        for reviewer in reviewers:
            client = LoginThrottledClient(raise_request_exception=False)
            client.force_login(reviewer)
            clients.append(client)
        url = f"/activities/{report.activity_id}/reports/{report.pk}/"
        responses = post_at_once(
            [
                (client, f"{url}{move}/", {"comment": "Looked at it."})
                for client, move in zip(clients, moves, strict=True)
            ]
        )
        won, lost = sorted(responses, key=lambda response: response.status_code)
        assert (won.status_code, lost.status_code) == (302, 400)
        report.refresh_from_db()
        winner = report.reviewer.username
        assert f"already {report.state} " in lost.content.decode()
        assert f"by {winner}" in lost.content.decode()
        assert report.history.filter(history_user=report.reviewer).count() == 1
