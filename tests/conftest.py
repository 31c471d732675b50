"""Shared test set-up: reference data loaded once, a fast password hasher, personas."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, RequestFactory

from activities.roles import sync_roles
from tests import factories

REFERENCE_FIXTURES = ["regions", "countries", "wtdc25", "target_groups"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once: every test starts from the real regions and initiatives.

    Tests that flush the database (transactional ones, the browser tests) load it again
    through the `reference_data` fixture.
    """
    with django_db_blocker.unblock():
        call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)


@pytest.fixture
def reference_data(transactional_db):
    """Reference data and the role groups again, after a flush deleted them with the rest."""
    call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)
    sync_roles(Group, Permission)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: the database is rolled back after each test,
    so figures cached by one would not be those of the next (see reports/cache.py)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class LoginThrottledClient(Client):
    """Django's test client, whose `login()` passes the request that django-axes requires of
    every authentication (it throttles logins by username and address): a request from the
    client's own address, so that its failed logins count as the login form's do."""

    def login(self, **credentials):
        return super().login(request=RequestFactory().post("/login/"), **credentials)


@pytest.fixture
def client():
    """pytest-django's `client`, with login throttling left on (see LoginThrottledClient)."""
    return LoginThrottledClient()


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def viewer(db):
    return factories.UserFactory(username="viewer", role="Viewer")


@pytest.fixture
def asp_editor(db):
    return factories.UserFactory(username="asp.editor", role="Editor", regions=["ASP"])


@pytest.fixture
def asp_reviewer(db):
    return factories.UserFactory(username="asp.reviewer", role="Reviewer", regions=["ASP"])


@pytest.fixture
def afr_editor(db):
    return factories.UserFactory(username="afr.editor", role="Editor", regions=["AFR"])
