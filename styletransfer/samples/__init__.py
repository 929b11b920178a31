"""The 32 bundled samples (16 content, 16 style): a registry in code, images in this folder.

Every image is rendered by `render.py` in this folder (NumPy + Pillow, deterministic) and is the project's own
work, dedicated to the public domain (CC0 1.0). See CREDITS.md. Regenerate with
`.venv/bin/python -m styletransfer.samples.render`.
"""
from dataclasses import dataclass
from pathlib import Path

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

SAMPLES_DIR = Path(__file__).resolve().parent
IMAGES_DIR = SAMPLES_DIR / "images"
THUMBS_DIR = SAMPLES_DIR / "thumbs"
KINDS = ("content", "style")


@dataclass(frozen=True)
class Sample:
    id: str
    kind: str
    title: str
    function: str  # the function in render.py that paints it

    @property
    def path(self):
        return IMAGES_DIR / f"{self.id}.jpg"

    @property
    def thumbnail_path(self):
        return THUMBS_DIR / f"{self.id}.jpg"

    @property
    def image_url(self):
        return reverse("styletransfer:sample-image", args=[self.id])

    @property
    def thumbnail_url(self):
        return reverse("styletransfer:sample-thumbnail", args=[self.id])

    @property
    def credit(self):
        return _credit(self.function)


def _credit_text(function):
    return str(_("Rendered by Imogen (styletransfer/samples/render.py, %(function)s). Licence: CC0 1.0.")
               % {"function": f"{function}()"})


_credit = lazy(_credit_text, str)

CONTENT = [
    Sample("content-01", "content", _("Mountains at dawn"), "mountains_dawn"),
    Sample("content-02", "content", _("Desert dunes"), "desert_dunes"),
    Sample("content-03", "content", _("City skyline at night"), "city_night"),
    Sample("content-04", "content", _("Aurora over snowy hills"), "aurora"),
    Sample("content-05", "content", _("Milky Way over the hills"), "milky_way"),
    Sample("content-06", "content", _("Sea waves at sunset"), "sea_sunset"),
    Sample("content-07", "content", _("Tropical beach"), "beach"),
    Sample("content-08", "content", _("Pine forest in the mist"), "forest"),
    Sample("content-09", "content", _("Lake reflection"), "lake"),
    Sample("content-10", "content", _("Cat under the moon"), "cat_moon"),
    Sample("content-11", "content", _("Heron at sunrise"), "heron"),
    Sample("content-12", "content", _("Tulip field"), "tulips"),
    Sample("content-13", "content", _("Lighthouse on the cliff"), "lighthouse"),
    Sample("content-14", "content", _("Lone tree on rolling hills"), "hills"),
    Sample("content-15", "content", _("Ringed planet"), "planet"),
    Sample("content-16", "content", _("Cherry blossom branch"), "cherry_blossom"),
]
STYLE = [
    Sample("style-01", "style", _("Starry swirls"), "swirls"),
    Sample("style-02", "style", _("Mosaic tiles"), "mosaic"),
    Sample("style-03", "style", _("Stained glass"), "stained_glass"),
    Sample("style-04", "style", _("Watercolour wash"), "watercolour"),
    Sample("style-05", "style", _("Ukiyo-e waves"), "ukiyoe_waves"),
    Sample("style-06", "style", _("Pointillism"), "pointillism"),
    Sample("style-07", "style", _("Cubist shards"), "cubist"),
    Sample("style-08", "style", _("Marble"), "marble"),
    Sample("style-09", "style", _("Wood grain"), "wood"),
    Sample("style-10", "style", _("Art deco fans"), "art_deco"),
    Sample("style-11", "style", _("Impasto strokes"), "impasto"),
    Sample("style-12", "style", _("Ink wash"), "ink_wash"),
    Sample("style-13", "style", _("Pop-art halftone"), "halftone"),
    Sample("style-14", "style", _("Kaleidoscope"), "kaleidoscope"),
    Sample("style-15", "style", _("Flames"), "flames"),
    Sample("style-16", "style", _("Tie-dye"), "tie_dye"),
]
SAMPLES = {sample.id: sample for sample in CONTENT + STYLE}


def by_kind(kind=None):
    return [s for s in SAMPLES.values() if kind in (None, "", s.kind)]


def get(sample_id, kind=None):
    """The sample with this id (and kind, if given), or None."""
    sample = SAMPLES.get(str(sample_id or "").strip())
    if sample is None or (kind and sample.kind != kind):
        return None
    return sample
