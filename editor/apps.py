from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import features


class EditorConfig(AppConfig):
    name = "editor"

    def ready(self):
        features.register(features.Feature(
            app=self.name,
            kinds=[features.Kind("edit", _("Edited image"), describe="editor.describe.rows")],
            links=[features.Link("edit_url", "editor.describe.edit_url", who="owner")],
            tool=features.Tool(_("Editor"), _(
                "Adjust brightness, contrast, colour and more with live sliders, then download, email or share the "
                "result."), _("Open the editor"), "editor:index"),
        ))
