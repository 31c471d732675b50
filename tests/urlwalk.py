"""Every URL of the app, found by walking the URL configuration, with sample arguments.

Tests that must cover every page use this, so that a new URL is covered without anyone
remembering to add it.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE_VALUES = {
    "int": "1",
    "str": "X",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "code": "X",  # initiatives.converters.CodeConverter
}
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    """A URL pattern outside the admin: its route ("activities/<int:pk>/edit/"), its name with
    its namespace ("activities:activity_edit") and its arguments' converters ({"pk": "int"})."""

    route: str
    name: str
    converters: dict

    def path(self, **values):
        """The path with `values` (text, quoted here) in place of the route's arguments; any
        text at all, so that a test can also put there what no converter would accept."""
        missing = set(self.converters) - set(values)
        if missing:
            raise KeyError(f"{self.name} needs {sorted(missing)}")
        filled = CONVERTER.sub(lambda m: quote(str(values[m["name"]]), safe=""), self.route)
        return "/" + filled.lstrip("^").rstrip("$")


def routes(patterns=None, prefix="", namespace=""):
    """Yield a `Route` for every URL pattern outside the admin and the REST API (whose tests,
    tests/api/, walk it with tokens: it answers 401 where a page sends to the login), in the
    URLconf's order."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(settings.ADMIN_URL) or pattern.namespace == "api":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            converters = {m["name"]: m["converter"] or "str" for m in CONVERTER.finditer(route)}
            yield Route(route=route, name=f"{namespace}{pattern.name}", converters=converters)


def walk(patterns=None, prefix=""):
    """Yield (route with sample values, url name) for every URL pattern outside the admin."""
    for route in routes(patterns, prefix):
        samples = {name: SAMPLE_VALUES[converter] for name, converter in route.converters.items()}
        yield route.path(**samples), route.name.rpartition(":")[2]


PUBLIC_URL_NAMES = {"login", "healthz", "readyz", "csp_report"}
"""Every page needs a login, except the login page itself, the health checks and the endpoint
to which browsers post the Content-Security-Policy's violations."""

CSRF_EXEMPT_URL_NAMES = {"csp_report"}
"""Every POST needs a CSRF token, except the browsers' CSP reports, which carry none and change
nothing (they are only logged)."""
