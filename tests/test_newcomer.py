"""A newcomer's first five minutes: `make run` prints where to sign in (its HOST and PORT), the
demo users' password (DEMO_PASSWORD when set), and no library's lines besides ours."""

import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture
def demo_mode(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = ""
    return settings


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def printed_password(output):
    match = re.search(r"^admin\s.*\s(\S+)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def test_it_prints_the_sign_in_address_of_make_run_s_defaults(db, demo_mode):
    assert "Sign in at http://127.0.0.1:8000/login/" in seed()


@pytest.mark.parametrize(
    ("host", "port", "address"),
    [
        ("127.0.0.1", "8001", "http://127.0.0.1:8001/login/"),
        ("localhost", "9000", "http://localhost:9000/login/"),
        # Listening on every address: reached from this machine at the loopback address.
        ("0.0.0.0", "8000", "http://127.0.0.1:8000/login/"),  # noqa: S104
        ("[::1]", "8000", "http://[::1]:8000/login/"),
        ("::", "8000", "http://[::1]:8000/login/"),
    ],
)
def test_the_printed_address_follows_host_and_port(db, demo_mode, host, port, address):
    assert f"Sign in at {address}" in seed("--host", host, "--port", port)


@pytest.mark.skipif(not shutil.which("make"), reason="no make")
def test_make_run_passes_its_host_and_port_to_seed_demo_and_runserver():
    commands = subprocess.run(
        [shutil.which("make"), "--dry-run", "--always-make", "run", "HOST=0.0.0.0", "PORT=8123"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "manage.py seed_demo --host 0.0.0.0 --port 8123" in commands
    assert "manage.py runserver 0.0.0.0:8123" in commands


def test_demo_password_is_every_demo_user_s_password_when_set(db, demo_mode):
    demo_mode.DEMO_PASSWORD = "try-the-tracker"
    output = seed()
    assert printed_password(output) == "try-the-tracker"
    assert "running seed_demo again sets it again" in output
    for username in ["admin", "asp.editor", "asp.reviewer", "afr.editor", "viewer"]:
        assert User.objects.get(username=username).check_password("try-the-tracker")


def test_without_demo_password_it_is_a_new_one_each_run(db, demo_mode):
    first, second = printed_password(seed()), printed_password(seed())
    assert first != second
    assert User.objects.get(username="viewer").check_password(second)


def test_the_password_option_wins_over_demo_password(db, demo_mode):
    demo_mode.DEMO_PASSWORD = "from the environment"
    assert printed_password(seed("--password", "from-the-option")) == "from-the-option"


def test_a_blank_demo_password_is_refused(db, demo_mode):
    demo_mode.DEMO_PASSWORD = "   "
    with pytest.raises(CommandError, match="DEMO_PASSWORD cannot be blank"):
        seed()
    assert not User.objects.filter(username="admin").exists()


def test_demo_password_does_not_make_a_demo_outside_debug(db, settings):
    settings.DEBUG = False
    settings.DEMO_PASSWORD = "try-the-tracker"
    with pytest.raises(CommandError, match="only runs with DEBUG=True"):
        seed()


def test_demo_password_is_read_from_the_environment():
    environment = {**os.environ, "DEBUG": "True", "DEMO_PASSWORD": "from-env"}
    code = "from django.conf import settings; print(settings.DEMO_PASSWORD)"
    printed = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert printed.stdout.strip() == "from-env"


def test_a_management_command_prints_no_library_lines():
    """django-axes logged "AXES: BEGIN version …" at INFO on every command that `make run`
    runs (migrate, load_reference_data, seed_demo): a command prints only its own lines."""
    environment = {**os.environ, "DEBUG": "True", "LOG_LEVEL": "INFO"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr == ""
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_a_login_logs_no_axes_info_line_but_a_failed_one_still_warns(client, viewer, caplog):
    caplog.set_level("DEBUG")  # what the loggers themselves let through
    client.post("/login/", {"username": "viewer", "password": "correct horse battery staple"})
    assert not [r for r in caplog.records if r.name.startswith("axes")]

    client.logout()
    client.post("/login/", {"username": "viewer", "password": "wrong"})
    warnings = [r for r in caplog.records if r.name.startswith("axes")]
    assert warnings
    assert {r.levelname for r in warnings} == {"WARNING"}
