"""Every URL of the app, as every persona, with real ids and with bad ones, garbage in the query
string, wrong methods and no CSRF token: never a 500, and the right 4xx where a page needs
rights.

The URLs come from walking the URLconf (tests/urlwalk.py), their real arguments from
`SAMPLES` (tests/url_samples.py): a new URL fails `test_every_url_has_a_sample` until it has
one, and is then walked like the others.
"""

import pytest

from activities.filters import ActivityFilter, ProgressReportFilter
from tests.url_samples import (
    PERSONAS,
    SAMPLES,
    SIGNED_IN,
    build_world,
    described,
    expected_get_status,
    missing_samples,
    request,
    sample_path,
    sends_to_login,
    snapshot,
    status_of,
    walked_routes,
)
from tests.urlwalk import CSRF_EXEMPT_URL_NAMES, PUBLIC_URL_NAMES

ROUTES = walked_routes()
ROUTE_IDS = [route.name for route in ROUTES]
WITH_ARGUMENTS = [route for route in ROUTES if route.converters]

# Values no row has, for each converter: a 4xx, whoever asks.
UNKNOWN_VALUES = {
    "int": [
        "0",
        "-1",
        "999999999",
        "99999999999999999999",
        "9" * 400,
        "abc",
        "1.5",
        "1e3",
        "٣",  # an Arabic-Indic digit three
        "\x00",
        " 1",
    ],
    "str": [
        "ZZZ9",
        "XXX",
        "0",
        "-1",
        "99999999999999999999",
        "x" * 300,
        "تونغا",
        "טונגה",
        "汤加",
        "🙂",
        "\u202etxt",
        "\x00",
        "A\x00",
        "<script>alert(1)</script>",
        "' OR '1'='1",
        "..",
    ],
}
# Query-string values that no parameter of the app accepts, each sent in every parameter at once.
GARBAGE = [
    "abc",
    "-1",
    "99999999999999999999",
    "';DROP TABLE activities_activity;--",
    "<script>alert(1)</script>",
    "x" * 5000,
    "\x00",
    "مرحبا \u202eRTL 🙂 中文",
    "http://evil.example/",
]
# The worst of them, each sent alone in each parameter that some page reads.
WORST = ["abc", "\x00"]
# The query parameters the app reads anywhere, and some it might be sent.
READ_PARAMETERS = ["page", "year", "sort", "format", "plan", "region", "q", "next"]
PARAMETERS = sorted(
    {*ActivityFilter.base_filters, *ProgressReportFilter.base_filters, *READ_PARAMETERS}
)


@pytest.fixture
def world(db):
    return build_world()


def _failures_message(failures):
    return "\n".join(["", *failures])


def test_the_walk_finds_every_kind_of_url():
    names = set(ROUTE_IDS)
    assert {"home", "login", "activities:activity_edit", "activities:report_approve"} <= names
    assert {"initiatives:initiative_list", "initiatives:country_list"} <= names


def test_every_url_has_a_sample():
    missing = missing_samples()
    assert not missing, (
        f"URLs without a sample: {missing}. Add each to SAMPLES in tests/url_samples.py "
        "(its real arguments, the status of a GET per persona, what its form posts), so that "
        "the URL walk covers it."
    )


def test_every_sample_is_of_a_url():
    stale = sorted(set(SAMPLES) - set(ROUTE_IDS))
    assert not stale, f"Samples of URLs that no longer exist: {stale}. Remove them."


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_a_get_answers_each_persona_as_their_rights_say(world, route):
    path = sample_path(route, world)
    failures = []
    for persona in PERSONAS:
        outcome = request(world.client(persona), "get", path)
        expected = expected_get_status(route.name, persona)
        if status_of(outcome) != expected:
            failures.append(f"GET {path} as {persona}: {described(outcome)}, expected {expected}")
        elif persona == "anonymous" and expected == 302 and not sends_to_login(outcome):
            failures.append(f"GET {path} as anonymous: not sent to the login page")
    assert not failures, _failures_message(failures)


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_a_post_never_fails_and_anonymous_visitors_log_in_first(world, route):
    sample = SAMPLES[route.name]
    path = sample_path(route, world)
    failures = []
    for persona in PERSONAS:
        outcome = request(world.client(persona), "post", path, sample.post(world))
        if status_of(outcome) >= 500:
            failures.append(f"POST {path} as {persona}: {described(outcome)}")
        elif (
            persona == "anonymous"
            and route.name.rpartition(":")[2] not in PUBLIC_URL_NAMES
            and not sends_to_login(outcome)
        ):
            failures.append(f"POST {path} as anonymous: {described(outcome)}, not the login")
    assert not failures, _failures_message(failures)


@pytest.mark.parametrize("route", WITH_ARGUMENTS, ids=[r.name for r in WITH_ARGUMENTS])
def test_unknown_ids_and_codes_answer_4xx(world, route):
    """Every argument replaced in turn by values no row has: 403, 404 or 405 signed in (the
    rights may be checked before the row is looked for), the login page or 404 otherwise."""
    sample = SAMPLES[route.name]
    failures = []
    # Who is refused before the row is looked for, who after, and who is never refused.
    personas = ["anonymous", "viewer", "afr_editor", "superuser"]
    clients = {persona: world.client(persona) for persona in personas}
    for argument, converter in route.converters.items():
        for value in UNKNOWN_VALUES.get(converter, UNKNOWN_VALUES["str"]):
            path = sample_path(route, world, **{argument: value})
            for persona, client in clients.items():
                for method in ("get", "post"):
                    data = sample.post(world) if method == "post" else None
                    outcome = request(client, method, path, data)
                    status = status_of(outcome)
                    if persona == "anonymous":
                        fine = status == 404 or sends_to_login(outcome)
                    else:
                        fine = status in (400, 403, 404, 405)
                    if not fine:
                        failures.append(
                            f"{method.upper()} {path!r} as {persona}: {described(outcome)}"
                        )
    assert not failures, _failures_message(failures)


