"""Who may do what, in one place: views, forms and querysets all ask here.

Every signed-in user reads every region. Writing is scoped: Editors write activities and
progress reports in the regions assigned to them, Reviewers approve or return reports in theirs,
and Administrators (the `activities.work_in_all_regions` permission) work everywhere. A write
outside one's scope answers 403 — the object is visible, so 404 would be a lie.
"""

from django.core.exceptions import PermissionDenied

from initiatives.models import Region

ALL_REGIONS_PERMISSION = "activities.work_in_all_regions"


def region_ids(user):
    """The ids of the regions `user` works in (every region for administrators), cached."""
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


def can_create_activity(user):
    return user.has_perm("activities.add_activity") and bool(region_ids(user))


def can_import_activities(user):
    """Import a spreadsheet of activities: create and change them, in one's own regions (each
    row's region is checked on import)."""
    return can_create_activity(user) and user.has_perm("activities.change_activity")


def can_edit_activity(user, activity):
    return user.has_perm("activities.change_activity") and activity.region_id in region_ids(user)


def can_write_report(user, activity):
    """Write (create, edit, submit) progress reports of `activity`."""
    return user.has_perm("activities.add_progressreport") and activity.region_id in region_ids(user)


def is_administrator(user):
    """Administrators work in every region and may correct an approved progress report."""
    return user.is_active and user.has_perm(ALL_REGIONS_PERMISSION)


def is_reviewer_of(user, activity):
    """Whether `user` reviews progress reports in `activity`'s region (whoever wrote them)."""
    reviews = user.has_perm("activities.review_progressreport")
    return reviews and activity.region_id in region_ids(user)


def can_review(user, report):
    """Approve or return `report`: a reviewer of its region who is not its author."""
    return is_reviewer_of(user, report.activity) and report.author_id != user.pk


def can_see_report(user, report):
    """Drafts are their author's own until submitted: to anyone else a draft does not exist
    (its pages answer 404 and lists leave it out, see ProgressReport.objects.visible_to)."""
    return report.state != report.State.DRAFT or report.author_id == user.pk


def can_edit_report(user, report):
    """Edit `report`: an editor of its region, while it is a draft (its author's) or returned.

    A submitted report waits for its review unchanged; an approved one is read-only, except for
    administrators, who may correct any report they can see.
    """
    return (
        can_write_report(user, report.activity)
        and can_see_report(user, report)
        and (report.is_editable or is_administrator(user))
    )


def require(allowed):
    """Raise PermissionDenied (a 403 page) unless `allowed`."""
    if not allowed:
        raise PermissionDenied
