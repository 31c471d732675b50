"""Fuzzing the API's work data: whatever JSON a caller sends, or whatever it puts in the query
string, the answer is never a 500 and a refused write changes nothing (tests/fuzzing.py says
how the examples run)."""

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from activities.models import Activity, ProgressReport
from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory, api_client
from tests.fuzzing import FUZZ

pytestmark = pytest.mark.django_db

FIELDS = [
    *Activity.EDITABLE_FIELDS,
    *ProgressReport.EDITABLE_FIELDS,
    "version",
    "activity",
    "comment",
    "id",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["ASP", "TON", "ASP1.3", "WTDC-25 ASP1.3", "2026-02-30", "planned", "1e999"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
BODIES = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8) | VALUES
PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "q",
            "region",
            "country",
            "group",
            "year",
            "plan",
            "initiative",
            "result",
            "status",
            "cursor",
            "page_size",
            "sort",
            "state",
            "quarter",
            "activity",
            "archived",
            "funding",
        ]
    ),
    st.text(max_size=12) | st.sampled_from(["ASP", "-1", "0", "99999999999999999999", "\x00"]),
    max_size=4,
)


@pytest.fixture
def world():
    editor = UserFactory(username="fuzz-editor", role="Editor", regions=["ASP"])
    reviewer = UserFactory(username="fuzz-reviewer", role="Reviewer", regions=["ASP"])
    activity = ActivityFactory(countries=["TON"], expected_results=["ASP1.3"])
    report = ProgressReportFactory(activity=activity, author=editor)
    clients = {user.username: api_client(user) for user in (editor, reviewer)}
    return clients, activity, report


def _rolled_back(call):
    with transaction.atomic():
        answer = call()
        transaction.set_rollback(True)
    return answer


@FUZZ
@given(
    body=BODIES, target=st.sampled_from(["create", "change", "report", "report-change", "return"])
)
def test_no_body_makes_a_500(world, body, target):
    clients, activity, report = world
    editor, reviewer = clients["fuzz-editor"], clients["fuzz-reviewer"]
    calls = {
        "create": lambda: editor.post("/api/v1/activities/", body, format="json"),
        "change": lambda: editor.patch(f"/api/v1/activities/{activity.pk}/", body, format="json"),
        "report": lambda: editor.post("/api/v1/progress-reports/", body, format="json"),
        "report-change": lambda: editor.patch(
            f"/api/v1/progress-reports/{report.pk}/", body, format="json"
        ),
        "return": lambda: reviewer.post(
            f"/api/v1/progress-reports/{report.pk}/return/", body, format="json"
        ),
    }
    answer = _rolled_back(calls[target])
    assert answer.status_code < 500, answer.content
    if answer.status_code >= 400:
        assert answer["Content-Type"].startswith("application/problem+json")


@FUZZ
@given(params=PARAMS, path=st.sampled_from(["/api/v1/activities/", "/api/v1/progress-reports/"]))
def test_no_query_string_makes_a_500(world, params, path):
    clients, _activity, _report = world
    answer = clients["fuzz-editor"].get(path, params)
    assert answer.status_code < 500, answer.content


def test_a_body_that_is_not_json_is_a_400(world):
    clients, activity, _report = world
    answer = clients["fuzz-editor"].generic(
        "PATCH", f"/api/v1/activities/{activity.pk}/", "{not json", content_type="application/json"
    )
    assert answer.status_code == 400
    answer = clients["fuzz-editor"].generic(
        "POST", "/api/v1/activities/", "title=x", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 415