@pytest.mark.parametrize("route", WITH_ARGUMENTS, ids=[r.name for r in WITH_ARGUMENTS])
def test_odd_spellings_of_real_codes_never_fail(world, route):
    """A real code in another case, with spaces, a line break or a leading zero: never a 500."""
    real = SAMPLES[route.name].kwargs(world)
    failures = []
    client = world.client("superuser")
    for argument in route.converters:
        value = str(real[argument])
        for odd in {value.lower(), value.swapcase(), f" {value} ", f"{value}\n", f"0{value}"}:
            path = sample_path(route, world, **{argument: odd})
            outcome = request(client, "get", path)
            if status_of(outcome) >= 500:
                failures.append(f"GET {path!r}: {described(outcome)}")
    assert not failures, _failures_message(failures)


def test_a_report_is_found_only_through_its_own_activity(world):
    """A report's URLs under another activity's id answer 404, for everyone and every method."""
    report_routes = [route for route in ROUTES if "report_pk" in route.converters]
    assert report_routes
    failures = []
    for route in report_routes:
        path = route.path(pk=world.asp_activity.pk, report_pk=world.afr_submitted.pk)
        for persona in SIGNED_IN:
            for method in ("get", "post"):
                outcome = request(world.client(persona), method, path)
                if status_of(outcome) not in (404, 405):
                    failures.append(f"{method.upper()} {path} as {persona}: {described(outcome)}")
    assert not failures, _failures_message(failures)


def _garbage_queries():
    """Query strings: every parameter at once with each garbage value, the parameters that
    pages read alone with the worst values, parameters repeated, and names that are garbage."""
    queries = [dict.fromkeys(PARAMETERS, value) for value in GARBAGE]
    queries += [{parameter: value} for parameter in READ_PARAMETERS for value in WORST]
    queries.append({parameter: ["1", "2", "abc"] for parameter in PARAMETERS})
    queries.append({"\x00": "1", "<script>": "1", "x" * 5000: "1", "": "1"})
    return queries


GARBAGE_QUERIES = _garbage_queries()


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_garbage_query_parameters_never_fail(world, route):
    path = sample_path(route, world)
    failures = []
    client = world.client("asp_editor")
    for query in GARBAGE_QUERIES:
        outcome = request(client, "get", path, query)
        if status_of(outcome) >= 500:
            shown = {key[:20]: str(value)[:20] for key, value in query.items()}
            failures.append(f"GET {path} with {shown}: {described(outcome)}")
    assert not failures, _failures_message(failures[:20])


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_methods_the_app_does_not_speak_answer_405(world, route):
    path = sample_path(route, world)
    failures = []
    # Someone the page answers (the login page sends those signed in home first).
    persona = next(
        p for p in ["superuser", "anonymous"] if expected_get_status(route.name, p) != 302
    )
    client = world.client(persona)
    before = snapshot()
    for method in ("put", "patch", "delete"):
        outcome = request(client, method, path, SAMPLES[route.name].post(world))
        if status_of(outcome) != 405:
            failures.append(f"{method.upper()} {path}: {described(outcome)}, expected 405")
    for method in ("head", "options", "trace"):
        outcome = request(client, method, path)
        if status_of(outcome) >= 500:
            failures.append(f"{method.upper()} {path}: {described(outcome)}")
    assert not failures, _failures_message(failures)
    assert snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(world, route):
    sample = SAMPLES[route.name]
    persona = sample.writer or "asp_editor"
    client = world.client(persona, enforce_csrf_checks=True)
    path = sample_path(route, world)
    before = snapshot()
    outcome = request(client, "post", path, sample.post(world))
    if route.name in CSRF_EXEMPT_URL_NAMES:  # answered, but nothing changes
        assert status_of(outcome) < 500, f"POST {path} as {persona}: {described(outcome)}"
    else:
        assert status_of(outcome) == 403, f"POST {path} as {persona}: {described(outcome)}"
    assert snapshot() == before


# --- Regressions found by the walk ----------------------------------------------------------


def test_a_code_with_a_nul_character_is_an_unknown_code(world):
    """PostgreSQL refuses a NUL character in a query: the lists used to answer 500."""
    client = world.client("viewer")
    response = client.get("/initiatives/", {"plan": "WTDC-25\x00"})
    assert response.status_code == 200
    assert response.context["unknown_plan"]
    assert "There is no such action plan." in response.text
    response = client.get("/countries/", {"region": "ASP\x00"})
    assert response.status_code == 200
    assert response.context["region"] is None


def test_pages_answer_405_to_methods_they_do_not_speak(world):
    """The pages used to take PUT, PATCH and DELETE as GET (the login page as POST)."""
    client = world.client("asp_editor")
    assert client.put("/activities/").status_code == 405
    assert client.delete(f"/activities/{world.asp_activity.pk}/edit/").status_code == 405
    assert client.patch("/countries/").status_code == 405
    assert world.client("anonymous").put("/login/").status_code == 405
    assert client.get("/activities/").status_code == 200
