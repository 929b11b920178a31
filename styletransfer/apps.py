from django.apps import AppConfig


class StyleTransferConfig(AppConfig):
    name = "styletransfer"
