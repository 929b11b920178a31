from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Imogen core"

    def ready(self):
        from . import signals  # noqa: F401  (worker heartbeat)
