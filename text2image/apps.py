from django.apps import AppConfig


class TextToImageConfig(AppConfig):
    name = "text2image"
