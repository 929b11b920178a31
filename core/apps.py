from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Imogen core"

    def ready(self):
        from . import cleanup, schema, signals  # noqa: F401  (files of stopped jobs, OpenAPI auth, worker heartbeat)
