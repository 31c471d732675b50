"""/healthz answers a load balancer: 200 after a real database query, 503 when it fails."""

from unittest import mock

from django.db import OperationalError


def test_it_answers_ok_without_a_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_queries_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/healthz")


def test_it_answers_503_when_the_database_is_down(client, db):
    with mock.patch("config.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_it_accepts_only_get(client, db):
    assert client.post("/healthz").status_code == 405
