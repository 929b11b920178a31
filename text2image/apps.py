from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextToImageConfig(AppConfig):
    name = "text2image"
    verbose_name = _("Text2Imagen")
