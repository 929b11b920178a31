from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Imogen core"

    def ready(self):
        from . import schema, signals  # noqa: F401  (OpenAPI auth scheme, worker heartbeat)
