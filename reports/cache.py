"""The dashboards' figures, cached until the data behind them changes.

Counting a region's figures reads every activity of the year; rendering them is most of a
dashboard's time. So the pages keep what they render in the cache (the `{% cached %}` tag of
report_tags, the JSON with `FiguresCache.get_or_set`) under a key that holds the data version
(`activities.cache.data_version`), which any write replaces: a write shows on the very next
request, from any process. However many requests ask for the same figures at once, they are
computed once (`activities.cache.get_or_compute`).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from activities.cache import data_version, get_or_compute


@dataclass(frozen=True)
class FiguresCache:
    """Where a page keeps its figures: `key` (what they are of, today's date — staleness is
    counted as of today — and the data version) and for how long at most."""

    key: str
    seconds: int

    def get_or_set(self, name, compute):
        """The cached value `name` of these figures, computed by `compute()` when missing."""
        return get_or_compute(f"reports:{name}:{self.key}", compute, self.seconds)


def figures_cache(*parts):
    """The FiguresCache of the figures of `parts`, e.g. ("ASP", "WTDC-25", 2026)."""
    key = ":".join(str(part) for part in (*parts, timezone.localdate(), data_version()))
    return FiguresCache(key=key, seconds=settings.DATA_CACHE_SECONDS)
