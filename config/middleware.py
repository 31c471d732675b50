"""Middleware that belongs to no domain app: the request id, and the query count of the
benchmark."""

import re
import uuid

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.signals import request_finished
from django.db import connection

from config.logging import NO_REQUEST, request_id

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's or a load balancer's id may look like to be kept: short, and nothing that
# could forge a log line or a header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def forget_request_id(**kwargs):
    """The request is over (its response closed): log lines no longer belong to it."""
    request_id.set(NO_REQUEST)


class RequestIdMiddleware:
    """Gives each request an id: the proxy's `X-Request-ID` when it is a sane token, else a new
    one (uuid4, hex). The id is `request.request_id`, is on every log record made while the
    request is handled (see config/logging.py) and goes back in the `X-Request-ID` header, so a
    user's error, the access log and the application log can be matched up.

    First in MIDDLEWARE, so that what every other middleware logs carries the id too. The id is
    kept until the response is closed (`request_finished`), not just until this middleware
    returns: Django logs a 4xx or 5xx response ("Not Found: /x") after the middleware chain.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        request_finished.connect(forget_request_id, dispatch_uid="config.forget_request_id")

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request_id.set(request.request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


QUERY_COUNT_HEADER = "X-Query-Count"


class QueryCountMiddleware:
    """Puts the number of SQL queries made while handling the request in the `X-Query-Count`
    response header, for the benchmark (bench/bench.py) to report queries per page.

    Only when settings.QUERY_COUNT_HEADER is on; otherwise Django leaves it out of the chain at
    start-up (MiddlewareNotUsed), so it costs nothing. It counts the queries of the default
    database connection, the other middleware's included (it comes right after
    RequestIdMiddleware). A streaming response (the CSV export) makes its queries while it is
    sent, after this middleware returns: for it, the header counts only those made before.
    """

    def __init__(self, get_response):
        if not settings.QUERY_COUNT_HEADER:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(counter.count)
        return response


class QueryCounter:
    """A database execute wrapper that counts the queries (an executemany counts once)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class PrivateByDefaultMiddleware:
    """`Cache-Control: no-store, private` on every response of the application that does not
    say otherwise: its pages and downloads are for the signed-in person only, so neither a
    shared proxy nor the browser's disk may keep them (a shared computer's "back" button after
    sign-out, a CSV in a proxy's cache). Static files are served before this (WhiteNoise) and
    keep their long cache; a view that sets its own Cache-Control (the admin's never_cache)
    keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response
