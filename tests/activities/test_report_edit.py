"""Editing a progress report: /activities/<id>/reports/<report>/edit/."""

import pytest
from django.utils import timezone

from activities.models import Activity, ProgressReport
from tests.factories import ProgressReportFactory, UserFactory, progress_report_form_data


def url(report):
    return f"/activities/{report.activity_id}/reports/{report.pk}/edit/"


@pytest.fixture
def draft(asp_editor):
    return ProgressReportFactory(author=asp_editor, achievements="First words.")


@pytest.fixture
def returned(asp_editor, asp_reviewer):
    return ProgressReportFactory(
        author=asp_editor,
        state=ProgressReport.State.RETURNED,
        reviewer=asp_reviewer,
        reviewed_at=timezone.now(),
        review_comment="Add the number of women trained.",
    )


def test_the_author_edits_a_draft(client, asp_editor, draft):
    client.force_login(asp_editor)
    response = client.get(url(draft))
    assert response.status_code == 200
    assert response.context["form"]["version"].value() == 1
    response = client.post(
        url(draft), progress_report_form_data(draft, achievements="Better words."), follow=True
    )
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "Your changes to the report for 2026 Q2 are saved." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.achievements, draft.version, draft.state) == ("Better words.", 2, "draft")
    latest = draft.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("Edited", asp_editor)


def test_a_save_made_in_between_is_not_overwritten(client, asp_editor, draft):
    client.force_login(asp_editor)
    opened = progress_report_form_data(draft, achievements="Typed in the first tab.")
    # Meanwhile the same report is saved from another tab.
    client.post(url(draft), progress_report_form_data(draft, percent_complete=70))
    response = client.post(url(draft), opened)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this progress report while you were editing it" in page
    assert "<li>Percent complete: 70</li>" in page
    assert "Typed in the first tab." in page  # the input is kept
    assert response.context["form"]["version"].value() == 2
    draft.refresh_from_db()
    assert (draft.achievements, draft.percent_complete, draft.version) == ("First words.", 70, 2)

    # Saving again, knowingly, may still set back their change (by hand: the form now shows
    # their percent complete beside the user's words).
    assert response.context["form"]["percent_complete"].value() == 70
    client.post(url(draft), {**opened, "version": 2})
    draft.refresh_from_db()
    assert (draft.achievements, draft.percent_complete, draft.version) == (
        "Typed in the first tab.",
        40,
        3,
    )


def test_a_returned_report_shows_the_comment_and_another_editor_may_fix_it(client, returned):
    colleague = UserFactory(role="Editor", regions=["ASP"])
    client.force_login(colleague)
    response = client.get(url(returned))
    assert "Add the number of women trained." in response.content.decode()
    client.post(url(returned), progress_report_form_data(returned, people_reached_women=9))
    returned.refresh_from_db()
    assert returned.people_reached_women == 9
    assert returned.state == ProgressReport.State.RETURNED  # until it is submitted again
    assert returned.author != colleague


def test_a_submitted_report_waits_for_its_review_unchanged(client, asp_editor, draft):
    ProgressReport.objects.filter(pk=draft.pk).update(state=ProgressReport.State.SUBMITTED)
    client.force_login(asp_editor)
    response = client.post(
        url(draft), progress_report_form_data(draft, achievements="Changed"), follow=True
    )
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "This report is submitted: it can no longer be edited." in response.content.decode()
    draft.refresh_from_db()
    assert draft.achievements == "First words."


@pytest.fixture
def approved(asp_editor, asp_reviewer):
    return ProgressReportFactory(
        author=asp_editor,
        state=ProgressReport.State.APPROVED,
        reviewer=asp_reviewer,
        reviewed_at=timezone.now(),
    )


def test_an_approved_report_is_read_only(client, asp_editor, asp_reviewer, approved):
    for user in [asp_editor, asp_reviewer]:
        client.force_login(user)
        assert client.get(url(approved)).status_code == 302
        client.post(url(approved), progress_report_form_data(approved, achievements="Changed"))
        page = client.get(approved.get_absolute_url()).content.decode()
        assert "/edit/" not in page
    approved.refresh_from_db()
    assert approved.achievements == "Trained 40 officials of the regulator."


@pytest.mark.parametrize("admin", ["Administrator group", "superuser"])
def test_administrators_correct_an_approved_report(client, approved, admin):
    if admin == "superuser":
        user = UserFactory(is_superuser=True)
    else:
        user = UserFactory(role="Administrator")
    client.force_login(user)
    assert "/edit/" in client.get(approved.get_absolute_url()).content.decode()
    response = client.post(url(approved), progress_report_form_data(approved, percent_complete=45))
    assert response.status_code == 302
    approved.refresh_from_db()
    assert (approved.percent_complete, approved.state) == (45, ProgressReport.State.APPROVED)


def test_someone_elses_draft_does_not_exist_for_others(client, draft, asp_reviewer):
    client.force_login(UserFactory(role="Administrator"))
    assert client.get(url(draft)).status_code == 404
    client.force_login(asp_reviewer)
    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft), progress_report_form_data(draft)).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.refresh_from_db()
    assert draft.version == 1


def test_an_editor_of_another_region_is_refused(client, afr_editor, returned):
    client.force_login(afr_editor)
    assert client.get(url(returned)).status_code == 403
    response = client.post(url(returned), progress_report_form_data(returned, percent_complete=1))
    assert response.status_code == 403
    returned.refresh_from_db()
    assert returned.percent_complete == 40


def test_moving_to_a_period_already_reported_is_a_form_error(client, asp_editor, draft):
    ProgressReportFactory(activity=draft.activity, year=2026, quarter=1, state="submitted")
    client.force_login(asp_editor)
    response = client.post(url(draft), progress_report_form_data(draft, quarter=1))
    assert response.context["form"].has_error("quarter")
    draft.refresh_from_db()
    assert draft.quarter == 2


def test_reports_of_an_archived_activity_are_read_only(client, asp_editor, draft):
    Activity.objects.filter(pk=draft.activity_id).update(archived_at=timezone.now())
    client.force_login(asp_editor)
    response = client.post(url(draft), progress_report_form_data(draft, percent_complete=99))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.percent_complete == 40


def test_the_wrong_activity_in_the_address_is_404(client, asp_editor, draft):
    other = ProgressReportFactory(author=asp_editor, quarter=1)
    client.force_login(asp_editor)
    wrong = f"/activities/{other.activity_id}/reports/{draft.pk}/edit/"
    assert client.get(wrong).status_code == 404
