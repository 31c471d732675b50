"""Pages and downloads travel gzip-compressed to a browser that asks for it, with every
security header still on them; the favicon is there at the site's root for anyone."""

import gzip

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.middleware.gzip import GZipMiddleware

from tests.factories import ActivityFactory
from tests.test_security_headers import assert_protected

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_it_compresses_a_page_when_the_browser_asks(client, asp_editor):
    ActivityFactory.create_batch(3)
    client.force_login(asp_editor)

    plain = client.get("/activities/")
    response = client.get("/activities/", **GZIP)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content) < len(plain.content)
    html = gzip.decompress(response.content).decode()
    assert "<h1>Activities</h1>" in html and "</html>" in html
    assert_protected(response)


def test_it_sends_a_page_uncompressed_to_a_client_that_does_not_ask(client, asp_editor):
    client.force_login(asp_editor)

    response = client.get("/")

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]  # a shared cache keeps both apart
    assert_protected(response)


def test_it_compresses_the_login_page_and_keeps_it_protected(client):
    response = client.get("/login/", **GZIP)

    assert response["Content-Encoding"] == "gzip"
    assert "<form" in gzip.decompress(response.content).decode()
    assert_protected(response)


def test_it_compresses_a_streamed_download(client, viewer):
    ActivityFactory.create_batch(5)
    client.force_login(viewer)

    response = client.get("/activities/export.csv", **GZIP)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert not response.has_header("Content-Length")  # not known before the end
    text = gzip.decompress(b"".join(response.streaming_content)).decode("utf-8-sig")
    assert text.startswith("tracker id,") and text.count("\n") == 6


def test_compression_pads_each_response_against_breach():
    """Django's GZipMiddleware adds up to 100 random bytes to each response (since 4.2), so
    that its length tells nothing of a secret in it; compressing first keeps it so for all."""
    assert GZipMiddleware.max_random_bytes >= 100
    middleware = settings.MIDDLEWARE
    gzip_at = middleware.index("django.middleware.gzip.GZipMiddleware")
    assert gzip_at < middleware.index("django.middleware.security.SecurityMiddleware")
    assert gzip_at < middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")


def test_the_favicon_is_at_the_root_without_a_login(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO


def test_every_page_links_the_svg_favicon(client):
    page = client.get("/login/").text

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("favicon.svg")
