"""Views that belong to no domain app: liveness (`/healthz`), readiness (`/readyz`), the
Content-Security-Policy's report endpoint (`/csp-report/`) and the 500 page (`server_error`,
the project's handler500)."""

import json
import logging

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from config.logging import NO_REQUEST, request_id

logger = logging.getLogger(__name__)

READY_KEY = "readyz"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 200 when the database answers a query, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
@never_cache
@require_GET
def readyz(request):
    """Readiness for load balancers and deploys: 200 when the database answers, every
    migration on disk is applied to it and the cache answers (with the database cache: its
    table made by `createcachetable`), 503 naming the check that failed otherwise (a process
    started before `migrate` ran, or with a database that does not answer, takes no traffic).
    With the cache off (CACHE_URL=dummy://), there is no cache to ask: "cache": "off"."""
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        logger.exception("Readiness check: the database does not answer")
        return JsonResponse(
            {"status": "error", "database": "unavailable", "migrations": "unknown"}, status=503
        )
    if unapplied:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in unapplied)
        logger.error("Readiness check: %d migrations not applied: %s", len(unapplied), names)
        return JsonResponse(
            {"status": "error", "database": "ok", "migrations": f"{len(unapplied)} not applied"},
            status=503,
        )
    if isinstance(caches["default"], DummyCache):
        return JsonResponse({"status": "ok", "database": "ok", "migrations": "ok", "cache": "off"})
    try:
        cache.set(READY_KEY, "ok", timeout=10)
        cache_ok = cache.get(READY_KEY) == "ok"
    except Exception:  # each backend raises its own errors (Redis, the database's)
        logger.exception("Readiness check: the cache does not answer")
        cache_ok = False
    if not cache_ok:
        return JsonResponse(
            {"status": "error", "database": "ok", "migrations": "ok", "cache": "unavailable"},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", "migrations": "ok", "cache": "ok"})


# --- Content-Security-Policy reports -----------------------------------------------------------

csp_logger = logging.getLogger("csp")

CSP_REPORT_MAX_BYTES = 16 * 1024  # a browser's report is 1-2 KB; a batch of a few fits
CSP_REPORTS_LOGGED_AT_MOST = 20  # of one request: a batch cannot flood the log
CSP_VALUE_MAX_CHARS = 200  # of each value logged
# report-uri's reports ({"csp-report": {...}}) and the Reporting API's ([{"type": ..., "body":
# {...}}, ...]); some browsers send the former as plain JSON.
CSP_REPORT_TYPES = {"application/csp-report", "application/json", "application/reports+json"}


class BadReport(ValueError):
    """The body is not a report of either format."""


def violations_in(payload, content_type):
    """The violations of a report, each as (directive, blocked URI, document URI, source):
    one of report-uri's format, or those of a Reporting API batch (application/reports+json;
    its reports of other types, such as deprecations, are left out). BadReport if the payload
    is not of its content type's format or a violation names no directive."""
    violations = []
    if content_type != "application/reports+json":
        report = payload.get("csp-report") if isinstance(payload, dict) else None
        if not isinstance(report, dict):
            raise BadReport("not a report-uri report")
        violations.append(
            (
                report.get("effective-directive") or report.get("violated-directive"),
                report.get("blocked-uri"),
                report.get("document-uri"),
                (report.get("source-file"), report.get("line-number")),
            )
        )
    else:
        if not isinstance(payload, list):
            raise BadReport("not a Reporting API batch")
        for report in payload:
            if not isinstance(report, dict) or not isinstance(report.get("body"), dict):
                raise BadReport("a Reporting API report without a body")
            if report.get("type") != "csp-violation":
                continue
            body = report["body"]
            violations.append(
                (
                    body.get("effectiveDirective"),
                    body.get("blockedURL"),
                    body.get("documentURL") or report.get("url"),
                    (body.get("sourceFile"), body.get("lineNumber")),
                )
            )
    if not all(directive for directive, *_ in violations):
        raise BadReport("a violation without a directive")
    return violations


def loggable(value):
    """`value` fit for one log line: text, at most CSP_VALUE_MAX_CHARS long, without line
    breaks or other control characters (which would forge log lines)."""
    if isinstance(value, tuple):  # (source file, line number)
        file, line = value
        return f"{loggable(file)}:{loggable(line)}" if file else "-"
    if value is None or value == "":
        return "-"
    text = str(value)
    shortened = text[:CSP_VALUE_MAX_CHARS] + ("…" if len(text) > CSP_VALUE_MAX_CHARS else "")
    return "".join(char if char.isprintable() else "?" for char in shortened)


@login_not_required
@csrf_exempt
@require_POST
def csp_report(request):
    """Log the violations of the Content-Security-Policy that browsers report (the policy's
    `report-uri`): one WARNING per violation on the "csp" logger, with the directive, the
    blocked URI and the page. Anyone may post here, so the body is capped and checked: too big
    413, not a report 400, another content type 415; 204 when logged."""
    if request.content_type not in CSP_REPORT_TYPES:
        return HttpResponse("Not a CSP report.", status=415, content_type="text/plain")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = request.read(CSP_REPORT_MAX_BYTES + 1) if declared <= CSP_REPORT_MAX_BYTES else b""
    if declared > CSP_REPORT_MAX_BYTES or len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse("Report too large.", status=413, content_type="text/plain")
    try:
        violations = violations_in(json.loads(body), request.content_type)
    except (ValueError, RecursionError):  # bad JSON or UTF-8 (both ValueErrors), BadReport
        return HttpResponse("Not a CSP report.", status=400, content_type="text/plain")
    for directive, blocked, document, source in violations[:CSP_REPORTS_LOGGED_AT_MOST]:
        csp_logger.warning(
            "CSP violation: directive=%s blocked=%s document=%s source=%s",
            loggable(directive),
            loggable(blocked),
            loggable(document),
            loggable(source),
        )
    return HttpResponse(status=204)


# What the 500 page falls back to when even templates/500.html cannot be rendered.
PLAIN_SERVER_ERROR = (
    "<!DOCTYPE html><title>Server error</title><h1>Something went wrong on our side</h1>"
    "<p>Quote this reference when you report the problem: {reference}</p>"
)


def server_error(request):
    """The 500 page (handler500): templates/500.html with the request's id, the one in the
    X-Request-ID header and on the log lines of the error, for the user to quote.

    It must not fail itself, whatever broke: the template is rendered alone, with no context
    processor (no user, no session, no database), and if even that fails, a plain page with
    the id is returned.
    """
    reference = getattr(request, "request_id", None) or request_id.get()
    if reference == NO_REQUEST:
        reference = ""
    try:
        body = loader.get_template("500.html").render({"request_id": reference})
    except Exception:
        logger.exception("The 500 page could not be rendered; a plain one is sent instead")
        body = PLAIN_SERVER_ERROR.format(reference=escape(reference) or "none")
    return HttpResponseServerError(body)
