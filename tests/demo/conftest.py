"""Fixtures of the demo's tests."""

import sys

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="class")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo fixture on top of the two users it names, in a transaction that is rolled back
    after the class, so that tests elsewhere start without it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            for username in ("asp.editor", "asp.reviewer"):
                User.objects.create(username=username)
            call_command("loaddata", "demo", verbosity=0)
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
