"""Browser tests: headless Chromium against Django's live server, with an axe-core check.

Every test here is marked `e2e` (`pytest -m "not e2e"` leaves them out). Without Chromium at
/usr/bin/chromium they are skipped, unless REQUIRE_BROWSER=1 says a missing browser is an error.
"""

import itertools
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db.models.signals import post_save

from activities.roles import sync_roles
from tests import factories
from tests.conftest import REFERENCE_FIXTURES

E2E_DIR = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
# No network, running as root in a container: no sandbox, no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """Mark the browser tests `e2e` (before `-m` selects), then run them after all others.

    They go last because of `_allow_orm_beside_playwright` below: no other test should run
    with that variable set (the deploy check in tests/test_settings.py reports it).
    """
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
    result = yield
    items.sort(key=lambda item: E2E_DIR in item.path.parents)
    return result


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Let Django's synchronous ORM run while Playwright's sync API is started.

    From its start to the end of the session, Playwright's sync API marks an asyncio event loop
    as running in the main thread, so Django refuses the ORM calls that fixtures, tests and the
    test database's teardown make there (SynchronousOnlyOperation). They do not run inside that
    loop, so allowing them is safe. Set here, for the browser tests only, not at import time.
    """
    with pytest.MonkeyPatch.context() as patch:
        if "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ:
            patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium: Playwright's own browsers cannot be downloaded here."""
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1: Chromium is required, {CHROMIUM} is missing.")
        pytest.skip(f"No Chromium at {CHROMIUM} (REQUIRE_BROWSER=1 makes this an error).")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in `page.goto("/…")` and `expect(page).to_have_url("/…")` are the server's.

    This also replaces pytest-playwright's fallback `base_url`, which pytest 9 warns about.
    """
    return live_server.url


@pytest.fixture(scope="session")
def _reference_rows():
    """The reference rows as the first browser test's `loaddata` saved them, in its order."""
    return []


@pytest.fixture
def reference_data(transactional_db, _reference_rows):
    """The reference data and role groups again after each flush, as in tests/conftest.py, but
    fast: `loaddata` (seconds, one query per object and natural key) runs for the first browser
    test only, which keeps the rows it saves; the later ones insert the same rows, same ids, in a
    few bulk queries."""
    if _reference_rows:
        for model, rows in itertools.groupby(_reference_rows, key=type):
            model.objects.bulk_create(rows)
    else:

        def keep(sender, instance, raw, **kwargs):
            if raw:  # saved by loaddata
                _reference_rows.append(instance)

        post_save.connect(keep, weak=False, dispatch_uid="e2e_reference_rows")
        try:
            call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)
        finally:
            post_save.disconnect(dispatch_uid="e2e_reference_rows")
    sync_roles(Group, Permission)


@pytest.fixture
def asp_editor(reference_data):
    """An Editor of Asia-Pacific, who logs in with `tests.factories.DEFAULT_PASSWORD`."""
    return factories.UserFactory(username="asp.editor", role="Editor", regions=["ASP"])


@pytest.fixture
def asp_reviewer(reference_data):
    """A Reviewer of Asia-Pacific, who logs in with `tests.factories.DEFAULT_PASSWORD`."""
    return factories.UserFactory(username="asp.reviewer", role="Reviewer", regions=["ASP"])


@pytest.fixture
def afr_editor(reference_data):
    """An Editor of Africa, who logs in with `tests.factories.DEFAULT_PASSWORD`."""
    return factories.UserFactory(username="afr.editor", role="Editor", regions=["AFR"])


def _login(page, live_server, username, password):
    """Log in through the form; stays on the login page if already there (e.g. ?next=…)."""
    if not page.url.startswith(f"{live_server.url}/login/"):
        page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.fixture
def login():
    """`login(page, live_server, username, password)`: fill and send the login form."""
    return _login


def _assert_accessible(page):
    """Fail if axe-core finds a serious or critical violation on the page as it is now."""
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{len(blocking)} serious or critical accessibility violation(s) on {page.url}:"]
        for violation in blocking:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                # A target is a CSS selector, or a list of them inside frames/shadow roots.
                lines.append("    " + ", ".join(map(str, node["target"])))
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture
def assert_accessible():
    """`assert_accessible(page)`: no serious or critical axe-core violation on the page."""
    return _assert_accessible
