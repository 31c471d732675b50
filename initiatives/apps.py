from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = "Initiatives and reference data"

    def ready(self):
        from initiatives import lookups, signals  # noqa: F401  (connects the receivers)

        lookups.register()
