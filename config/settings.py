"""Settings of the Regional Initiatives Tracker, read from the environment.

Development needs no configuration at all: DEBUG is on, the database is a SQLite file in the
checkout and e-mail goes to the console. Production sets DEBUG=False, which makes SECRET_KEY and
ALLOWED_HOSTS required and turns on the HTTPS protections (see README.md, "Configuration").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Read a boolean: only "True" or "False" (any case, or 1/0) are accepted."""
    value = os.environ.get(name, "")
    if value == "":
        return default
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name, default):
    """A comma-separated list; empty items are dropped."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name, default=None):
    """A secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is False.")
    # Not a secret: a development key, refused above as soon as DEBUG is off.
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105 # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is False.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files, served from our static files (no CDN): the API's docs page.
    "drf_spectacular_sidecar",
    "initiatives",
    "activities",
    "reports",
    # Demo and benchmark data (seed_demo, generate_demo_data): no product app imports it.
    "demo",
]

MIDDLEWARE = [
    # First: every request gets its id, for every log line made while handling it.
    "config.middleware.RequestIdMiddleware",
    # X-Query-Count on responses when QUERY_COUNT_HEADER is on (the benchmark); else not loaded.
    "config.middleware.QueryCountMiddleware",
    # Compresses what every middleware below gives back (pages, CSV, JSON), so before all that
    # read or change a response's body. Safe from BREACH: Django pads each response with random
    # bytes (since 4.2) and masks the CSRF token anew in each page.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every response, the axes lockout page included.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep their long cache): nothing else is kept anywhere.
    "config.middleware.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login; the few public ones say so with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Template tags that belong to no app: `{% form_field %}` (config/form_tags.py).
            "libraries": {"form_tags": "config.form_tags"},
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite in the checkout by default, so that a clone runs with nothing to install;
# DATABASE_URL=postgres://user:password@host:5432/name for PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url):
    """The cache named by CACHE_URL: locmem:// (one process only), db://TABLE (the database;
    `manage.py createcachetable` makes the table), redis://HOST:PORT/DB (or rediss://), or
    dummy:// (caches nothing)."""
    scheme, _, location = url.partition("://")
    backends = {
        "locmem": ("django.core.cache.backends.locmem.LocMemCache", location or "tracker"),
        "db": ("django.core.cache.backends.db.DatabaseCache", location or "django_cache"),
        "redis": ("django.core.cache.backends.redis.RedisCache", url),
        "rediss": ("django.core.cache.backends.redis.RedisCache", url),
        "dummy": ("django.core.cache.backends.dummy.DummyCache", ""),
    }
    if scheme not in backends:
        raise ImproperlyConfigured(
            f"CACHE_URL must start with locmem://, db://, redis://, rediss:// or dummy://, "
            f"not {url!r}"
        )
    backend, location = backends[scheme]
    return {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": "tracker"}


# The cache holds the dashboards' figures (reports/cache.py) and, with SESSION_ENGINE=cache or
# cached_db, the sessions: several gunicorn processes must share it, so production defaults to
# the database (run `createcachetable` once) and can use Redis; one process's local memory is
# the development default.
CACHES = {
    "default": cache_from_url(
        os.environ.get("CACHE_URL") or ("locmem://" if DEBUG else "db://django_cache")
    )
}
SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "cache": "django.contrib.sessions.backends.cache",
}
SESSION_BACKEND = os.environ.get("SESSION_BACKEND") or "db"
if SESSION_BACKEND not in SESSION_ENGINES:
    raise ImproperlyConfigured(
        f"SESSION_BACKEND must be one of {', '.join(SESSION_ENGINES)}, not {SESSION_BACKEND!r}"
    )
SESSION_ENGINE = SESSION_ENGINES[SESSION_BACKEND]
# How long what is computed from the data (lists' counts, dashboards' figures) stays in the
# cache at most; a write replaces it at once anyway (activities/cache.py).
DATA_CACHE_SECONDS = env_int("DATA_CACHE_SECONDS", 60 * 60)
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Wherever a password is set through a form (the password change page, the admin's): at least
# 12 characters, and not one of the 20,000 common passwords of Django's own list (no network).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes' backend first: it refuses a locked-out login before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Object permissions: user.has_perm(perm, activity), the rules in activities/permissions.py.
    "rules.permissions.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = env_list("TIME_ZONE", ["UTC"])[0]
USE_I18N = True
USE_TZ = True
# One date and one number format on every page: "4 Dec 2026", "60,000" (config/formats/en).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by WhiteNoise, before any login: /favicon.ico for the
# browsers and tools that ask for it there (pages link static/favicon.svg).
WHITENOISE_ROOT = BASE_DIR / "root_files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
# The site's address as its users reach it, e.g. https://tracker.example.org: the links in
# e-mails sent by a command (reminders), which has no request to take it from.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000" if DEBUG else "").rstrip("/")
# Reminders (`manage.py send_reminders`, README.md "Reminders"): a report missing for a quarter
# this many days after it closed; a report waiting for review more than this many days.
REMINDER_DAYS_AFTER_QUARTER = env_int("REMINDER_DAYS_AFTER_QUARTER", 10)
REVIEW_REMINDER_DAYS = env_int("REVIEW_REMINDER_DAYS", 5)
# An indicator's status (reports/queries/indicators.py): its progress toward the year's target
# as a share of the year elapsed — on track from `on_track`, at risk from `at_risk`.
INDICATOR_STATUS_THRESHOLDS = {"on_track": 0.9, "at_risk": 0.6}

# HTTPS protections: on whenever DEBUG is off, each one can be switched off behind a proxy
# that already does it.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, fonts and requests from this site only,
# no inline script or style anywhere (no 'unsafe-inline'); images also as data: URLs, which a
# server-rendered chart may embed. Not framed by any site, forms post here only. Templates keep
# to it: JavaScript in static/js/, CSS in static/css/, no style= attributes; the Django admin
# keeps to it as we use it (tests/e2e/test_csp.py checks the pages in a browser).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        # Browsers post what they refuse here (config/views.py), logged on the "csp" logger.
        # config.views.csp_report (a literal path: a reverse() here would fail wherever
        # another URLconf is in force, e.g. a test's own).
        "report-uri": ["/csp-report/"],
    },
}

