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

What is kept under these tokens is computed once however many ask for it at once
(`get_or_compute`): right after a write, the requests that all need the same new figures wait
for the one computing them rather than each computing them too.

A second token, the reference version, changes only when reference data (the initiatives app:
plans, regions, countries, groups, initiatives, expected results) or a user's name changes:
what the lists' filters offer is kept under it, so that writing an activity does not make
the next list fetch and write out every country, result and user again.
"""

import hashlib
import logging
import time
import uuid
from contextlib import nullcontext
from functools import partial

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
REFERENCE_VERSION_KEY = "reference-version"
# The apps whose rows are counted: work data and reference data.
COUNTED_APPS = ["activities", "initiatives"]
# Rows of those apps that nothing counts.
NOT_COUNTED = {"activities.importbatch", "activities.regionassignment"}
# How long the requests asking for a value another one is computing wait for it, at most, and
# how often they look whether it is there.
COMPUTING_SECONDS = 30
WAIT_SECONDS = 0.05
# The app whose rows are reference data.
REFERENCE_APP = "initiatives"


def data_version():
    """The current data version: a token that changes whenever counted data changes."""
    return _token(VERSION_KEY)


def reference_version():
    """The current reference version: a token that changes whenever reference data or a
    user's name changes (and not when work data does)."""
    return _token(REFERENCE_VERSION_KEY)


def _token(key):
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key)
    return token


def data_changed(*, reference=False):
    """Drop everything computed from the data (with `reference`, from reference data too):
    now, and again when the transaction commits."""
    keys = [VERSION_KEY, REFERENCE_VERSION_KEY] if reference else [VERSION_KEY]
    _new_tokens(keys)
    transaction.on_commit(partial(_new_tokens, keys), robust=True)


def _new_tokens(keys):
    try:
        # The database cache writes on the connection of the write that called this: in a
        # savepoint, so that its failure (no cache table) does not abort that transaction.
        in_database = isinstance(caches["default"], DatabaseCache)
        with transaction.atomic() if in_database else nullcontext():
            cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
    except Exception:
        # A write must not fail because the cache does not answer; cached values expire anyway.
        logger.exception("The cache could not be told that data changed")


def get_or_compute(key, compute, seconds):
    """The value kept in the cache under `key`; when it is missing, `compute()` it and keep it
    for `seconds` — once, however many ask at the same time.

    After a write, every page's next request finds nothing under the new data version. On a
    busy server many requests then ask for the same figures at once: each computing them would
    make each take as long as all of them together. So the first one computes (holding a lock
    in the cache) and the others wait for its value, looking every WAIT_SECONDS; they compute
    it themselves only when the lock goes without a value (the first one failed) or after
    COMPUTING_SECONDS. Nothing older is ever served. With a cache that keeps nothing
    (dummy://), every request computes.
    """
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"computing:{key}"
    holds_lock = cache.add(lock, True, COMPUTING_SECONDS)
    deadline = time.monotonic() + COMPUTING_SECONDS
    while not holds_lock and time.monotonic() < deadline:
        time.sleep(WAIT_SECONDS)
        value = cache.get(key)
        if value is not None:
            return value
        holds_lock = cache.add(lock, True, COMPUTING_SECONDS)  # if the first one failed
    try:
        value = compute()
        cache.set(key, value, seconds)
    finally:
        if holds_lock:
            cache.delete(lock)
    return value


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
    post_delete.connect(_on_user_delete, sender=get_user_model())
    bulk_saved.connect(_on_bulk_save)


def is_reference(model):
    """Whether rows of `model` are reference data."""
    return model._meta.app_label == REFERENCE_APP


def _on_save(sender, **kwargs):
    data_changed(reference=is_reference(sender))


def _on_delete(sender, **kwargs):
    data_changed(reference=is_reference(sender))


def _on_links_changed(sender, action, **kwargs):
    """m2m_changed of a through model: links added, removed or cleared."""
    if action.startswith("post_"):
        data_changed(reference=is_reference(sender))


def _on_user_save(sender, update_fields=None, **kwargs):
    """Users' names show in lists, their filters and dashboards; a login, which only sets
    last_login, changes nothing shown."""
    if set(update_fields or ()) != {"last_login"}:
        data_changed(reference=True)


def _on_user_delete(sender, **kwargs):
    data_changed(reference=True)


def _on_bulk_save(sender, **kwargs):
    """activities.signals.bulk_saved: rows written with bulk_create, which sends no post_save."""
    data_changed(reference=is_reference(sender))


def list_cache_key(name, request, today, version=None):
    """A cache key for the list `name` as `request` asks for it: its query, the user when the
    list is theirs (`mine`), `today` (some filters count as of today) and `version` (by
    default the data version)."""
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    user = request.user.pk if "mine" in request.GET else ""
    digest = hashlib.sha256(repr(query).encode()).hexdigest()
    return f"{name}:{digest}:{user}:{today}:{version or data_version()}"
