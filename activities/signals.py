"""Signals of the activities app, and receivers that belong to no one module."""

from django.dispatch import Signal

# Sent after activities, their links or their progress reports were written in bulk
# (`bulk_create`), which sends no post_save: whoever keeps figures counted from them (the
# dashboards' cache) drops them. `sender` is the model written.
bulk_saved = Signal()


def no_history_for_fixture_rows(sender, instance, raw, **kwargs):
    """A row that loaddata saves (`raw`: a restored backup, a fixture) writes no history.

    loaddata saves an activity, then sets its target groups, which simple-history would record
    as a change: a restored backup would grow history rows that the original never had (on
    PostgreSQL, with ids that the backup's own history rows still need). The backup brings
    the history with it.
    """
    if raw:
        instance.skip_history_when_saving = True
