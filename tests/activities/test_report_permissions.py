"""Who may write and review progress reports where: one table of (role, action, region,
expected status), each tried for real through its URL, then the database checked."""

import pytest
from django.utils import timezone

from activities.models import ProgressReport
from initiatives.models import Region
from tests.factories import (
    ActivityFactory,
    ProgressReportFactory,
    UserFactory,
    progress_report_form_data,
)

State = ProgressReport.State

ACTORS = {
    "viewer": {"role": "Viewer"},
    "editor": {"role": "Editor", "regions": ["ASP"]},
    "reviewer": {"role": "Reviewer", "regions": ["ASP"]},
    # Administrators are assigned to no region and work in all of them.
    "administrator": {"role": "Administrator"},
}
ACTIONS = ["create", "edit", "submit", "approve", "return"]

ALLOWED, FORBIDDEN = 302, 403
# "own" is an activity of Asia and the Pacific, where the editor and the reviewer work; "other"
# one of Africa. The reports are written by another editor of the activity's region.
MATRIX = [
    ("viewer", "create", "own", FORBIDDEN),
    ("viewer", "create", "other", FORBIDDEN),
    ("viewer", "edit", "own", FORBIDDEN),
    ("viewer", "edit", "other", FORBIDDEN),
    ("viewer", "submit", "own", FORBIDDEN),
    ("viewer", "submit", "other", FORBIDDEN),
    ("viewer", "approve", "own", FORBIDDEN),
    ("viewer", "approve", "other", FORBIDDEN),
    ("viewer", "return", "own", FORBIDDEN),
    ("viewer", "return", "other", FORBIDDEN),
    ("editor", "create", "own", ALLOWED),
    ("editor", "create", "other", FORBIDDEN),
    ("editor", "edit", "own", ALLOWED),
    ("editor", "edit", "other", FORBIDDEN),
    ("editor", "submit", "own", ALLOWED),
    ("editor", "submit", "other", FORBIDDEN),
    ("editor", "approve", "own", FORBIDDEN),
    ("editor", "approve", "other", FORBIDDEN),
    ("editor", "return", "own", FORBIDDEN),
    ("editor", "return", "other", FORBIDDEN),
    ("reviewer", "create", "own", ALLOWED),
    ("reviewer", "create", "other", FORBIDDEN),
    ("reviewer", "edit", "own", ALLOWED),
    ("reviewer", "edit", "other", FORBIDDEN),
    ("reviewer", "submit", "own", ALLOWED),
    ("reviewer", "submit", "other", FORBIDDEN),
    ("reviewer", "approve", "own", ALLOWED),
    ("reviewer", "approve", "other", FORBIDDEN),
    ("reviewer", "return", "own", ALLOWED),
    ("reviewer", "return", "other", FORBIDDEN),
    ("administrator", "create", "own", ALLOWED),
    ("administrator", "create", "other", ALLOWED),
    ("administrator", "edit", "own", ALLOWED),
    ("administrator", "edit", "other", ALLOWED),
    ("administrator", "submit", "own", ALLOWED),
    ("administrator", "submit", "other", ALLOWED),
    ("administrator", "approve", "own", ALLOWED),
    ("administrator", "approve", "other", ALLOWED),
    ("administrator", "return", "own", ALLOWED),
    ("administrator", "return", "other", ALLOWED),
]


def test_the_matrix_covers_every_role_action_and_region():
    assert {(role, action, region) for role, action, region, _ in MATRIX} == {
        (role, action, region)
        for role in ACTORS
        for action in ACTIONS
        for region in ("own", "other")
    }


def activity_in(region):
    if region == "own":
        return ActivityFactory(countries=["TON"], expected_results=["ASP1.3"])
    africa = Region.objects.get(code="AFR")
    return ActivityFactory(region=africa, countries=["KEN"], expected_results=[])


def report_to(action, activity):
    """A report that `action` applies to: a returned one to edit or submit (a draft would be
    its author's alone), a submitted one to approve or return."""
    code = activity.region.code
    author = UserFactory(role="Editor", regions=[code])
    if action in ("edit", "submit"):
        reviewer = UserFactory(role="Reviewer", regions=[code])
        return ProgressReportFactory(
            activity=activity,
            author=author,
            state=State.RETURNED,
            reviewer=reviewer,
            reviewed_at=timezone.now(),
            review_comment="Add evidence.",
        )
    return ProgressReportFactory(
        activity=activity, author=author, state=State.SUBMITTED, submitted_at=timezone.now()
    )


def attempt(client, action, activity, report):
    """POST the action, as its form or button would."""
    if action == "create":
        return client.post(f"/activities/{activity.pk}/reports/new/", progress_report_form_data())
    base = f"/activities/{activity.pk}/reports/{report.pk}"
    if action == "edit":
        data = progress_report_form_data(report, achievements="Edited in the matrix.")
        return client.post(f"{base}/edit/", data)
    return client.post(f"{base}/{action}/", {"comment": "Seen in the matrix."})


def outcome(action, activity, report):
    """What the action changed: whether it is done, read from the database."""
    if action == "create":
        return activity.reports.filter(year=2026, quarter=3).exists()
    report.refresh_from_db()
    return {
        "edit": report.achievements == "Edited in the matrix.",
        "submit": report.state == State.SUBMITTED,
        "approve": report.state == State.APPROVED,
        "return": report.state == State.RETURNED,
    }[action]


@pytest.mark.parametrize(("role", "action", "region", "expected"), MATRIX)
def test_permission_matrix(client, db, role, action, region, expected):
    actor = UserFactory(**ACTORS[role])
    activity = activity_in(region)
    report = None if action == "create" else report_to(action, activity)
    client.force_login(actor)
    response = attempt(client, action, activity, report)
    assert response.status_code == expected
    assert outcome(action, activity, report) is (expected == ALLOWED)
