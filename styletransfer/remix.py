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

from django.core.files.storage import default_storage
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from core.ownership import is_owner
from core.uploads import StoredUpload, crop_object, read_image, save_bytes, save_thumbnail, upload_folders
from gallery.models import Creation

from . import samples
from .models import StyleTransferJob

SIDES = ("content", "style")
UPLOADS, THUMBNAILS = upload_folders("style")  # where core.uploads.save_upload keeps this feature's uploads


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


def input_of(job, side, creation):
    """What one side of `job` (which made `creation`) was: {"sample": Sample} or {"upload": True} with its title
    and thumbnail (None when the upload is gone). An upload shows as its derived thumbnail, never the original."""
    sample = samples.get(getattr(job, f"{side}_sample"), side)
    if sample:
        return {"sample": sample, "title": sample.title, "thumbnail_url": sample.thumbnail_url}
    field = getattr(job, f"{side}_image")
    if field and field.name and default_storage.exists(field.name):
        return {"upload": True, "title": _("Your photo") if side == "content" else _("Your style image"),
                "thumbnail_url": reverse("styletransfer:creation-input", args=[creation.pk, side])}
    return None


def settings_visible(request, creation):
    """Whoever sees the creation's settings on its page sees its inputs' thumbnails: the owner, or anyone who may
    view it when its owner shows the settings."""
    if is_owner(request, creation):
        return True
    return creation.show_settings and not creation.is_hidden


def thumbnail_of(job, side):
    """The storage name of one side's thumbnail, made now from the kept upload when it has none yet (uploads kept
    before thumbnails were made); '' when there is no upload."""
    field = getattr(job, f"{side}_thumbnail")
    if field and field.name:
        return field.name
    upload = getattr(job, f"{side}_image")
    if not upload or not upload.name:
        return ""
    with default_storage.open(upload.name, "rb") as handle:
        data = handle.read()
    name, size = save_thumbnail(read_image(data, max_bytes=len(data) + 1, max_pixels=10**9).image, "style")
    type(job).objects.filter(pk=job.pk).update(**{f"{side}_thumbnail": name}, byte_size=F("byte_size") + size)
    return name


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
        "crop": json.dumps(crop_object(opts.get("crop"))) if opts.get("crop") else "",
        "fit": opts.get("fit") or "",
    }
    return initial


def keep_input(job, side, stored):
    """Put a `core.uploads.StoredUpload` on one side of the (unsaved) `job`, counting its bytes."""
    getattr(job, f"{side}_image").name = stored.name
    getattr(job, f"{side}_thumbnail").name = stored.thumbnail
    job.byte_size += stored.byte_size


def copy_input(job, side):
    """A byte-for-byte copy of `job`'s kept `side` upload and its thumbnail under new random names (the new job owns
    them): a StoredUpload."""
    copies, size = [], 0
    for field, folder in ((getattr(job, f"{side}_image"), UPLOADS), (getattr(job, f"{side}_thumbnail"), THUMBNAILS)):
        if not field or not field.name:  # an upload kept before thumbnails were made has none
            copies.append("")
            continue
        with default_storage.open(field.name, "rb") as handle:
            data = handle.read()
        copies.append(save_bytes(data, folder, field.name.rsplit(".", 1)[-1] if "." in field.name else "png"))
        size += len(data)
    return StoredUpload(copies[0], copies[1], size)
