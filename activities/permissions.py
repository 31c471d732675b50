"""Who may do what, in one place: the object permissions that views, forms, services and the
admin all ask through Django's own API, `user.has_perm(perm, obj)`.

Every signed-in user reads every region. Writing is scoped: Editors write activities and
progress reports in the regions assigned to them, Reviewers approve or return reports in theirs,
and Administrators (the `activities.work_in_all_regions` permission) work everywhere. A write
outside one's scope answers 403 — the object is visible, so 404 would be a lie.

Two backends answer together (settings.AUTHENTICATION_BACKENDS): Django's ModelBackend for the
model permission alone (`user.has_perm("activities.change_activity")`: the role may change
activities somewhere), and the `rules` backend for an object, with the rules below
(`user.has_perm("activities.change_activity", activity)`: this user may change this one).
A rule that writes always includes the model permission, so a role never does more with an
object than without one.

The rules, by permission (and the object it is asked about):
- activities.add_activity (the new activity, or a region): an editor of its region;
- activities.change_activity (an activity): an editor of its region;
- activities.add_progressreport (the activity reported on): an editor of its region;
- activities.change_progressreport (a report): an editor of its region who sees it, while it is
  a draft or returned (administrators: in any state);
- activities.review_progressreport (a report, or its activity): a reviewer of its region who is
  not its author;
- activities.delete_activity, activities.delete_progressreport (the admin only): a role that
  deletes, in its regions (and a report it sees).
"""

import rules
from django.core.exceptions import PermissionDenied

from initiatives.models import Region

ALL_REGIONS_PERMISSION = "activities.work_in_all_regions"


def region_ids(user):
    """The ids of the regions `user` works in (every region for administrators), cached on the
    user for the request."""
    if not hasattr(user, "_tracker_region_ids"):
        if not user.is_active:
            ids = frozenset()
        elif user.has_perm(ALL_REGIONS_PERMISSION):
            ids = frozenset(Region.objects.values_list("pk", flat=True))
        else:
            ids = frozenset(user.region_assignments.values_list("region_id", flat=True))
        user._tracker_region_ids = ids
    return user._tracker_region_ids


def regions(user):
    """The regions `user` works in, as a queryset (for form choices)."""
    return Region.objects.filter(pk__in=region_ids(user))


def can_see_report(user, report):
    """Drafts are their author's own until submitted: to anyone else, superusers included, a
    draft does not exist (its pages answer 404 and lists leave it out, see
    ProgressReport.objects.visible_to). Not a permission (reading is every signed-in user's,
    and a superuser holds every permission): who wrote the row decides."""
    return report.state != report.State.DRAFT or report.author_id == user.pk


def require(allowed):
    """Raise PermissionDenied (a 403 page) unless `allowed`."""
    if not allowed:
        raise PermissionDenied


# --- The rules --------------------------------------------------------------------------------


def holds(permission):
    """A predicate: `user` holds the model permission `permission` through a role (not through
    the rules, which would ask back here)."""

    @rules.predicate(name=f"holds {permission}")
    def predicate(user):
        return user.is_active and permission in user.get_all_permissions()

    return predicate


def _region_id(obj):
    """The region an activity, a report or a region is of; None for anything else."""
    if obj is None:
        return None
    if isinstance(obj, Region):
        return obj.pk
    if hasattr(obj, "region_id"):  # an activity
        return obj.region_id
    activity = getattr(obj, "activity", None)  # a progress report
    return activity.region_id if activity is not None else None


@rules.predicate
def in_users_regions(user, obj):
    region_id = _region_id(obj)
    return region_id is not None and region_id in region_ids(user)


@rules.predicate
def is_visible_report(user, report):
    return report is not None and can_see_report(user, report)


@rules.predicate
def is_editable_report(user, report):
    return report is not None and report.is_editable


@rules.predicate
def is_report_author(user, report):
    return getattr(report, "author_id", None) == user.pk


works_everywhere = holds(ALL_REGIONS_PERMISSION)

rules.add_perm("activities.add_activity", holds("activities.add_activity") & in_users_regions)
rules.add_perm("activities.change_activity", holds("activities.change_activity") & in_users_regions)
rules.add_perm(
    "activities.add_progressreport", holds("activities.add_progressreport") & in_users_regions
)
# A submitted report waits for its review unchanged; an approved one is read-only, except for
# administrators, who may correct any report they can see.
rules.add_perm(
    "activities.change_progressreport",
    holds("activities.add_progressreport")
    & in_users_regions
    & is_visible_report
    & (is_editable_report | works_everywhere),
)
# Deleting (the admin only: the staff pages archive) is an editor's right in their regions.
rules.add_perm("activities.delete_activity", holds("activities.delete_activity") & in_users_regions)
rules.add_perm(
    "activities.delete_progressreport",
    holds("activities.delete_progressreport") & in_users_regions & is_visible_report,
)
rules.add_perm(
    "activities.review_progressreport",
    holds("activities.review_progressreport") & in_users_regions & ~is_report_author,
)


# --- Questions asked without an object --------------------------------------------------------


def can_create_activity(user):
    """Create activities somewhere: the role, and at least one region."""
    return user.has_perm("activities.add_activity") and bool(region_ids(user))


def can_import_activities(user):
    """Import a spreadsheet of activities: create and change them, in one's own regions (each
    row's region is checked on import)."""
    return can_create_activity(user) and user.has_perm("activities.change_activity")
