"""Style transfer pages: create, one job (progress → result), my jobs; and the bundled sample images."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from core import sizes, uploads
from core.ownership import get_job_for, is_owner, owned_q
from gallery.models import Creation
from gallery.sharing import download_name, download_response

from . import remix, samples
from .engine.images import STYLE_STRENGTH_MAX, STYLE_STRENGTH_MIN
from .models import StyleTransferJob
from .serializers import JobSerializer, size_presets
from .words import page_strings as queue_page_strings


def _shared_style(request):
    """'Try this style' from a board post: (bundled style sample, creation to use as the style image)."""
    sample = samples.get(request.GET.get("style_sample"), "style")
    creation = None
    if not sample and request.GET.get("style_creation"):
        try:
            creation = Creation.objects.filter(is_hidden=False).get(pk=request.GET["style_creation"])
        except (Creation.DoesNotExist, ValueError, ValidationError):  # no such creation, or not an id
            creation = None
        if creation and not (creation.published_at or is_owner(request, creation)):
            creation = None
    return sample, creation


def job_title(job):
    """"Starry night × Lake" in the page's language: the style and the photo (a sample's title, or "your photo")."""
    content, style = samples.get(job.content_sample, "content"), samples.get(job.style_sample, "style")
    return _("%(style)s × %(content)s") % {"style": style.title if style else _("Your style image"),
                                            "content": content.title if content else _("Your photo")}


@ensure_csrf_cookie
def create(request):
    style_sample, style_creation = _shared_style(request)
    content_default = samples.by_kind("content")[0]
    initial = {"preset": "standard", "size_preset": "", "width": 1280, "height": 720,
               "style_strength": 1.0, "preserve_colors": False, "seed": 0, "crop": "", "fit": ""}
    remix_of, remix_inputs = None, {}
    if request.GET.get("remix"):
        creation, source = remix.remixable(request, request.GET["remix"])
        if source is not None:
            remix_of = creation
            initial = remix.initial_options(source)
            remix_inputs = {side: remix.input_of(source, side, creation) for side in remix.SIDES}
            chosen = remix_inputs.get("content") or {}
            content_default = chosen.get("sample") or content_default
            chosen = remix_inputs.get("style") or {}
            style_sample, style_creation = chosen.get("sample") or style_sample, None
    context = {
        "style_default": style_sample or samples.by_kind("style")[0],
        "style_creation": style_creation,
        # Another's post keeps the words of its prompt out of the file name unless its settings are shown.
        "style_creation_name": download_name(style_creation, is_owner(request, style_creation))
        if style_creation else "",
        "content_default": content_default,
        "remix_of": remix_of,
        "remix_inputs": remix_inputs,
        "initial": initial,
        "content_samples": samples.by_kind("content"),
        "style_samples": samples.by_kind("style"),
        "size_presets": size_presets(),
        "sizes": sizes.fitting(settings.IMOGEN_STYLE_MAX_SIDE, settings.IMOGEN_STYLE_MAX_PIXELS),
        "min_side": settings.IMOGEN_STYLE_MIN_SIDE,
        "max_side": settings.IMOGEN_STYLE_MAX_SIDE,
        "max_mb": settings.IMOGEN_UPLOAD_MAX_BYTES // (1024 * 1024),
        "accept": uploads.ACCEPT,
        "format_names": uploads.FORMAT_NAMES,
        "strings": {
            "wrong_type": _("This file is not a photo this site can read. These formats work: %(formats)s.")
            % {"formats": uploads.FORMAT_NAMES},
            "too_large": _("This photo is too large to send (%(size)s; the limit is %(mb)d MB) and this browser "
                           "cannot make it smaller. Save it as JPEG and try again.")
            % {"size": "%(size)s", "mb": settings.IMOGEN_UPLOAD_MAX_BYTES // (1024 * 1024)},  # filled in the page
            "reduced": _("Reduced from %(from)s, %(from_size)s to %(to)s, %(to_size)s before sending."),
            "no_preview": _("This browser cannot show this photo, but the server can read it: it is sent as it is "
                            "and centre-cropped."),
            "nothing": _("Nothing chosen"),
            "need_content": _("Choose your photo first"),
            "need_style": _("Choose a style first"),
            "need_both": _("Choose a photo and a style first"),
            "preparing": _("Preparing the photo…"),
            "uploading": _("Sending… %(percent)s (%(done)s of %(total)s)"),
            "uploaded": _("Sent. Starting the job…"),
            "failed": _("The job could not be started."),
            "starting": _("Starting…"),
            "preview_painting": _("Painting the preview…"),
            "preview_shown": _("A quick preview at low resolution: the wallpaper is painted at full size, and with "
                               "more detail at Standard and High quality."),
            "preview_failed": _("The preview could not be painted."),
        },
        "strength_min": STYLE_STRENGTH_MIN,
        "strength_max": STYLE_STRENGTH_MAX,
        "max_bytes": settings.IMOGEN_UPLOAD_MAX_BYTES,
        "max_pixels": settings.IMOGEN_UPLOAD_MAX_PIXELS,
    }
    return render(request, "styletransfer/create.html", context)


@ensure_csrf_cookie
def job(request, pk):
    item = get_job_for(request, StyleTransferJob, pk, queryset=StyleTransferJob.objects.select_related("result"))
    context = {
        "job": item,
        "job_data": JobSerializer(item).data,
        "is_owner": True,  # get_job_for answered 404 to anyone else
        "result_size": item.output_size(item._content_size()),  # the preview box's shape from the first frame
        "content": samples.get(item.content_sample, "content"),
        "style": samples.get(item.style_sample, "style"),
        "queue_strings": queue_page_strings(),
        "strings": {
            "waiting": _("Waiting for a free painter…"),
            "starting": _("Starting to paint…"),  # running, before the engine names its first stage
            "eta_seconds": _("about %(n)s s left"),
            "eta_minutes": _("about %(n)s min left"),
            "canceling": _("Stopping…"),
            "cancel_failed": _("Could not cancel the job."),
            "done": _("Your wallpaper is ready."),
            "failed": _("The style transfer failed."),
            "size": _("%(width)s×%(height)s pixels"),
        },
    }
    return render(request, "styletransfer/job.html", context)


def jobs(request):
    items = list(StyleTransferJob.objects.filter(owned_q(request)).select_related("result")[:50])
    for item in items:
        item.display_title = job_title(item)
    return render(request, "styletransfer/jobs.html", {"jobs": items})


@require_GET
def sample_image(request, sample_id, thumbnail=False):
    sample = samples.get(sample_id)
    if sample is None:
        raise Http404
    path = sample.thumbnail_path if thumbnail else sample.path
    if not path.is_file():
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def preview(request, pk):
    """The latest preview of the owner's running job (a JPEG; the URL changes with each new preview)."""
    item = get_job_for(request, StyleTransferJob, pk)
    if not item.preview:
        raise Http404
    try:
        handle = item.preview.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def download(request, pk):
    """The full-resolution result as an attachment with a meaningful file name (the owner's only)."""
    item = get_job_for(request, StyleTransferJob, pk, queryset=StyleTransferJob.objects.select_related("result"))
    if not item.result:
        raise Http404
    return download_response(request, item.result)


@require_GET
def creation_input(request, pk, side):
    """The thumbnail of an uploaded input of the style transfer that made creation `pk`, for whoever sees its
    settings (remix.settings_visible). The stored original itself is never served to anyone but its owner's jobs."""
    creation = Creation.objects.filter(pk=pk).first()
    job = remix.job_of(creation) if creation is not None and remix.settings_visible(request, creation) else None
    if job is None or side not in remix.SIDES:
        raise Http404
    try:
        name = remix.thumbnail_of(job, side)
        handle = default_storage.open(name, "rb") if name else None
    except (OSError, ValueError, uploads.UploadRejected):
        handle = None
    if handle is None:
        raise Http404
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
