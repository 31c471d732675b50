"""The API's docs page (Swagger UI, /api/v1/docs/) works under the strict Content-Security-Policy:
a signed-in user opens it, sees the endpoints listed from the schema, opens one, and the browser
reports no violation of the policy."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.e2e.test_csp import csp_violations, settle  # noqa: F401 (a fixture)
from tests.factories import DEFAULT_PASSWORD


def test_the_docs_page_lists_the_endpoints_without_breaking_the_policy(
    page,
    live_server,
    login,
    reference_data,
    csp_violations,  # noqa: F811
):
    factories.UserFactory(username="viewer", role="Viewer")
    login(page, live_server, "viewer", DEFAULT_PASSWORD)

    response = page.goto("/api/v1/docs/")

    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    expect(
        page.get_by_role("heading", name=re.compile("Regional Initiatives Tracker API"))
    ).to_be_visible()
    figures = page.locator(
        ".opblock-summary-path", has_text="/api/v1/regions/{region_code}/figures/"
    )
    expect(figures).to_be_visible()
    for path in ("/api/v1/regions/", "/api/v1/countries/{iso3}/", "/api/v1/targets/"):
        expect(page.locator(f".opblock-summary-path[data-path='{path}']")).to_be_visible()

    figures.click()  # opens the operation: its parameters, as the schema documents them
    expect(page.locator(".parameters-container").get_by_text("region_code")).to_be_visible()
    settle(page)

    assert csp_violations == []
