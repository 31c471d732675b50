"""The custom error pages, as production shows them (DEBUG off): 403, 404 and 500 render
without failing themselves, and say what happened in words."""

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from tests.factories import ActivityFactory


def broken_view(request):
    raise RuntimeError("A bug")


urlpatterns = [path("broken/", broken_view), path("", include("config.urls"))]

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
