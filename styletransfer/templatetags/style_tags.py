"""{% pending_style_jobs %} (My style transfers: more tiles than the shared pages show) and {% style_job_inputs %}."""
from django import template

from .. import tiles

register = template.Library()


@register.inclusion_tag("styletransfer/_pending.html", takes_context=True)
def pending_style_jobs(context, limit=12):
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return {"tiles": []}
    return tiles.pending(request, limit) or {"tiles": []}


@register.inclusion_tag("styletransfer/_inputs.html")
def style_job_inputs(job):
    """Both input thumbnails of a style job (for a tile that has no result image)."""
    return {"content_thumb": tiles.input_thumbnail(job, "content"), "style_thumb": tiles.input_thumbnail(job, "style")}
