"""How an edited creation is described, and the editor's link on every creation (registered in editor.apps)."""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from gallery.sharing import number_words, size_words

from .filters import FILTERS


def rows(creation, meta):
    found = []
    filters = meta.get("filters") if isinstance(meta.get("filters"), dict) else {}
    for name, spec in FILTERS.items():
        if name not in filters:
            continue
        value = filters[name]
        if spec["unit"] == "deg":
            shown = _("%(n)s°") % {"n": number_words(value, 0)}
        elif spec["unit"] == "px":
            shown = _("%(n)s px") % {"n": number_words(value, 1)}
        else:
            shown = _("%(n)s %%") % {"n": number_words(float(value) * 100, 0)}
        found.append({"label": str(spec["label"]), "value": shown})
    if not found:
        found.append({"label": _("Adjustments"), "value": _("None")})
    found.append({"label": _("Size"), "value": size_words(creation)})
    return found


def edit_url(creation, mine):
    """/editor/?creation=<creation uuid> (owner only)."""
    return f"{reverse('editor:index')}?{urlencode({'creation': str(creation.pk)})}"
