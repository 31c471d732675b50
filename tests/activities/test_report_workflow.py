"""The progress report workflow: draft → submitted → approved | returned (→ submitted again),
through the report's page and its POST-only actions."""

import pytest
from django.utils import timezone

from activities import services
from activities.models import Activity, ProgressReport
from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory

State = ProgressReport.State


def action_url(report, action):
    return f"/activities/{report.activity_id}/reports/{report.pk}/{action}/"


@pytest.fixture
def draft(asp_editor):
    return ProgressReportFactory(author=asp_editor, activity=ActivityFactory(title="IXP study"))


@pytest.fixture
def submitted(draft):
    ProgressReport.objects.filter(pk=draft.pk).update(
        state=State.SUBMITTED, submitted_at=timezone.now()
    )
    draft.refresh_from_db()
    return draft


def reasons(report):
    return [row.history_change_reason for row in report.history.order_by("history_date")]


# --- Submit ---------------------------------------------------------------------------------


def test_the_author_submits_a_draft_and_the_regions_reviewers_are_told(
    client, asp_editor, asp_reviewer, draft, mailoutbox
):
    UserFactory(role="Reviewer", regions=["AFR"])  # another region's reviewer
    UserFactory(role="Administrator")  # reviews everywhere, but is assigned to no region
    client.force_login(asp_editor)
    response = client.post(action_url(draft, "submit"), follow=True)
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "The report for 2026 Q2 is submitted; asp.reviewer will review it." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert draft.submitted_at is not None
    assert reasons(draft)[-1] == "Submitted"
    assert draft.history.first().history_user == asp_editor
    [mail] = mailoutbox
    assert mail.to == [asp_reviewer.email]
    assert mail.subject == "Progress report to review: IXP study, 2026 Q2"
    assert f"http://testserver{draft.get_absolute_url()}" in mail.body


def test_submitting_with_no_reviewer_in_the_region_says_so(client, asp_editor, draft, mailoutbox):
    client.force_login(asp_editor)
    response = client.post(action_url(draft, "submit"), follow=True)
    assert "no reviewer of Asia" in response.content.decode()
    assert mailoutbox == []
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


def test_a_reviewer_approves_with_an_optional_comment(client, asp_reviewer, submitted, mailoutbox):
    client.force_login(asp_reviewer)
    response = client.post(action_url(submitted, "approve"), {"comment": ""}, follow=True)
    assert "The report for 2026 Q2 is approved; asp.editor is told by e-mail." in response.text
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert submitted.reviewer == asp_reviewer
    assert submitted.reviewed_at is not None
    assert submitted.review_comment == ""
    latest = submitted.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("Approved", asp_reviewer)
    assert latest.state == State.APPROVED
    [mail] = mailoutbox
    assert mail.subject == "Progress report approved: IXP study, 2026 Q2"
    assert "approved your progress report for 2026 Q2" in mail.body
    assert "Their comment" not in mail.body


def test_an_approval_tells_the_author_with_the_comment(
    client, asp_editor, asp_reviewer, submitted, mailoutbox
):
    client.force_login(asp_reviewer)
    client.post(action_url(submitted, "approve"), {"comment": "Well documented."})
    [mail] = mailoutbox
    assert mail.to == [asp_editor.email]
    assert "Well documented." in mail.body
    assert f"http://testserver{submitted.get_absolute_url()}" in mail.body


def test_an_author_with_no_address_is_not_told(client, asp_editor, asp_reviewer, submitted):
    asp_editor.email = ""
    asp_editor.save()
    client.force_login(asp_reviewer)
    response = client.post(action_url(submitted, "approve"), {"comment": ""}, follow=True)
    assert "The report for 2026 Q2 is approved." in response.text
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED


def test_a_reviewer_returns_with_a_comment_and_the_author_is_told(
    client, asp_editor, asp_reviewer, submitted, mailoutbox
):
    client.force_login(asp_reviewer)
    response = client.post(
        action_url(submitted, "return"), {"comment": "Split people reached by sex."}, follow=True
    )
    assert "is returned to asp.editor and told by e-mail" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED
    assert submitted.reviewer == asp_reviewer
    assert submitted.review_comment == "Split people reached by sex."
    assert reasons(submitted)[-1] == "Returned"
    assert submitted.history.first().review_comment == "Split people reached by sex."
    [mail] = mailoutbox
    assert mail.to == [asp_editor.email]
    assert "Split people reached by sex." in mail.body
    assert f"http://testserver{submitted.get_absolute_url()}" in mail.body


def test_a_long_review_comment_is_kept_whole_in_the_report_and_its_history(
    client, asp_reviewer, submitted
):
    comment = "Split people reached by sex, and add the attendance sheets. " * 40
    client.force_login(asp_reviewer)
    response = client.post(action_url(submitted, "return"), {"comment": comment})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.review_comment) == (State.RETURNED, comment.strip())
    latest = submitted.history.first()
    assert (latest.history_change_reason, latest.review_comment) == ("Returned", comment.strip())
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert page.count("add the attendance sheets.") >= 80  # the report's and the history's


def test_returning_needs_a_comment(client, asp_reviewer, submitted, mailoutbox):
    client.force_login(asp_reviewer)
    response = client.post(action_url(submitted, "return"), {"comment": "   "})
    assert response.status_code == 400
    assert "a returned report needs a comment" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert mailoutbox == []


