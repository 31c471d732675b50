from django.apps import AppConfig
from django.core import checks


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Dashboards and regional reports"

    def ready(self):
        checks.register(check_shared_cache, checks.Tags.caches, deploy=True)


def check_shared_cache(app_configs, **kwargs):
    """With DEBUG off, the cache must be shared by the server's processes: a write in one of
    them must drop the figures that every other one keeps."""
    from django.conf import settings

    if settings.DEBUG:
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The cache is not shared between processes (CACHE_URL is locmem://): under "
                "gunicorn's several workers, a dashboard may show figures from before a write "
                "made in another worker.",
                hint="Set CACHE_URL to redis://HOST:PORT/DB or db://django_cache.",
                id="reports.W001",
            )
        ]
    return []
