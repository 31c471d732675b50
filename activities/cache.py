"""The data version: a token in the cache that changes whenever counted data changes, so that
what is computed from activities — a list, a dashboard's figures — can be kept in the cache
under a key that holds it, and is never served after a write.

Any write of activities, their links, progress reports or reference data replaces the token
(the receivers are connected by `ActivitiesConfig.ready`); so does a bulk write that says so
with `activities.signals.bulk_saved`. Every process sees the new token at once, as long as
the processes share the cache (CACHE_URL: Redis or the database in production).

The token is replaced twice: at once, so that the writer's own next request (and a test in one
transaction) sees the change; and again when the transaction commits, so that what another
process computed between the write and its commit, from the data before it, is not kept.
"""

import hashlib
import logging
import uuid
from contextlib import nullcontext

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from simple_history.models import HistoricalChanges

from activities.signals import bulk_saved

logger = logging.getLogger(__name__)

VERSION_KEY = "data-version"
# The apps whose rows are counted: work data and reference data.
COUNTED_APPS = ["activities", "initiatives"]
# Rows of those apps that nothing counts.
NOT_COUNTED = {"activities.importbatch", "activities.regionassignment"}


def data_version():
    """The current data version: a token that changes whenever counted data changes."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def data_changed():
    """Drop everything computed from the data: now, and again when the transaction commits."""
    _new_version()
    transaction.on_commit(_new_version, robust=True)


def _new_version():
    try:
        # The database cache writes on the connection of the write that called this: in a
        # savepoint, so that its failure (no cache table) does not abort that transaction.
        in_database = isinstance(caches["default"], DatabaseCache)
        with transaction.atomic() if in_database else nullcontext():
            cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # A write must not fail because the cache does not answer; cached values expire anyway.
        logger.exception("The cache could not be told that data changed")


def is_counted(model):
    """Whether rows of `model` are counted (history rows and imports' files are not)."""
    if issubclass(model, HistoricalChanges):
        return False
    return model._meta.app_label in COUNTED_APPS and model._meta.label_lower not in NOT_COUNTED


def connect_receivers():
    """Replace the data version on every write of counted rows (ActivitiesConfig.ready)."""
    for app_label in COUNTED_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            if is_counted(model):
                post_save.connect(_on_save, sender=model)
                post_delete.connect(_on_delete, sender=model)
                m2m_changed.connect(_on_links_changed, sender=model)
    post_save.connect(_on_user_save, sender=get_user_model())
    bulk_saved.connect(_on_bulk_save)


def _on_save(sender, **kwargs):
    data_changed()


def _on_delete(sender, **kwargs):
    data_changed()


def _on_links_changed(sender, action, **kwargs):
    """m2m_changed of a through model: links added, removed or cleared."""
    if action.startswith("post_"):
        data_changed()


def _on_user_save(sender, update_fields=None, **kwargs):
    """Users' names show in lists and dashboards; a login, which only sets last_login, changes
    nothing shown."""
    if set(update_fields or ()) != {"last_login"}:
        data_changed()


def _on_bulk_save(sender, **kwargs):
    """activities.signals.bulk_saved: rows written with bulk_create, which sends no post_save."""
    data_changed()


def list_cache_key(name, request, today):
    """A cache key for the list `name` as `request` asks for it: its query, the user when the
    list is theirs (`mine`), `today` (some filters count as of today) and the data version."""
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    user = request.user.pk if "mine" in request.GET else ""
    digest = hashlib.sha256(repr(query).encode()).hexdigest()
    return f"{name}:{digest}:{user}:{today}:{data_version()}"
