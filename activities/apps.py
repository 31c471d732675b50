from django.apps import AppConfig
from django.db.models.signals import pre_save

from activities.signals import no_history_for_fixture_rows


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Activities and progress reports"

    def ready(self):
        # The object permissions (user.has_perm(perm, obj)) are registered with `rules`.
        from activities import permissions  # noqa: F401
        from activities.auth_history import register_auth_history

        register_auth_history()
        # Any write of counted data replaces the data version (activities/cache.py).
        from activities.cache import connect_receivers

        connect_receivers()
        pre_save.connect(
            no_history_for_fixture_rows,
            sender="activities.Activity",
            dispatch_uid="activities.no_history_for_fixture_rows",
        )
