"""The four roles as Django groups, and the model permissions each one has.

A data migration creates the groups from this table; `sync_roles` (run by the same migration and
by `load_reference_data`) brings existing groups back to it. Regions are data, not permissions:
see `activities.permissions`.
"""

VIEWER = "Viewer"
EDITOR = "Editor"
REVIEWER = "Reviewer"
ADMINISTRATOR = "Administrator"

REFERENCE_MODELS = [
    ("initiatives", "actionplan"),
    ("initiatives", "region"),
    ("initiatives", "country"),
    ("initiatives", "designation"),
    ("initiatives", "initiative"),
    ("initiatives", "expectedresult"),
    ("activities", "targetgroup"),
]
WORK_MODELS = [
    ("activities", "activity"),
    ("activities", "progressreport"),
]
ALL_MODELS = [*REFERENCE_MODELS, *WORK_MODELS, ("activities", "regionassignment")]


def _perms(actions, models):
    return [(app, f"{action}_{model}") for app, model in models for action in actions]


VIEWER_PERMISSIONS = _perms(["view"], REFERENCE_MODELS + WORK_MODELS)
EDITOR_PERMISSIONS = [*VIEWER_PERMISSIONS, *_perms(["add", "change"], WORK_MODELS)]
REVIEWER_PERMISSIONS = [*EDITOR_PERMISSIONS, ("activities", "review_progressreport")]
ADMINISTRATOR_PERMISSIONS = [
    *_perms(["view", "add", "change", "delete"], ALL_MODELS),
    ("activities", "review_progressreport"),
    ("activities", "work_in_all_regions"),
    *_perms(["view", "add", "change"], [("auth", "user"), ("auth", "group")]),
]

ROLE_PERMISSIONS = {
    VIEWER: VIEWER_PERMISSIONS,
    EDITOR: EDITOR_PERMISSIONS,
    REVIEWER: REVIEWER_PERMISSIONS,
    ADMINISTRATOR: ADMINISTRATOR_PERMISSIONS,
}


def sync_roles(group_model, permission_model):
    """Create the role groups and set their permissions to the table above.

    Takes the models as arguments so that a migration can pass its historical ones.
    """
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = []
        for app_label, codename in perms:
            wanted.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
