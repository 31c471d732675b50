"""Every error of the REST API is a problem (RFC 9457, application/problem+json): its status,
the status's phrase as title, what went wrong in words, the errors of each field for invalid
input, the changes made meanwhile for a conflict; a 401 says how to authenticate
(WWW-Authenticate), a 429 when to try again (Retry-After). An unknown path under the API is a
404 problem, signed in or not.

The endpoints are those of tests/api/urls_for_tests.py: /test-api/raise/<problem>/ raises the
exception named, /test-api/echo/ reads and writes as the API's endpoints do.
"""

import datetime
from http import HTTPStatus

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from activities.api import problems
from activities.api.auth import TokenRateThrottle
from activities.models import ApiToken

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_for_tests")]

ECHO = "/test-api/echo/"


def assert_problem(response, status):
    """Check that `response` is a problem of `status`, and return its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "about:blank"
    assert body["title"] == HTTPStatus(status).phrase
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def raised(problem, client=None):
    return (client or APIClient()).get(f"/test-api/raise/{problem}/")


@pytest.fixture
def api(asp_editor):
    """An API client with a token of the Asia-Pacific editor."""
    _, token = ApiToken.objects.issue(asp_editor, "Tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_invalid_json_is_a_400_problem(api):
    response = api.post(ECHO, "{not json", content_type="application/json")

    body = assert_problem(response, 400)
    assert body["detail"].startswith("JSON parse error")


def test_a_validation_error_lists_the_errors_of_each_field():
    body = assert_problem(raised("drf-field-errors"), 400)

    assert body["detail"] == "What was sent is not valid: see “errors”, field by field."
    assert body["errors"] == {
        "title": ["This field is required."],
        "year": ["A year from 2000 to 2100."],
    }


def test_a_validation_error_of_no_field_is_a_non_field_error():
    body = assert_problem(raised("drf-message"), 400)

    assert body["errors"] == {"non_field_errors": ["Nothing to import."]}


def test_django_validation_errors_are_400_problems_with_their_fields():
    body = assert_problem(raised("django-field-errors"), 400)

    assert body["errors"] == {
        "end_date": ["The end is before the start."],
        "non_field_errors": ["An activity of this title exists already."],
    }


def test_a_django_validation_error_of_no_field_is_a_non_field_error():
    body = assert_problem(raised("django-message"), 400)

    assert body["errors"] == {"non_field_errors": ["This activity is archived."]}


def test_no_credentials_is_a_401_problem_with_the_header_naming_bearer():
    response = APIClient().get(ECHO)

    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "Authorization: Bearer rit_…" in body["detail"]


def test_a_bad_token_is_a_401_problem_with_the_header():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer rit_nothing")

    response = client.get(ECHO)

    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "make a new one on the page “API tokens”" in body["detail"]


def test_django_permission_denied_is_a_403_problem_with_its_message():
    body = assert_problem(raised("django-403"), 403)

    assert body["detail"] == "Only Asia-Pacific's editors change this."


def test_a_drf_permission_refusal_is_a_403_problem(asp_editor):
    _, token = ApiToken.objects.issue(asp_editor, "Dashboard", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    body = assert_problem(client.post(ECHO, {}, format="json"), 403)

    assert "read-only" in body["detail"]


def test_django_http404_is_a_404_problem_with_its_message():
    body = assert_problem(raised("django-404"), 404)

    assert body["detail"] == "No activity has this id."


def test_drf_not_found_is_a_404_problem():
    body = assert_problem(raised("no-such-problem"), 404)

    assert body["detail"] == "No test problem “no-such-problem”."


def test_a_method_not_allowed_is_a_405_problem_with_allow(api):
    response = api.put("/test-api/raise/conflict/", {}, format="json")

    body = assert_problem(response, 405)
    assert body["detail"] == 'Method "PUT" not allowed.'
    assert "GET" in response["Allow"] and "PUT" not in response["Allow"]


def test_an_unacceptable_accept_header_is_a_406_problem(api):
    response = api.get(ECHO, HTTP_ACCEPT="text/html")

    body = assert_problem(response, 406)
    assert body["detail"] == "Could not satisfy the request Accept header."


def test_an_unsupported_media_type_is_a_415_problem(api):
    response = api.post(ECHO, "title=x", content_type="application/x-www-form-urlencoded")

    body = assert_problem(response, 415)
    assert "application/x-www-form-urlencoded" in body["detail"]


def test_too_many_requests_is_a_429_problem_with_retry_after(monkeypatch, api):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "1/minute"})
    assert api.get(ECHO).status_code == 200

    response = api.get(ECHO)

    body = assert_problem(response, 429)
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 60
    assert body["detail"] == f"Too many requests: try again in {seconds} seconds."


def test_a_conflict_is_a_409_problem_with_the_changes_and_the_current_version():
    body = assert_problem(raised("conflict"), 409)

    assert body["detail"] == "Someone else saved this since you read it: nothing was saved."
    assert body["changes"] == [
        {"field": "title", "before": "Spectrum", "after": "Spectrum training"}
    ]
    assert body["current_version"] == 4


def test_a_conflict_keeps_its_own_words_and_its_changes_as_json():
    conflict = problems.Conflict(
        "Ana changed the dates.",
        changes=[{"field": "end_date", "before": None, "after": datetime.date(2026, 1, 2)}],
        current_version=7,
    )

    response = problems.exception_handler(conflict, {})

    assert response.status_code == 409
    assert JSONRenderer().render(response.data).decode() == (
        '{"type":"about:blank","title":"Conflict","status":409,"detail":"Ana changed the dates.",'
        '"changes":[{"field":"end_date","before":null,"after":"2026-01-02"}],"current_version":7}'
    )


def test_a_conflict_without_changes_has_an_empty_list():
    response = problems.exception_handler(problems.Conflict(), {})

    assert response.data["changes"] == []
    assert response.data["current_version"] is None


def test_an_error_of_the_code_is_left_to_the_500_page():
    assert problems.exception_handler(ZeroDivisionError(), {}) is None


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_an_unknown_path_is_a_404_problem_without_a_login(method):
    # A plain Django view: no token, no session, no CSRF token, and still the problem.
    client = APIClient(enforce_csrf_checks=True)

    response = getattr(client, method)("/test-api/no/such/thing/")

    body = assert_problem(response, 404)
    assert "/api/v1/schema/" in body["detail"]


def test_an_unknown_path_is_a_404_problem_for_a_signed_in_user_too(api):
    assert_problem(api.get("/test-api/nothing/"), 404)
