"""The four roles are groups created by a migration, with the permissions of DESIGN.md."""

import pytest
from django.contrib.auth.models import Group

from activities.models import RegionAssignment
from initiatives.models import Region
from tests.factories import UserFactory


def perms(user):
    return user.get_all_permissions()


def test_the_migration_creates_the_four_roles(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Viewer", "Editor", "Reviewer", "Administrator",
    }  # fmt: skip


def test_a_viewer_reads_everything_and_changes_nothing(db):
    user = UserFactory(role="Viewer")
    assert {
        "activities.view_activity",
        "activities.view_progressreport",
        "initiatives.view_country",
    } <= perms(user)
    assert not any(p.split(".")[1].startswith(("add_", "change_", "delete_")) for p in perms(user))


def test_an_editor_writes_activities_and_reports_but_reviews_and_deletes_nothing(db):
    user = UserFactory(role="Editor")
    assert {
        "activities.add_activity",
        "activities.change_activity",
        "activities.add_progressreport",
    } <= perms(user)
    assert "activities.review_progressreport" not in perms(user)
    assert "activities.delete_activity" not in perms(user)
    assert "initiatives.change_country" not in perms(user)


def test_a_reviewer_also_reviews(db):
    user = UserFactory(role="Reviewer")
    assert {"activities.change_activity", "activities.review_progressreport"} <= perms(user)
    assert "activities.delete_progressreport" not in perms(user)


def test_an_administrator_keeps_reference_data_and_users(db):
    user = UserFactory(role="Administrator")
    assert {
        "initiatives.change_designation",
        "initiatives.add_countrygroup",
        "initiatives.delete_expectedresult",
        "activities.delete_activity",
        "activities.add_regionassignment",
        "auth.change_user",
    } <= perms(user)


@pytest.mark.django_db
def test_a_user_is_assigned_regions():
    user = UserFactory(regions=["ASP", "AFR"])
    assert set(user.region_assignments.values_list("region__code", flat=True)) == {"ASP", "AFR"}
    assert (
        str(RegionAssignment.objects.filter(user=user, region=Region.objects.get(code="ASP")).get())
        == f"{user} – ASP"
    )


def test_the_migrated_roles_hold_exactly_the_table(db):
    """Every permission of the table exists once all migrations ran: none left out."""
    from activities.roles import ROLE_PERMISSIONS

    for name, table in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        held = set(group.permissions.values_list("content_type__app_label", "codename"))
        assert held == set(table), name


def test_an_administrator_keeps_indicators_and_targets_and_everyone_reads_them(db):
    administrator = UserFactory(role="Administrator")
    assert {
        "initiatives.add_indicator",
        "initiatives.change_target",
        "initiatives.add_target",
        "activities.view_notificationpreference",
    } <= perms(administrator)
    viewer = UserFactory(role="Viewer")
    assert {"initiatives.view_indicator", "initiatives.view_target"} <= perms(viewer)
