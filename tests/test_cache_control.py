"""Nothing the application answers is kept by a browser's disk or a shared proxy: pages and
downloads carry `Cache-Control: no-store, private` (config.middleware.PrivateByDefaultMiddleware),
and the admin keeps its own, as strict, never_cache header."""

import pytest

from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/activities/",
        "/activities/export.csv",
        "/activities/export.xlsx",
        "/activities/import/template.xlsx",
        "/dashboard/ASP/",
        "/dashboard/ASP/tables/results.xlsx",
        "/reports/ASP/2026/",
        "/reports/ASP/2026/report.xlsx",
        "/reports/ASP/2026/report.docx",
        "/admin/",
    ],
)
def test_signed_in_pages_and_downloads_are_never_stored(client, asp_editor, url):
    ActivityFactory()
    client.force_login(asp_editor)
    asp_editor.is_staff = url.startswith("/admin/")
    asp_editor.save()
    response = client.get(url)
    assert response.status_code == 200, url
    assert {"no-store", "private"} <= directives(response)


def test_an_activitys_page_is_never_stored(client, viewer):
    activity = ActivityFactory()
    client.force_login(viewer)
    response = client.get(activity.get_absolute_url())
    assert {"no-store", "private"} <= directives(response)


def test_the_login_page_is_not_stored_either(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert {"no-store", "private"} <= directives(response)
