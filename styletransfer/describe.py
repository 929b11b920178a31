"""How a style transfer creation is described and reused on its page (registered in styletransfer.apps)."""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from core.sizes import WALLPAPER_SIZES
from gallery.sharing import number_words, size_words

from . import remix


def rows(creation, meta):
    """A style transfer: the two inputs (thumbnails), strength, size, quality, colours, seed."""
    found = []
    job = remix.job_of(creation)
    for side, label in (("content", _("Photo")), ("style", _("Style"))):
        chosen = remix.input_of(job, side, creation) if job else None
        if chosen:
            found.append({"label": label, "value": chosen["title"], "image": chosen["thumbnail_url"]})
    if "style_strength" in meta:
        found.append({"label": _("Style strength"), "value": number_words(meta["style_strength"], 1)})
    size = size_words(creation)
    size_names = {size.key: size.label for size in WALLPAPER_SIZES} | {"content": _("Same shape as the photo")}
    if meta.get("size_preset") in size_names:
        size = f"{size_names[meta['size_preset']]} · {size}"
    found.append({"label": _("Size"), "value": size})
    quality = {"instant": _("Instant"), "preview": _("Fast draft"), "standard": _("Standard"),
               "high": _("High quality (slow)")}
    if meta.get("preset"):
        found.append({"label": _("Quality"), "value": quality.get(meta["preset"], _("Other"))})
    if "preserve_colors" in meta:
        found.append({"label": _("Keep the photo's colours"),
                      "value": _("Yes") if meta["preserve_colors"] else _("No")})
    if "seed" in meta:
        found.append({"label": _("Seed"), "value": str(meta["seed"])})
    return found


def remix_url(creation, mine):
    """"Remix" / "Run again": the style tool with this creation's images, settings and seed ('' for other kinds)."""
    return remix.remix_url(creation) if remix.job_of(creation) else ""


def try_style_url(creation, mine):
    """The picture itself as the style image; for style transfers made from a bundled style, that style too.
    Link: /style/?style_creation=<creation uuid>[&style_sample=<bundled style id>]."""
    query = {"style_creation": str(creation.pk)}
    style = (creation.metadata or {}).get("style")
    if creation.kind == "style" and isinstance(style, str) and style and style != "upload":
        query["style_sample"] = style
    return f"{reverse('styletransfer:create')}?{urlencode(query)}"
