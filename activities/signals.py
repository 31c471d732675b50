"""Signals of the activities app."""

from django.dispatch import Signal

# Sent after activities, their links or their progress reports were written in bulk
# (`bulk_create`), which sends no post_save: whoever keeps figures counted from them (the
# dashboards' cache) drops them. `sender` is the model written.
bulk_saved = Signal()
