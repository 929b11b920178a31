"""{% pending_style_jobs %}: the visitor's waiting and running style jobs as live tiles (My creations, home page,
My style transfers), with both input thumbnails, the size and the queue facts, kept current by pending.js."""
from django import template
from django.urls import reverse

from core.models import JobStatus
from core.ownership import owned_q

from ..words import page_strings

register = template.Library()


def input_thumbnail(job, side):
    from styletransfer import samples

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


@register.inclusion_tag("fairqueue/_pending.html", takes_context=True)
def pending_style_jobs(context, limit=12):
    from styletransfer.models import StyleTransferJob
    from styletransfer.serializers import JobSerializer

    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return {"tiles": []}
    jobs = list(StyleTransferJob.objects.filter(owned_q(request), status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
                .order_by("created_at")[:limit])
    data = JobSerializer(jobs, many=True).data if jobs else []
    return {"tiles": [tile(job, item) for job, item in zip(jobs, data)], "strings": page_strings(),
            "api": reverse("styletransfer-jobs"), "statuses": {s.value: s.label for s in JobStatus}}


@register.inclusion_tag("fairqueue/_inputs.html")
def style_job_inputs(job):
    """Both input thumbnails of a style job (for a tile that has no result image)."""
    return {"content_thumb": input_thumbnail(job, "content"), "style_thumb": input_thumbnail(job, "style")}
