"""Settings come from the environment: safe for development, strict for production."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "tracker.example.org",
}


def manage(*args, **env):
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_of(names, **env):
    """{name: value} of the settings `names` in a process started with `env` (values as JSON,
    or their str(): "0:15:00" for a timedelta of 15 minutes)."""
    result = manage(
        "shell",
        "-c",
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}},"
        " default=str))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_deploy_check_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_secret_key_is_required_without_debug():
    result = manage("check", DEBUG="False", ALLOWED_HOSTS="tracker.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is False." in result.stderr


def test_a_boolean_that_is_not_true_or_false_is_refused():
    result = manage("check", DEBUG="yes please")
    assert result.returncode != 0
    assert "DEBUG must be True or False, not 'yes please'" in result.stderr


def test_postgresql_is_chosen_by_database_url():
    result = manage(
        "shell",
        "-c",
        "from django.db import connection; print(connection.vendor)",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker",
    )
    assert result.stdout.strip().endswith("postgresql"), result.stderr
    assert (
        manage("shell", "-c", "from django.db import connection; print(connection.vendor)")
        .stdout.strip()
        .endswith("sqlite")
    )


def test_login_throttling_is_read_from_the_environment():
    names = ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "CLIENT_IP_HEADER"]

    assert settings_of(names) == {
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": "0:15:00",
        "CLIENT_IP_HEADER": "REMOTE_ADDR",
    }
    assert settings_of(
        names, AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="90", CLIENT_IP_HEADER="HTTP_X_REAL_IP"
    ) == {
        "AXES_FAILURE_LIMIT": 3,
        "AXES_COOLOFF_TIME": "1:30:00",
        "CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
    }
    # 0 minutes: locked until an administrator unlocks.
    assert settings_of(names, AXES_COOLOFF_MINUTES="0")["AXES_COOLOFF_TIME"] is None


def test_a_failure_limit_that_is_not_a_number_is_refused():
    result = manage("check", AXES_FAILURE_LIMIT="five")
    assert result.returncode != 0
    assert "AXES_FAILURE_LIMIT must be a whole number, not 'five'" in result.stderr


def test_the_cache_is_chosen_by_cache_url():
    """Local memory in development; the database by default in production, so that gunicorn's
    processes share the dashboards' figures; Redis or the database by CACHE_URL."""
    backend = "CACHES"
    assert settings_of([backend])[backend]["default"]["BACKEND"].endswith("LocMemCache")
    production = settings_of([backend], **PRODUCTION)[backend]["default"]
    assert (production["BACKEND"], production["LOCATION"]) == (
        "django.core.cache.backends.db.DatabaseCache",
        "django_cache",
    )
    redis = settings_of([backend], CACHE_URL="redis://127.0.0.1:6379/2")[backend]["default"]
    assert (redis["BACKEND"], redis["LOCATION"]) == (
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/2",
    )


def test_an_unknown_cache_url_is_refused():
    result = manage("check", CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL must start with locmem://, db://, redis://" in result.stderr


def test_the_deploy_check_warns_of_a_cache_that_processes_do_not_share():
    result = manage("check", "--deploy", CACHE_URL="locmem://", **PRODUCTION)
    assert "reports.W001" in result.stderr + result.stdout


def test_sessions_can_live_in_the_cache():
    engine = settings_of(["SESSION_ENGINE"], SESSION_BACKEND="cached_db")["SESSION_ENGINE"]
    assert engine == "django.contrib.sessions.backends.cached_db"
    assert settings_of(["SESSION_ENGINE"])["SESSION_ENGINE"].endswith("backends.db")
    result = manage("check", SESSION_BACKEND="file")
    assert result.returncode != 0
    assert "SESSION_BACKEND must be one of db, cached_db, cache, not 'file'" in result.stderr
