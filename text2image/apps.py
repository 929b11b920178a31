from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import features


class TextToImageConfig(AppConfig):
    name = "text2image"
    verbose_name = _("Text2Imagen")

    def ready(self):
        features.register(features.Feature(
            app=self.name,
            kinds=[features.Kind("text2image", _("Text2Imagen"), describe="text2image.describe.rows")],
            links=[features.Link("use_prompt_url", "text2image.describe.use_prompt_url")],
            jobs=["text2image.TextToImageJob"],
            tool=features.Tool(_("Text2Imagen"), _(
                "Describe the picture you want in Korean or English, and what you don't want. Imogen draws it at "
                "wallpaper size."), _("Write a prompt"), "text2image:create"),
        ))
