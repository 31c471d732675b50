"""The custom error pages, as production shows them (DEBUG off): 403, 404 and 500 render
without failing themselves, and say what happened in words; the 500 page gives the request's id
to quote."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path

from config import urls as project_urls
from config import views
from tests.factories import ActivityFactory


def broken_view(request):
    raise RuntimeError("A bug")


urlpatterns = [path("broken/", broken_view), path("", include("config.urls"))]
# The project's own 500 handler, as config/urls.py declares it.
handler500 = project_urls.handler500

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def test_a_missing_page_is_the_404_page(client, viewer):
    client.force_login(viewer)

    response = client.get("/activities/999999/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "There is no such page" in response.text
    assert "X-Request-ID" in response.headers


def test_a_forbidden_change_is_the_403_page(client, afr_editor):
    activity = ActivityFactory()
    client.force_login(afr_editor)

    response = client.get(f"/activities/{activity.pk}/edit/")

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "You cannot do this here" in response.text


@override_settings(ROOT_URLCONF=__name__)
def test_a_bug_is_the_500_page(viewer):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)

    response = client.get("/broken/", headers={"X-Request-ID": "bug-1"})

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    # The id to quote to the administrators, who find the traceback by it in the log.
    assert response["X-Request-ID"] == "bug-1"
    assert "Quote this reference when you report the problem: <strong>bug-1</strong>" in (
        response.text
    )


@override_settings(ROOT_URLCONF=__name__)
def test_the_500_page_shows_the_id_made_for_the_request(viewer, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)

    response = client.get("/broken/")

    assert response.status_code == 500
    made = response["X-Request-ID"]
    assert len(made) == 32
    assert f"<strong>{made}</strong>" in response.text
    # The same id as on the log line of the error.
    (error,) = [record for record in caplog.records if record.levelname == "ERROR"]
    assert error.request_id == made


def test_the_500_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/anything/")
    request.request_id = "no-db-1"

    with django_assert_num_queries(0):
        response = views.server_error(request)

    assert response.status_code == 500
    assert "<strong>no-db-1</strong>" in response.text


def test_the_500_page_is_plain_when_its_template_fails(monkeypatch):
    def broken_template(name):
        raise RuntimeError("The template directory is gone")

    monkeypatch.setattr(views.loader, "get_template", broken_template)
    request = RequestFactory().get("/anything/")
    request.request_id = "plain-1"

    response = views.server_error(request)

    assert response.status_code == 500
    assert "Quote this reference when you report the problem: plain-1" in response.text
