"""The history of users and groups (django.contrib.auth), kept in this app's tables.

Administrators change users (names, e-mail, active or not, roles as groups) and groups (a role's
permissions) in the admin; like every model people change, they keep their history, which the
admin shows and reverts. `register_auth_history` is called once, from this app's
`AppConfig.ready()`: the auth models are Django's, so their history is registered from outside.

A user's password hash and last login are not copied into the history: a history row must not
become a second store of password hashes, and a revert must never change a password.
"""

import simple_history
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import pre_save
from simple_history.models import HistoricalRecords

from activities.signals import no_history_for_fixture_rows

# Fields of the user that the history leaves out; a revert keeps the user's own.
USER_FIELDS_NOT_IN_HISTORY = ["password", "last_login"]


class AuthHistoricalRecords(HistoricalRecords):
    """History records that skip a save of left-out fields only: a login (which saves
    `last_login` alone) or a password rehash changes nothing that the history keeps, so it
    writes no row."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)


def register_auth_history():
    """Give users and groups their history, with their many-to-many links: a user's groups
    (roles) and own permissions, a group's permissions. The tables are this app's (migration
    activities 0005)."""
    user_model = get_user_model()
    simple_history.register(
        user_model,
        app="activities",
        records_class=AuthHistoricalRecords,
        excluded_fields=USER_FIELDS_NOT_IN_HISTORY,
        m2m_fields=["groups", "user_permissions"],
    )
    simple_history.register(
        Group,
        app="activities",
        records_class=AuthHistoricalRecords,
        m2m_fields=["permissions"],
    )
    # A restored backup brings its own history rows; loaddata's saves write none (see there).
    for model in (user_model, Group):
        pre_save.connect(
            no_history_for_fixture_rows,
            sender=model,
            dispatch_uid=f"activities.no_history_for_fixture_rows.{model._meta.label_lower}",
        )
