"""The API's OpenAPI schema: valid OpenAPI 3, made without a warning, listing every endpoint
that /api/v1/ routes; served to a token's owner, with its Swagger UI page
(tests/e2e/test_api_docs.py opens it in a browser)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from activities.models import ApiToken

# Pages of the API that are not endpoints of it: the schema itself and its docs page, and the
# router's root (which lists the endpoints).
NOT_ENDPOINTS = {"api:schema", "api:docs", "api:api-root"}


@pytest.fixture(scope="module")
def generated():
    """The schema and the warnings of its generation."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return schema, warnings


def test_the_schema_is_valid_openapi(generated):
    schema, _warnings = generated

    validate_schema(schema)  # raises on an invalid schema

    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Regional Initiatives Tracker API"


def test_the_schema_is_made_without_a_warning(generated):
    schema, warnings = generated

    assert warnings == []
    # Tokens are described: Swagger UI offers to send one.
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal token, made on the page “API tokens”: rit_…",
    }


def _paths(patterns, prefix="", namespace=""):
    """(URL name, OpenAPI path) of every pattern under `patterns`: a regex's or a route's named
    groups as {name}, pk as {id} (drf-spectacular's SCHEMA_COERCE_PATH_PK)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _paths(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            continue
        assert isinstance(pattern, URLPattern)
        route = prefix + str(pattern.pattern)
        if "(?P<format>" in route:  # the router's ".json" variants of each route
            continue
        if route.endswith(".*$"):  # what matches no endpoint (a problem-details 404)
            continue
        route = _named_groups_to_braces(route).replace("^", "").replace("$", "")
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)  # path("…/<code:region_code>/")
        yield f"{namespace}{pattern.name}", "/" + route.replace("{pk}", "{id}")


def _named_groups_to_braces(regex):
    """`(?P<code>[A-Z(]…)` → `{code}`, whatever the group's pattern holds (nested brackets)."""
    out, index = [], 0
    while (start := regex.find("(?P<", index)) != -1:
        out.append(regex[index:start])
        name_end = regex.index(">", start)
        depth, position, in_class = 0, start, False
        while True:
            character = regex[position]
            if character == "\\":
                position += 2
                continue
            if in_class:
                in_class = character != "]"
            elif character == "[":
                in_class = True
            elif character == "(":
                depth += 1
            elif character == ")":
                depth -= 1
                if depth == 0:
                    break
            position += 1
        out.append("{" + regex[start + 4 : name_end] + "}")
        index = position + 1
    return "".join(out) + regex[index:]


def test_it_lists_every_route_of_the_api(generated):
    schema, _warnings = generated
    api_prefix, api_resolver = get_resolver().namespace_dict["api"]
    routes = dict(_paths(api_resolver.url_patterns, "api/v1/", "api:"))
    assert api_prefix == "api/v1/"

    endpoints = {path for name, path in routes.items() if name not in NOT_ENDPOINTS}

    assert endpoints == set(schema["paths"])
    # Ours among them, by name.
    assert routes["api:region-list"] == "/api/v1/regions/"
    assert routes["api:region-detail"] == "/api/v1/regions/{code}/"
    assert routes["api:country-detail"] == "/api/v1/countries/{iso3}/"
    assert routes["api:target-detail"] == "/api/v1/targets/{id}/"
    assert routes["api:region-figures"] == "/api/v1/regions/{region_code}/figures/"
    assert routes["api:region-indicator-actuals"] == (
        "/api/v1/regions/{region_code}/indicator-actuals/"
    )


def test_the_figures_document_their_period_and_answers(generated):
    schema, _warnings = generated

    for path in (
        "/api/v1/regions/{region_code}/figures/",
        "/api/v1/regions/{region_code}/indicator-actuals/",
    ):
        operation = schema["paths"][path]["get"]
        parameters = {p["name"]: p["in"] for p in operation["parameters"]}
        assert parameters == {
            "region_code": "path",
            "plan": "query",
            "year": "query",
            "work": "query",
        }, path
        assert set(operation["responses"]) == {"200", "400", "401", "404"}, path


def test_the_lists_document_their_filters_and_pages(generated):
    schema, _warnings = generated

    def parameters(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert parameters("/api/v1/expected-results/") == {
        "plan",
        "region",
        "initiative",
        "limit",
        "offset",
    }
    assert parameters("/api/v1/targets/") >= {"indicator", "year", "expected_result"}
    year = next(
        p for p in schema["paths"]["/api/v1/targets/"]["get"]["parameters"] if p["name"] == "year"
    )
    assert year["schema"]["type"] == "integer"
    listed = schema["paths"]["/api/v1/regions/"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["$ref"].endswith("/PaginatedRegionList")


def test_a_token_reads_the_schema(viewer):
    _row, secret = ApiToken.objects.issue(viewer, "Tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    response = client.get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    assert "/api/v1/regions/{region_code}/figures/" in response.json()["paths"]


def test_the_docs_page_loads_swagger_ui_from_our_static_files(client, viewer):
    client.force_login(viewer)

    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page
    # Nothing inline for the Content-Security-Policy to refuse: the template's <style> is our
    # stylesheet (templates/drf_spectacular/swagger_ui.html), its script a file.
    assert "/static/css/api_docs.css" in page
    assert not INLINE.search(page)


INLINE = re.compile(r"\sstyle=|<style|<script>|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=", re.I)


def test_the_schema_and_its_docs_are_for_signed_in_users_only():
    for path in ("/api/v1/schema/", "/api/v1/docs/"):
        response = APIClient().get(path)
        assert response.status_code == 401, path
