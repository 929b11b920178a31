from django.apps import AppConfig


class StyleTransferConfig(AppConfig):
    name = "styletransfer"

    def ready(self):
        from . import calibration  # noqa: F401  (a style worker measures this machine's speed when it starts)
