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
    ("initiatives", "countrygroup"),
    ("initiatives", "designation"),
    ("initiatives", "initiative"),
    ("initiatives", "expectedresult"),
    ("initiatives", "indicator"),
    ("initiatives", "target"),
    ("initiatives", "exchangerate"),
    ("activities", "targetgroup"),
]
WORK_MODELS = [
    ("activities", "activity"),
    ("activities", "progressreport"),
]
ALL_MODELS = [
    *REFERENCE_MODELS,
    *WORK_MODELS,
    ("activities", "regionassignment"),
    ("activities", "notificationpreference"),
]


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
    # Tokens are made by their owner only; administrators see them and revoke them.
    *_perms(["view", "change"], [("activities", "apitoken")]),
]

ROLE_PERMISSIONS = {
    VIEWER: VIEWER_PERMISSIONS,
    EDITOR: EDITOR_PERMISSIONS,
    REVIEWER: REVIEWER_PERMISSIONS,
    ADMINISTRATOR: ADMINISTRATOR_PERMISSIONS,
}


def sync_roles(group_model, permission_model):
    """Create the role groups and set their permissions to the table above.

    Takes the models as arguments so that a migration can pass its historical ones. A
    permission of a model that a migration has not made yet is left out: the migration that
    makes the model syncs the roles again (`sync_roles_in_migration`), and tests/activities/
    test_roles.py checks that the roles end up exactly as the table says.
    """
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = []
        for app_label, codename in perms:
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


def sync_roles_in_migration(apps, schema_editor):
    """A migration's step that syncs the roles with the models it knows, their permissions
    made first (Django makes them only after every migration ran)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
