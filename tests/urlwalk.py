"""Every URL of the app, found by walking the URL configuration, with sample arguments.

Tests that must cover every page use this, so that a new URL is covered without anyone
remembering to add it.
"""

import re

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE_VALUES = {
    "int": "1",
    "str": "X",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def walk(patterns=None, prefix=""):
    """Yield (route with sample values, url name) for every URL pattern outside the admin."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(settings.ADMIN_URL):
                continue
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            path = CONVERTER.sub(lambda m: SAMPLE_VALUES[m["converter"] or "str"], route)
            yield "/" + path.lstrip("^").rstrip("$"), pattern.name


PUBLIC_URL_NAMES = {"login", "healthz"}
