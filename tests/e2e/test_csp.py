"""The strict Content-Security-Policy breaks nothing: each kind of user opens the pages they use,
the Django admin included, and the browser reports no violation of the policy."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from activities.models import Activity, ProgressReport
from tests import factories
from tests.factories import DEFAULT_PASSWORD

VIEWER, EDITOR, REVIEWER, ADMINISTRATOR = "viewer", "editor", "reviewer", "administrator"
EVERYONE = {VIEWER, EDITOR, REVIEWER, ADMINISTRATOR}
WRITERS = {EDITOR, ADMINISTRATOR}

# The pages checked, and who opens them. Placeholders: {activity} and {report} (an Asia-Pacific
# activity and its submitted report), {editor} (the Editor user), {role} (the Editor group),
# {activity_version}, {editor_version}, {role_version} (a history row of each), {admin} (the
# admin's path, ADMIN_URL).
PAGES = [
    ("/", EVERYONE),
    ("/activities/", EVERYONE),
    ("/activities/?q=Tonga&group=SIDS", EVERYONE),
    ("/activities/{activity}/", EVERYONE),
    ("/activities/{activity}/history/", EVERYONE),
    ("/progress-reports/", EVERYONE),
    ("/progress-reports/?view=waiting&state=bogus", EVERYONE),
    ("/activities/new/", WRITERS),
    ("/activities/{activity}/edit/", WRITERS),
    ("/activities/{activity}/money/", WRITERS),
    ("/activities/{activity}/reports/new/", WRITERS),
    ("/activities/{activity}/reports/{report}/", {REVIEWER, ADMINISTRATOR}),
    ("/activities/import/", WRITERS),
    ("/initiatives/", EVERYONE),
    ("/countries/", EVERYONE),
    ("/countries/TON/", EVERYONE),
    ("/initiatives/WTDC-25/ASP3/", EVERYONE),
    ("/initiatives/WTDC-25/ASP3/results/4/", EVERYONE),
    ("/dashboard/", EVERYONE),
    ("/dashboard/ASP/", EVERYONE),
    ("/dashboard/ASP/countries/?group=LDC", EVERYONE),
    ("/dashboard/ASP/results/?covered=no", EVERYONE),
    ("/reports/ASP/2026/", EVERYONE),
    ("/password/change/", EVERYONE),
    ("/{admin}", {ADMINISTRATOR}),
    ("/{admin}activities/activity/", {ADMINISTRATOR}),
    ("/{admin}activities/activity/{activity}/change/", {ADMINISTRATOR}),
    ("/{admin}activities/progressreport/{report}/change/", {ADMINISTRATOR}),
    ("/{admin}auth/user/", {ADMINISTRATOR}),
    # django-simple-history's pages: the History list and the revert page of a version.
    ("/{admin}activities/activity/{activity}/history/", {ADMINISTRATOR}),
    ("/{admin}activities/activity/{activity}/history/{activity_version}/", {ADMINISTRATOR}),
    ("/{admin}activities/progressreport/{report}/history/", {ADMINISTRATOR}),
    ("/{admin}auth/user/{editor}/history/", {ADMINISTRATOR}),
    ("/{admin}auth/user/{editor}/history/{editor_version}/", {ADMINISTRATOR}),
    ("/{admin}auth/group/{role}/history/", {ADMINISTRATOR}),
    ("/{admin}auth/group/{role}/history/{role_version}/", {ADMINISTRATOR}),
    ("/{admin}axes/accessattempt/", {ADMINISTRATOR}),
]

# Report every violation to the test (through a binding, which the policy does not govern),
# from the first document on, across navigations.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.recordCspViolation({
    page: document.location.pathname + document.location.search,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
}, true);
"""


@pytest.fixture
def csp_violations(page):
    """The policy violations the browser reports in `page`, and console errors about them."""
    violations = []

    def record(violation):
        violations.append(violation)

    def record_console(message):
        if "Content Security Policy" in message.text:
            violations.append({"page": page.url, "console": message.text})

    page.expose_function("recordCspViolation", record)
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", record_console)
    return violations


