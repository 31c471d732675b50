"""Every request has an id: the proxy's X-Request-ID when it is a sane token, else a new one;
it goes back in the response and on every log line made while the request is handled."""

import io
import logging
import re

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from config.logging import RequestIdFilter

logger = logging.getLogger("tests.request_id")


@login_not_required
def logging_view(request):
    logger.warning("A line about this request")
    return HttpResponse("ok")


urlpatterns = [path("logs/", logging_view)]

pytestmark = pytest.mark.django_db


def test_it_keeps_the_id_the_proxy_sent(client):
    response = client.get("/login/", headers={"X-Request-ID": "lb-7f3a.9_c-01"})

    assert response["X-Request-ID"] == "lb-7f3a.9_c-01"
    assert response.wsgi_request.request_id == "lb-7f3a.9_c-01"


def test_it_makes_one_when_none_was_sent(client):
    first = client.get("/login/")["X-Request-ID"]
    second = client.get("/login/")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize(
    "garbage",
    ["", "x" * 65, "abc def", "abc\tforged=1", "<script>", "é-accent", "a;b"],
    ids=["empty", "too-long", "space", "tab", "markup", "non-ascii", "semicolon"],
)
def test_it_replaces_an_id_that_is_not_a_sane_token(client, garbage):
    response = client.get("/login/", headers={"X-Request-ID": garbage})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_refused_and_redirected_requests_carry_it_too(client):
    response = client.get("/activities/", headers={"X-Request-ID": "abc"})

    assert response.status_code == 302  # to the login page
    assert response["X-Request-ID"] == "abc"


@override_settings(ROOT_URLCONF=__name__)
def test_a_log_line_made_in_a_view_shows_the_id(client, caplog):
    # The stderr handler of settings.LOGGING, writing to a buffer for the test.
    (handler,) = [h for h in logging.getLogger().handlers if h.name == "stderr"]
    buffer = io.StringIO()
    stream = handler.setStream(buffer)
    try:
        client.get("/logs/", headers={"X-Request-ID": "req-42"})
        logger.warning("A line outside any request")
    finally:
        handler.setStream(stream)

    inside, outside = buffer.getvalue().splitlines()
    assert "request_id=req-42 A line about this request" in inside
    assert "request_id=- A line outside any request" in outside
    assert [record.request_id for record in caplog.records] == ["req-42", "-"]


def test_django_s_own_line_about_a_404_shows_the_id(client, caplog):
    # Django writes it after the middleware chain has returned, as the response goes out.
    client.get("/login/no-such-page/", headers={"X-Request-ID": "req-404"})

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /login/no-such-page/"
    assert record.request_id == "req-404"


def test_the_filter_gives_a_record_outside_a_request_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "message", None, None)

    assert RequestIdFilter().filter(record) is True
    assert record.request_id == "-"
