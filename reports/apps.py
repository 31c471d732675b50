from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import m2m_changed, post_delete, post_save


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Dashboards and regional reports"

    def ready(self):
        from django.apps import apps
        from django.contrib.auth import get_user_model

        from activities.signals import bulk_saved
        from reports import cache

        # Any write of counted data drops the dashboards' cached figures (reports/cache.py).
        for app_label in cache.COUNTED_APPS:
            for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
                if cache.is_counted(model):
                    post_save.connect(cache.on_save, sender=model)
                    post_delete.connect(cache.on_delete, sender=model)
                    m2m_changed.connect(cache.on_links_changed, sender=model)
        post_save.connect(cache.on_user_save, sender=get_user_model())
        bulk_saved.connect(cache.on_bulk_save)
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
