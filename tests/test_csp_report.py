"""The Content-Security-Policy's report endpoint (/csp-report/): browsers post the violations they
see, without a login, and each one is logged at WARNING on the "csp" logger; whatever else is
posted gets a 4xx answer, never a server error."""

import json
import logging

import pytest
from django.urls import reverse

from tests.test_security_headers import policy

pytestmark = pytest.mark.django_db

URL = "/csp-report/"

REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "https://tracker.example.org/activities/?q=Tonga",
        "referrer": "",
        "violated-directive": "style-src-attr",
        "effective-directive": "style-src-attr",
        "original-policy": "default-src 'self'; report-uri /csp-report/",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://tracker.example.org/activities/",
        "status-code": 200,
    }
}
REPORTING_API_BODY = [
    {
        "type": "csp-violation",
        "age": 10,
        "url": "https://tracker.example.org/dashboard/",
        "user_agent": "Mozilla/5.0",
        "body": {
            "documentURL": "https://tracker.example.org/dashboard/",
            "effectiveDirective": "script-src-elem",
            "blockedURL": "https://evil.example.com/x.js",
            "disposition": "enforce",
            "sourceFile": "https://tracker.example.org/dashboard/",
            "lineNumber": 3,
        },
    },
    {"type": "deprecation", "url": "https://tracker.example.org/", "body": {"id": "x"}},
]


def post(client, body, content_type="application/csp-report"):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(URL, data, content_type=content_type)


def csp_records(caplog):
    return [record for record in caplog.records if record.name == "csp"]


def test_it_is_named_csp_report():
    assert reverse("csp_report") == URL


def test_it_logs_a_report_uri_violation(client, caplog):
    with caplog.at_level(logging.INFO, logger="csp"):
        response = post(client, REPORT_URI_BODY)

    assert response.status_code == 204
    [record] = csp_records(caplog)
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "style-src-attr" in message
    assert "blocked=inline" in message
    assert "https://tracker.example.org/activities/?q=Tonga" in message


def test_it_logs_the_violations_of_a_reporting_api_batch(client, caplog):
    with caplog.at_level(logging.INFO, logger="csp"):
        response = post(client, REPORTING_API_BODY, content_type="application/reports+json")

    assert response.status_code == 204
    [record] = csp_records(caplog)  # the deprecation report is not a violation
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "script-src-elem" in message
    assert "https://evil.example.com/x.js" in message
    assert "https://tracker.example.org/dashboard/" in message


def test_it_truncates_long_values_and_keeps_one_line(client, caplog):
    body = {
        "csp-report": {
            "document-uri": "https://tracker.example.org/?" + "x" * 5000,
            "effective-directive": "img-src\nFAKE LOG LINE",
            "blocked-uri": "data",
        }
    }

    with caplog.at_level(logging.INFO, logger="csp"):
        response = post(client, body)

    assert response.status_code == 204
    [record] = csp_records(caplog)
    message = record.getMessage()
    assert "\n" not in message
    assert len(message) < 1000


def test_a_batch_logs_20_violations_at_most(client, caplog):
    batch = [REPORTING_API_BODY[0]] * 30

    with caplog.at_level(logging.INFO, logger="csp"):
        response = post(client, batch, content_type="application/reports+json")

    assert response.status_code == 204
    assert len(csp_records(caplog)) == 20


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/csp-report"),
        (b"\xff\xfe\x00garbage", "application/csp-report"),
        ("[1, 2, 3]", "application/csp-report"),
        ('{"csp-report": "a string"}', "application/csp-report"),
        ('{"something": "else"}', "application/csp-report"),
        ('{"csp-report": {}}', "application/reports+json"),
        ("[1, 2]", "application/reports+json"),
        ("  ", "application/csp-report"),
        ("[" * 15_000, "application/reports+json"),
        ('{"csp-report": {"blocked-uri": "inline"}}', "application/csp-report"),
        ('[{"type": "csp-violation", "body": {}}]', "application/reports+json"),
    ],
)
def test_garbage_is_a_bad_request_not_a_server_error(client, caplog, body, content_type):
    with caplog.at_level(logging.INFO, logger="csp"):
        response = post(client, body, content_type=content_type)

    assert response.status_code == 400
    assert csp_records(caplog) == []


def test_another_content_type_is_refused(client):
    response = post(client, "directive=script-src", content_type="text/plain")

    assert response.status_code == 415


def test_an_oversized_report_is_refused(client, caplog):
    body = {"csp-report": {**REPORT_URI_BODY["csp-report"], "script-sample": "x" * 20_000}}

    with caplog.at_level(logging.INFO, logger="csp"):
        response = post(client, body)

    assert response.status_code == 413
    assert csp_records(caplog) == []


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_allowed(client, method):
    response = getattr(client, method)(URL)

    assert response.status_code == 405


def test_it_needs_no_login_and_no_csrf_token(caplog):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.INFO, logger="csp"):
        response = post(client, REPORT_URI_BODY)

    assert response.status_code == 204
    assert len(csp_records(caplog)) == 1


def test_the_policy_names_the_report_endpoint(client):
    response = client.get(reverse("login"))

    assert policy(response)["report-uri"] == [URL]


def test_the_policys_report_uri_is_the_endpoints_address():
    from django.conf import settings
    from django.urls import reverse

    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] == [reverse("csp_report")]