# The REST API (/api/v1/, config/api_urls.py): personal tokens (activities.models.ApiToken,
# "Authorization: Bearer rit_…") or the browser's session; JSON only; errors as problem details
# (RFC 9457, activities/api/problems.py); requests per token (or user) limited to
# API_RATE_LIMIT, e.g. "1000/hour", counted in the cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "activities.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "activities.api.auth.TokenAllows",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["activities.api.auth.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_RATE_LIMIT") or "1000/hour"},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "activities.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Regional Initiatives Tracker API",
    "DESCRIPTION": (
        "Reference data, activities, progress reports, indicator targets and actuals, and the "
        "region figures of the dashboards. Authenticate with a personal token: "
        "`Authorization: Bearer rit_…` (made on the page “API tokens”)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # An activity's status and a report's "status of the activity" share their choices.
    "ENUM_NAME_OVERRIDES": {"ActivityStatusEnum": "activities.models.Activity.Status"},
    # The schema and its docs, like every page, for signed-in users (or a token) only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# IATI 2.03 publication (/reports/<REGION>/<YEAR>/iati.xml, `manage.py export_iati`): the
# reporting organisation's identifier, which prefixes every activity's IATI identifier, its
# name, and the OECD DAC 5-digit sector code of the activities (22040: ICT).
IATI_ORGANISATION_IDENTIFIER = os.environ.get("IATI_ORGANISATION_IDENTIFIER") or "XM-DAC-41303"
IATI_ORGANISATION_NAME = (
    os.environ.get("IATI_ORGANISATION_NAME") or "International Telecommunication Union (ITU)"
)
IATI_SECTOR_CODE = os.environ.get("IATI_SECTOR_CODE") or "22040"

# Login throttling (django-axes). A username is locked after AXES_FAILURE_LIMIT failed logins
# from one address, for AXES_COOLOFF_MINUTES (0: until an administrator unlocks it). Locking the
# pair (username, address) rather than either alone means that an attacker who guesses at
# everyone's account locks only their own attempts: the same person logs in from their own
# address, and colleagues behind the office's shared address are not locked out with them.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15)) or None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address: REMOTE_ADDR, unless a reverse proxy stands in front, whose own address
# REMOTE_ADDR then is. CLIENT_IP_HEADER names the request.META key of the header in which that
# proxy passes the client's address (e.g. HTTP_X_REAL_IP, or HTTP_X_FORWARDED_FOR). Set it only
# behind such a proxy: anyone can send the header to an application that is reached directly.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "REMOTE_ADDR")


def client_ip_address(request):
    """The client's address for login throttling, from CLIENT_IP_HEADER (or REMOTE_ADDR).

    Of a list such as X-Forwarded-For ("client, proxy1, …") the last address is taken: the one
    the proxy in front of the application added. The earlier ones are whatever the client sent.
    """
    from django.conf import settings  # at call time, so that tests can change the header

    value = request.META.get(settings.CLIENT_IP_HEADER) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[-1].strip() or None


AXES_CLIENT_IP_CALLABLE = client_ip_address

# The admin lives at a configurable path, so that it is not where every scanner looks first.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# The password `seed_demo` gives every demo user (it runs with DEBUG=True only); empty: a new
# random one on every run.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "")

# Backups (`dumpdata --natural-foreign`, README.md "Backup and restore") go on when history
# rows point at rows deleted since: see config/serializers.py.
SERIALIZATION_MODULES = {"json": "config.serializers"}

# One line per record on standard error, with the id of the request it was made in ("-" when
# none; see config/logging.py). gunicorn.conf.py writes gunicorn's lines the same way.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own lines through the handler above only: its default console handler
        # printed each a second time with DEBUG=True ("Watching for file changes …").
        "django": {"handlers": [], "level": "INFO"},
        # django-axes: failed logins and lockouts (WARNING), not its INFO lines ("AXES: BEGIN
        # version …" at the start of every command, four lines of masked values per login).
        "axes": {"level": "WARNING"},
    },
}

# Spreadsheet import of activities: the largest file and the most rows accepted at once (every
# row counts, empty ones too), the most an .xlsx may unpack to, and the longest a file may take
# to read and check before it is refused (activities/spreadsheets/reading.py).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_SECONDS = env_int("IMPORT_MAX_SECONDS", 30)

# The number of SQL queries a request made, in the X-Query-Count response header
# (config/middleware.py): for the benchmark (bench/bench.py), off otherwise.
QUERY_COUNT_HEADER = env_bool("QUERY_COUNT_HEADER", False)
