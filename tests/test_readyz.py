"""/readyz answers a load balancer or a deploy: 200 once the database answers, every
migration is applied and the cache answers, 503 saying which is not so."""

from unittest import mock

from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder


def test_it_answers_ok_without_a_login(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_migration_not_applied_makes_it_not_ready(client, db):
    # As if the code of a new release were deployed before its migration ran: the database
    # does not record the latest migration of activities.
    recorder = MigrationRecorder(connection)
    latest = (
        recorder.migration_qs.filter(app="activities").order_by("-applied", "-name").first().name
    )
    recorder.record_unapplied("activities", latest)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "migrations": "1 not applied"}

    recorder.record_applied("activities", latest)
    assert client.get("/readyz").status_code == 200


def test_it_answers_503_when_the_database_is_down(client, db):
    with mock.patch("config.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unavailable",
        "migrations": "unknown",
    }


def test_it_accepts_only_get(client, db):
    assert client.post("/readyz").status_code == 405


def test_it_answers_503_when_the_cache_does_not_answer(client, db, settings):
    """The database cache without its table (`createcachetable` not run), say."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        }
    }
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "migrations": "ok",
        "cache": "unavailable",
    }


def test_with_the_cache_off_it_is_ready_and_says_so(client, db, settings):
    """CACHE_URL=dummy:// (the benchmark's cold runs) has no cache to ask."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "cache": "off"}
