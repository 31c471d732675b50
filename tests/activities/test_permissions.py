"""activities.permissions: the one place that says who may write where."""

from activities import permissions
from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory


def test_editors_write_in_their_regions_only(asp_editor, afr_editor):
    tonga = ActivityFactory(countries=["TON"])
    assert permissions.can_edit_activity(asp_editor, tonga)
    assert permissions.can_write_report(asp_editor, tonga)
    assert not permissions.can_edit_activity(afr_editor, tonga)
    assert not permissions.can_write_report(afr_editor, tonga)


def test_viewers_write_nowhere(viewer):
    assert not permissions.can_create_activity(viewer)
    assert not permissions.can_edit_activity(viewer, ActivityFactory())


def test_an_editor_without_regions_cannot_create(db):
    assert not permissions.can_create_activity(UserFactory(role="Editor"))


def test_administrators_work_in_every_region(db):
    admin = UserFactory(role="Administrator")
    assert permissions.can_create_activity(admin)
    assert permissions.can_edit_activity(admin, ActivityFactory())
    assert len(permissions.region_ids(admin)) == 6


def test_reviewers_review_in_their_regions_but_not_their_own_reports(asp_reviewer, asp_editor):
    report = ProgressReportFactory(author=asp_editor, state="submitted")
    assert permissions.can_review(asp_reviewer, report)
    assert not permissions.can_review(asp_editor, report)
    own = ProgressReportFactory(author=asp_reviewer, state="submitted")
    assert not permissions.can_review(asp_reviewer, own)
    afr_reviewer = UserFactory(role="Reviewer", regions=["AFR"])
    assert not permissions.can_review(afr_reviewer, report)


def test_inactive_users_work_nowhere(asp_editor):
    asp_editor.is_active = False
    assert permissions.region_ids(asp_editor) == frozenset()
