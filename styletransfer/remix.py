""""Remix" (from a public post) and "Run again" (from your own result): the style tool opened with every setting,
the seed and both input images of the job that made a creation, so that submitting it unchanged paints the same
picture again (pixel-identical on CPU).

Link: /style/?remix=<creation uuid>. Who may follow it: the creation's owner, or anyone when the creation is on
the board with "show the settings" ticked (the same rule that shows the settings and the input thumbnails).
An uploaded input is referred to as `content_from` / `style_from` = the creation's id and copied byte for byte on
the server, never decoded and re-encoded, so the second job reads the very same pixels.
"""
import json
import uuid
from urllib.parse import urlencode

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from core.ownership import is_owner
from core.uploads import random_name
from gallery.models import Creation

from . import samples
from .models import StyleTransferJob

SIDES = ("content", "style")


def job_of(creation):
    """The style transfer job that made `creation` (None when it is not a style transfer or the job is gone)."""
    if creation is None or creation.kind != "style":
        return None
    job_id = (creation.metadata or {}).get("job_id")
    try:
        return StyleTransferJob.objects.filter(pk=uuid.UUID(str(job_id))).first()
    except (TypeError, ValueError):
        return None


def may_remix(request, creation):
    """The owner always; others when the post is on the board and its owner chose to show the settings."""
    if creation is None:
        return False
    if is_owner(request, creation):
        return True
    return creation.published_at is not None and creation.show_settings and not creation.is_hidden


def remix_url(creation):
    return f"{reverse('styletransfer:create')}?{urlencode({'remix': str(creation.pk)})}"


def remixable(request, creation_id):
    """(creation, job) for a remix link or a `*_from` field the requester may use; (None, None) otherwise."""

    try:
        creation = Creation.objects.filter(pk=uuid.UUID(str(creation_id))).first()
    except (TypeError, ValueError):
        return None, None
    if not may_remix(request, creation):
        return None, None
    job = job_of(creation)
    return (creation, job) if job else (None, None)


def input_of(job, side):
    """What one side of `job` was: {"sample": Sample} or {"upload_url": url} (None when the upload is gone)."""
    sample = samples.get(getattr(job, f"{side}_sample"), side)
    if sample:
        return {"sample": sample, "title": sample.title, "thumbnail_url": sample.thumbnail_url}
    field = getattr(job, f"{side}_image")
    if field and field.name and default_storage.exists(field.name):
        return {"upload_url": field.url, "title": _("Your photo") if side == "content" else _("Your style image"),
                "thumbnail_url": field.url}
    return None


def initial_options(job):
    """The create form's values for `job`'s options (size preset or custom size, quality, strength, seed)."""
    opts = job.options or {}
    size_preset = opts.get("size_preset") or ""
    initial = {
        "preset": opts.get("preset", "standard"),
        "size_preset": size_preset or "custom",
        "width": opts.get("width") or 1280,
        "height": opts.get("height") or 720,
        "style_strength": float(opts.get("style_strength", 1.0)),
        "preserve_colors": bool(opts.get("preserve_colors", False)),
        "seed": int(opts.get("seed", 0)),
        # The framing of the photo (issue 16's crop box / fit), carried as it was.
        "crop": json.dumps(dict(zip(("x", "y", "width", "height"), opts["crop"]))) if opts.get("crop") else "",
        "fit": opts.get("fit") or "",
    }
    return initial


def copy_input(job, side):
    """A byte-for-byte copy of `job`'s uploaded `side` image under a new random name (the new job owns it)."""
    field = getattr(job, f"{side}_image")
    extension = field.name.rsplit(".", 1)[-1] if "." in field.name else "png"
    with default_storage.open(field.name, "rb") as handle:
        data = handle.read()
    return default_storage.save(random_name("style/uploads", extension), ContentFile(data))
