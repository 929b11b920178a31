from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import features


class StyleTransferConfig(AppConfig):
    name = "styletransfer"

    def ready(self):
        from . import calibration  # noqa: F401  (a style worker measures this machine's speed when it starts)
        features.register(features.Feature(
            app=self.name,
            kinds=[features.Kind("style", _("Style transfer"), describe="styletransfer.describe.rows")],
            links=[features.Link("remix_url", "styletransfer.describe.remix_url", who="shared"),
                   features.Link("try_style_url", "styletransfer.describe.try_style_url")],
            jobs=["styletransfer.StyleTransferJob"],
            pending=features.Pending("styletransfer/_pending.html", "styletransfer.tiles.pending"),
            home=[features.Section("styletransfer/_home_styles.html", "styletransfer.tiles.home_styles")],
            strings="styletransfer.words.page_strings",
            tool=features.Tool(_("Style Transfer"), _(
                "Paint your photo in the style of another image: a painting, a pattern, a texture. Choose from our "
                "samples or upload your own."), _("Start style transfer"), "styletransfer:create"),
        ))
