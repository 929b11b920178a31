"""Style jobs on shared pages: live tiles of waiting and running jobs (My creations, the home page, My style
transfers) with both input thumbnails, the size and the queue facts, kept current by fairqueue's pending.js;
the small input images they show; and the home page's "Styles to try" (registered in styletransfer.apps)."""
import io

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from PIL import Image

from core.models import JobStatus
from core.ownership import get_job_for, owned_q

from . import samples
from .models import StyleTransferJob
from .serializers import JobSerializer
from .words import page_strings

THUMB = 240


def input_thumbnail(job, side):
    sample_id = getattr(job, f"{side}_sample")
    if sample_id and samples.get(sample_id, side):
        return reverse("styletransfer:sample-thumbnail", args=[sample_id])
    if getattr(job, f"{side}_image"):
        return reverse("styletransfer:input-thumbnail", args=[job.pk, side])
    return ""


def tile(job, data):
    opts = job.options or {}
    return {"job": job, "data": data, "content_thumb": input_thumbnail(job, "content"),
            "style_thumb": input_thumbnail(job, "style"),
            "size": f"{opts['width']}×{opts['height']}" if opts.get("width") else "",
            "percent": round(100 * (job.progress or 0))}


def pending(request, limit=12):
    """The visitor's waiting and running style jobs as tiles (None when there are none)."""
    jobs = list(StyleTransferJob.objects.filter(owned_q(request), status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
                .order_by("created_at")[:limit])
    if not jobs:
        return None
    data = JobSerializer(jobs, many=True).data
    return {"tiles": [tile(job, item) for job, item in zip(jobs, data)], "strings": page_strings(),
            "api": reverse("styletransfer-jobs"), "statuses": {s.value: s.label for s in JobStatus}}


def home_styles(request):
    return {"styles": samples.by_kind("style")[:8]}


@require_GET
def input_thumbnail_view(request, pk, side):
    """A small image of a job's input (owner only; uploads may be large, so they are shrunk here)."""
    job = get_job_for(request, StyleTransferJob, pk)
    field = getattr(job, f"{side}_image", None) if side in ("content", "style") else None
    if not field:
        raise Http404
    kept = getattr(job, f"{side}_thumbnail", None)
    try:
        if kept:  # made on arrival (core.uploads.save_upload): no decoding of the original for each tile
            with kept.open("rb") as handle:
                data = handle.read()
        else:
            with field.open("rb") as handle, Image.open(handle) as image:
                image.draft("RGB", (THUMB, THUMB))
                picture = image.convert("RGB")
            picture.thumbnail((THUMB, THUMB))
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=80)
            data = buffer.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        raise Http404 from None
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
