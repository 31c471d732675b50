"""Views that belong to no domain app: liveness (`/healthz`), readiness (`/readyz`) and the
500 page (`server_error`, the project's handler500)."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
    started before `migrate` ran, or with a database that does not answer, takes no traffic)."""
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
