from django.apps import AppConfig
from django.db.models.signals import pre_save


def no_history_for_fixture_rows(sender, instance, raw, **kwargs):
    """A row that loaddata saves (`raw`: a restored backup, a fixture) writes no history.

    loaddata saves an activity, then sets its target groups, which simple-history would record
    as a change: a restored backup would grow history rows that the original never had (on
    PostgreSQL, with ids that the backup's own history rows still need). The backup brings
    the history with it.
    """
    if raw:
        instance.skip_history_when_saving = True


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Activities and progress reports"

    def ready(self):
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
