"""Security headers and cookies: a strict Content-Security-Policy and the browser protections on
every response, and, with the production variables, HTTPS only with secure cookies."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD
from tests.test_settings import PRODUCTION, settings_of

pytestmark = pytest.mark.django_db

STRICT_POLICY = {
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
    "report-uri": ["/csp-report/"],  # config.views.csp_report logs what browsers refuse
}
# What production gets from the environment, read by a process started with its variables.
PRODUCTION_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
]


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, *sources in directives}


def assert_protected(response):
    assert policy(response) == STRICT_POLICY
    assert "unsafe" not in response["Content-Security-Policy"]  # -inline, -eval, -hashes
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_login_page_is_protected(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert_protected(response)


@pytest.mark.parametrize(
    "url",
    ["/", "/activities/", "/initiatives/", "/countries/", "/activities/import/", "/no-such-page/"],
)
def test_the_pages_of_a_signed_in_user_are_protected(client, asp_editor, url):
    client.force_login(asp_editor)

    response = client.get(url)

    assert response.status_code == (404 if url == "/no-such-page/" else 200)
    assert_protected(response)


def test_the_admin_is_protected(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert_protected(response)


def test_the_lockout_page_is_protected(client, asp_editor):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "asp.editor", "password": "wrong"})

    assert response.status_code == 429
    assert_protected(response)


@pytest.fixture(scope="module")
def production_settings():
    """The security settings as production's environment variables make them."""
    return settings_of(PRODUCTION_SETTINGS, **PRODUCTION)


def test_production_asks_for_https_and_secure_cookies(production_settings):
    assert production_settings == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": 12 * 60 * 60,
        "CSRF_COOKIE_SECURE": True,
        # Django's advice: HttpOnly on the CSRF cookie protects nothing the token in the page
        # does not already expose.
        "CSRF_COOKIE_HTTPONLY": False,
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


@pytest.fixture
def in_production(settings, production_settings):
    """This process with production's security settings (middleware reads them on the first
    request of each test client, so the clients must not have sent one yet)."""
    for name, value in production_settings.items():
        setattr(settings, name, value)


def test_in_production_plain_http_is_redirected_to_https(in_production, client):
    response = client.get(reverse("login"))

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


def test_in_production_https_answers_carry_hsts(in_production, client):
    response = client.get(reverse("login"), secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_protected(response)


def test_in_production_the_cookies_are_secure_and_the_session_expires(
    in_production, client, asp_editor
):
    csrf_cookie = client.get(reverse("login"), secure=True).cookies["csrftoken"]
    response = client.post(
        reverse("login"),
        {"username": "asp.editor", "password": DEFAULT_PASSWORD},
        secure=True,
    )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(asp_editor.pk)
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["max-age"] == 12 * 60 * 60
    assert client.session.get_expiry_age() == 12 * 60 * 60
    assert csrf_cookie["secure"] is True
    assert csrf_cookie["samesite"] == "Lax"
