"""The dashboards' figures, cached until the data behind them changes.

Counting a region's figures reads every activity of the year; rendering them is most of a
dashboard's time. So the pages keep what they render in the cache (Django's `{% cache %}` tag,
the JSON with `cache.get_or_set`) under a key that holds the *data version*: a token that any
write of activities, their links, progress reports or reference data replaces (the receivers
are connected in `ReportsConfig.ready`). A write therefore shows on the very next request,
from any process, as long as the processes share the cache (CACHE_URL: Redis or the database
in production).

The token is replaced twice: at once, so that the writer's own next request (and a test in one
transaction) sees the change; and again when the transaction commits, so that a page counted
by another process between the write and its commit, from the data before it, is not kept.
"""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from simple_history.models import HistoricalChanges

logger = logging.getLogger(__name__)

VERSION_KEY = "reports:data-version"
# The apps whose rows the figures are counted from: work data and reference data.
COUNTED_APPS = {"activities", "initiatives"}
# Rows of those apps that no figure reads.
NOT_COUNTED = {"activities.importbatch", "activities.regionassignment"}


def data_version():
    """The current data version: a token that changes whenever counted data changes."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def data_changed():
    """Drop every cached figure: now, and again when the current transaction commits."""
    _new_version()
    transaction.on_commit(_new_version, robust=True)


def _new_version():
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # A write must not fail because the cache does not answer; the figures expire anyway.
        logger.exception("The dashboards' cache could not be told that data changed")


def is_counted(model):
    """Whether rows of `model` go into a figure (history rows and imports' files do not)."""
    if issubclass(model, HistoricalChanges):
        return False
    return model._meta.app_label in COUNTED_APPS and model._meta.label_lower not in NOT_COUNTED


# Receivers, connected by ReportsConfig.ready to the models whose rows are counted.


def on_save(sender, **kwargs):
    data_changed()


def on_delete(sender, **kwargs):
    data_changed()


def on_links_changed(sender, action, **kwargs):
    """m2m_changed of a through model: links added, removed or cleared."""
    if action.startswith("post_"):
        data_changed()


def on_user_save(sender, update_fields=None, **kwargs):
    """A stale activity shows its focal point's name; a login, which only sets last_login,
    changes no figure."""
    if set(update_fields or ()) != {"last_login"}:
        data_changed()


def on_bulk_save(sender, **kwargs):
    """activities.signals.bulk_saved: rows written with bulk_create, which sends no post_save."""
    data_changed()


@dataclass(frozen=True)
class FiguresCache:
    """Where a page keeps its figures: `key` (what they are of, today's date — staleness is
    counted as of today — and the data version) and for how long at most."""

    key: str
    seconds: int

    def get_or_set(self, name, compute):
        """The cached value `name` of these figures, computed by `compute()` when missing."""
        return cache.get_or_set(f"reports:{name}:{self.key}", compute, self.seconds)


def figures_cache(*parts):
    """The FiguresCache of the figures of `parts`, e.g. ("ASP", "WTDC-25", 2026)."""
    key = ":".join(str(part) for part in (*parts, timezone.localdate(), data_version()))
    return FiguresCache(key=key, seconds=settings.FIGURES_CACHE_SECONDS)
