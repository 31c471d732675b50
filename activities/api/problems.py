"""Errors of the REST API as problem details (RFC 9457, `application/problem+json`):

    {"type": "about:blank", "title": "Bad Request", "status": 400,
     "detail": "What was sent is not valid: see “errors”, field by field.",
     "errors": {"title": ["This field is required."], "non_field_errors": ["…"]}}

`exception_handler` (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]) answers so for Django REST
framework's exceptions and for Django's Http404, PermissionDenied and ValidationError, which a
model's `full_clean` or a service raises; `not_found` answers so for paths under /api/v1/ that
lead nowhere. `Conflict` (409) is an edit made on a version that someone else changed since.
"""

import math
from http import HTTPStatus

from django.contrib.auth.decorators import login_not_required
from django.core import exceptions as django_exceptions
from django.http import Http404, HttpResponse
from django.template.defaultfilters import pluralize
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

PROBLEM_JSON = "application/problem+json"

INVALID = "What was sent is not valid: see “errors”, field by field."
NOT_AUTHENTICATED = (
    "Send your personal token with each request: “Authorization: Bearer rit_…” (make one on the "
    "page “API tokens”)."
)


class Conflict(exceptions.APIException):
    """A write based on a version that someone else has changed since: nothing was saved.

    `changes`: what they changed, e.g. [{"field": "title", "before": "…", "after": "…"}];
    `current_version`: the version to read again before writing. Both go into the problem.
    """

    status_code = 409
    default_detail = "Someone else saved this since you read it: nothing was saved."
    default_code = "conflict"

    def __init__(self, detail=None, code=None, *, changes=None, current_version=None):
        super().__init__(detail, code)
        self.changes = changes if changes is not None else []
        self.current_version = current_version


def problem(status, detail, **members):
    """The body of a problem: the HTTP `status`, its phrase as title, what went wrong in words
    (`detail`), and any other members (`errors`, `changes`…)."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        **members,
    }


def errors_by_field(detail):
    """{field or "non_field_errors": [messages]} from a validation error's detail: a list of
    messages (errors of no field in particular) or a dict (a field's value may be one message,
    a list, or the errors of a nested object)."""
    if isinstance(detail, dict):
        return {
            field: [messages] if isinstance(messages, str) else messages
            for field, messages in detail.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: list(detail)}


def django_errors_by_field(error):
    """The same from Django's ValidationError, its NON_FIELD_ERRORS ("__all__") renamed."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(error, "error_dict"):
        return {non_field: error.messages}
    return {
        non_field if field == django_exceptions.NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }


def exception_handler(exc, context):
    """The problem for an exception raised in an API view; None (a 500, logged) for an
    exception that is not an error of the request but of the code."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, django_exceptions.PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, django_exceptions.ValidationError):
        body = problem(400, INVALID, errors=django_errors_by_field(exc))
        set_rollback()
        return Response(body, status=400, content_type=PROBLEM_JSON)
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    members = {}
    detail = exc.detail
    if isinstance(detail, dict | list):
        members["errors"] = errors_by_field(detail)
        detail = INVALID
    if isinstance(exc, exceptions.NotAuthenticated):
        detail = NOT_AUTHENTICATED
    # DRF's handle_exception gives a 401 the header naming how to authenticate.
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        seconds = max(1, math.ceil(exc.wait))
        headers["Retry-After"] = str(seconds)
        detail = f"Too many requests: try again in {seconds} second{pluralize(seconds)}."
    if isinstance(exc, Conflict):
        members["changes"] = exc.changes
        members["current_version"] = exc.current_version

    set_rollback()
    return Response(
        problem(exc.status_code, detail, **members),
        status=exc.status_code,
        headers=headers,
        content_type=PROBLEM_JSON,
    )


@login_not_required  # a program gets its 404 as a problem, not the login page
@csrf_exempt  # changes nothing; a program sends no CSRF token, and must get the 404 itself
def not_found(request, *args, **kwargs):
    """A 404 problem for any path under /api/v1/ that no endpoint answers, whatever the
    method."""
    body = problem(
        404, "There is nothing at this address: the API's schema, /api/v1/schema/, lists its URLs."
    )
    return HttpResponse(JSONRenderer().render(body), status=404, content_type=PROBLEM_JSON)
