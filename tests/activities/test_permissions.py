"""activities.permissions: the one place that says who may write where, answered through
Django's own `user.has_perm(perm, obj)` (the `rules` backend) for views, services and admin."""

from django.utils import timezone

from activities import permissions
from activities.models import Activity
from initiatives.models import Region
from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory


def test_editors_write_in_their_regions_only(asp_editor, afr_editor):
    tonga = ActivityFactory(countries=["TON"])
    assert asp_editor.has_perm("activities.change_activity", tonga)
    assert asp_editor.has_perm("activities.add_progressreport", tonga)
    assert not afr_editor.has_perm("activities.change_activity", tonga)
    assert not afr_editor.has_perm("activities.add_progressreport", tonga)


def test_a_new_activity_may_be_added_in_ones_own_region_only(asp_editor):
    asp, afr = Region.objects.get(code="ASP"), Region.objects.get(code="AFR")
    assert asp_editor.has_perm("activities.add_activity", Activity(region=asp))
    assert not asp_editor.has_perm("activities.add_activity", Activity(region=afr))
    assert asp_editor.has_perm("activities.add_activity", asp)
    assert not asp_editor.has_perm("activities.add_activity", afr)


def test_viewers_write_nowhere(viewer):
    activity = ActivityFactory()
    assert not permissions.can_create_activity(viewer)
    assert not viewer.has_perm("activities.change_activity", activity)
    assert not viewer.has_perm("activities.add_progressreport", activity)


def test_an_editor_without_regions_cannot_create(db):
    assert not permissions.can_create_activity(UserFactory(role="Editor"))


def test_administrators_work_in_every_region(db):
    admin = UserFactory(role="Administrator")
    assert permissions.can_create_activity(admin)
    assert admin.has_perm("activities.change_activity", ActivityFactory())
    assert len(permissions.region_ids(admin)) == 6


def test_reviewers_review_in_their_regions_but_not_their_own_reports(asp_reviewer, asp_editor):
    report = ProgressReportFactory(author=asp_editor, state="submitted")
    assert asp_reviewer.has_perm("activities.review_progressreport", report)
    assert not asp_editor.has_perm("activities.review_progressreport", report)
    own = ProgressReportFactory(author=asp_reviewer, state="submitted")
    assert not asp_reviewer.has_perm("activities.review_progressreport", own)
    afr_reviewer = UserFactory(role="Reviewer", regions=["AFR"])
    assert not afr_reviewer.has_perm("activities.review_progressreport", report)


def test_a_draft_is_its_authors_own(asp_editor, viewer, superuser):
    draft = ProgressReportFactory(author=asp_editor)
    assert permissions.can_see_report(asp_editor, draft)
    assert asp_editor.has_perm("activities.change_progressreport", draft)
    other_editor = UserFactory(role="Editor", regions=["ASP"])
    assert not permissions.can_see_report(other_editor, draft)
    assert not other_editor.has_perm("activities.change_progressreport", draft)
    assert not permissions.can_see_report(viewer, draft)
    assert not permissions.can_see_report(superuser, draft)


def test_an_approved_report_is_changed_by_administrators_only(asp_editor, asp_reviewer):
    approved = ProgressReportFactory(
        author=asp_editor, state="approved", reviewer=asp_reviewer, reviewed_at=timezone.now()
    )
    assert not asp_editor.has_perm("activities.change_progressreport", approved)
    admin = UserFactory(role="Administrator")
    assert admin.has_perm("activities.change_progressreport", approved)


def test_the_model_permission_alone_says_what_a_role_may_do_somewhere(asp_editor, viewer):
    assert asp_editor.has_perm("activities.change_activity")
    assert not viewer.has_perm("activities.change_activity")


def test_inactive_users_work_nowhere(asp_editor):
    activity = ActivityFactory()
    asp_editor.is_active = False
    assert permissions.region_ids(asp_editor) == frozenset()
    assert not asp_editor.has_perm("activities.change_activity", activity)