def settle(page):
    """Return once the page's pending tasks, violation reports among them, have run and their
    reports reached this test (a binding's messages come before the evaluation's answer)."""
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve))")


@pytest.fixture
def users(reference_data):
    """One user of each kind, who logs in with DEFAULT_PASSWORD."""
    return {
        VIEWER: factories.UserFactory(username="viewer", role="Viewer"),
        EDITOR: factories.UserFactory(username="asp.editor", role="Editor", regions=["ASP"]),
        REVIEWER: factories.UserFactory(username="asp.reviewer", role="Reviewer", regions=["ASP"]),
        ADMINISTRATOR: factories.UserFactory(username="root", is_staff=True, is_superuser=True),
    }


@pytest.fixture
def placeholders(users):
    activity = factories.ActivityFactory(
        title="Early warning by cell broadcast in Tonga",
        countries=["TON", "FJI"],
        expected_results=["ASP1.3", "ASP5.4"],
        focal_point=users[EDITOR],
        budget=(120000, "ict_df", "EUR"),
    )
    report = factories.ProgressReportFactory(
        activity=activity, author=users[EDITOR], state=ProgressReport.State.SUBMITTED
    )
    editor_role = Group.objects.get(name="Editor")
    editor_role.permissions.add(Permission.objects.get(codename="delete_activity"))
    return {
        "activity": activity.pk,
        "report": report.pk,
        "editor": users[EDITOR].pk,
        "role": editor_role.pk,
        "activity_version": activity.history.earliest().history_id,
        "editor_version": users[EDITOR].history.earliest().history_id,
        "role_version": editor_role.history.earliest().history_id,
        "admin": settings.ADMIN_URL,
    }


@pytest.mark.parametrize("kind", [VIEWER, EDITOR, REVIEWER, ADMINISTRATOR])
def test_no_page_breaks_the_content_security_policy(
    page, live_server, login, users, placeholders, csp_violations, kind
):
    login(page, live_server, users[kind].username, DEFAULT_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    for path, kinds in PAGES:
        if kind not in kinds:
            continue
        url = path.format(**placeholders)
        response = page.goto(url)
        assert response.status == 200, f"{url} as {kind}: {response.status}"
        settle(page)

    assert csp_violations == []


def test_an_administrator_changes_an_activity_in_the_admin(
    page, live_server, login, users, placeholders, csp_violations
):
    """The admin's change form works under the policy: its scripts run (a new inline row, an
    autocomplete that asks the server), and the saved change reaches the database."""
    login(page, live_server, "root", DEFAULT_PASSWORD)
    page.goto(f"/{settings.ADMIN_URL}activities/activity/")
    page.get_by_role("link", name="Early warning by cell broadcast in Tonga").click()

    page.get_by_label("Title:").fill("Early warning by cell broadcast in the Pacific")
    countries = page.locator("#activitycountry_set-group")
    countries.get_by_role("button", name="Add another Country").click()
    countries.locator(".select2-selection").last.click()
    page.locator(".select2-search__field").fill("Samoa")
    page.get_by_role("option", name="Samoa", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    settle(page)
    activity = Activity.objects.get()
    assert activity.title == "Early warning by cell broadcast in the Pacific"
    assert sorted(country.iso3 for country in activity.countries.all()) == ["FJI", "TON", "WSM"]
    assert csp_violations == []


def test_the_check_sees_inline_styles_and_scripts(
    page, live_server, reference_data, csp_violations
):
    """The check above can fail: the policy refuses inline style and script, and says so."""
    page.goto("/login/")

    page.evaluate(
        """() => {
          document.body.setAttribute("style", "background: red");
          const script = document.createElement("script");
          script.textContent = "window.inlineScriptRan = true;";
          document.body.append(script);
        }"""
    )
    settle(page)

    assert page.evaluate("() => window.inlineScriptRan") is None
    assert {v.get("directive") for v in csp_violations} >= {"style-src-attr", "script-src-elem"}