def test_a_returned_report_is_edited_submitted_again_then_approved(
    client, asp_editor, asp_reviewer, submitted
):
    client.force_login(asp_reviewer)
    client.post(action_url(submitted, "return"), {"comment": "Add evidence."})
    client.force_login(asp_editor)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Add evidence." in page and "Submit again for review" in page
    client.post(action_url(submitted, "submit"))
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert (submitted.reviewer, submitted.review_comment) == (None, "")
    client.force_login(asp_reviewer)
    client.post(action_url(submitted, "approve"), {"comment": "Thanks."})
    submitted.refresh_from_db()
    assert (submitted.state, submitted.review_comment) == (State.APPROVED, "Thanks.")
    assert reasons(submitted)[-3:] == ["Returned", "Submitted", "Approved"]


# --- Refused --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["submit", "approve", "return"])
def test_every_move_is_a_post(client, asp_reviewer, submitted, action):
    client.force_login(asp_reviewer)
    assert client.get(action_url(submitted, action)).status_code == 405
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


@pytest.mark.parametrize(
    ("state", "actor", "action", "message"),
    [
        (State.APPROVED, "asp_editor", "submit", "already approved by asp.reviewer"),
        (State.SUBMITTED, "asp_editor", "submit", "already submitted: it waits for its review"),
        (State.RETURNED, "asp_reviewer", "approve", "reviewed again once resubmitted"),
        (State.RETURNED, "asp_reviewer", "return", "reviewed again once resubmitted"),
        (State.APPROVED, "asp_reviewer", "approve", "already approved by asp.reviewer"),
        (State.APPROVED, "asp_reviewer", "return", "already approved by asp.reviewer"),
    ],
)
def test_invalid_moves_are_refused_and_change_nothing(
    client, request, asp_editor, asp_reviewer, state, actor, action, message
):
    reviewed = state in (State.APPROVED, State.RETURNED)
    report = ProgressReportFactory(
        author=asp_editor,
        state=state,
        reviewer=asp_reviewer if reviewed else None,
        reviewed_at=timezone.now() if reviewed else None,
    )
    before = (report.state, report.version, report.history.count())
    client.force_login(request.getfixturevalue(actor))
    response = client.post(action_url(report, action), {"comment": "Why not."})
    assert response.status_code == 400
    assert message in response.content.decode()
    report.refresh_from_db()
    assert (report.state, report.version, report.history.count()) == before


def test_a_reviewer_cannot_approve_a_draft_they_wrote(client, asp_reviewer):
    report = ProgressReportFactory(author=asp_reviewer)
    client.force_login(asp_reviewer)
    response = client.post(action_url(report, "approve"))
    assert response.status_code == 400
    assert "You wrote this report" in response.content.decode()
    report.refresh_from_db()
    assert report.state == State.DRAFT


def test_nobody_approves_their_own_report(client, asp_reviewer):
    report = ProgressReportFactory(author=asp_reviewer)
    client.force_login(asp_reviewer)
    client.post(action_url(report, "submit"))
    page = client.get(report.get_absolute_url()).content.decode()
    assert ">Approve<" not in page
    response = client.post(action_url(report, "approve"))
    assert response.status_code == 400
    assert "another reviewer of the region approves or returns it" in response.content.decode()
    report.refresh_from_db()
    assert (report.state, report.reviewer) == (State.SUBMITTED, None)


def test_the_second_of_two_reviewers_acting_at_once_is_refused(asp_reviewer, submitted):
    other_reviewer = UserFactory(role="Reviewer", regions=["ASP"])
    stale_copy = ProgressReport.objects.get(pk=submitted.pk)  # what the second one had read
    services.approve_report(submitted, asp_reviewer)
    with pytest.raises(services.WorkflowError, match=r"already approved by asp\.reviewer"):
        services.return_report(stale_copy, other_reviewer, "Too late")
    submitted.refresh_from_db()
    assert (submitted.state, submitted.reviewer) == (State.APPROVED, asp_reviewer)


def test_someone_elses_draft_cannot_be_submitted(client, asp_reviewer, draft):
    client.force_login(asp_reviewer)
    assert client.post(action_url(draft, "submit")).status_code == 404
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_reports_of_an_archived_activity_stay_as_they_are(
    client, asp_editor, asp_reviewer, submitted
):
    Activity.objects.filter(pk=submitted.activity_id).update(archived_at=timezone.now())
    client.force_login(asp_reviewer)
    response = client.post(action_url(submitted, "approve"))
    assert response.status_code == 400
    assert "is archived" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


# --- The report's page ----------------------------------------------------------------------


def test_the_page_shows_the_report_its_history_and_the_users_buttons(
    client, asp_editor, asp_reviewer, viewer, draft
):
    draft.evidence_links = "https://www.itu.int/ixp-study.pdf"
    draft.save()
    client.force_login(asp_editor)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Progress report 2026 Q2" in page and "IXP study" in page
    assert '<a href="https://www.itu.int/ixp-study.pdf"' in page
    assert "only its author sees it" in page
    assert "Submit for review" in page and "/edit/" in page
    client.post(action_url(draft, "submit"))

    client.force_login(asp_reviewer)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert ">Approve<" in page and "Return to the author" in page
    assert "Submitted</strong> by asp.editor" in page
    assert '<label for="id_comment">Comment</label>' in page

    client.force_login(viewer)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "What you can do" not in page
    assert "Trained 40 officials of the regulator." in page


def test_an_approval_with_a_comment_that_cannot_be_kept_is_refused_with_the_comment_shown(
    client, asp_reviewer, submitted
):
    client.force_login(asp_reviewer)
    response = client.post(action_url(submitted, "approve"), {"comment": "Fine\u202e but"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The report is not approved" in page and "U+202E" in page
    submitted.refresh_from_db()
    assert (submitted.state, submitted.reviewer) == (State.SUBMITTED, None)
