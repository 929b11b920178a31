"""{% pending_jobs %} and {% home_sections %}: what the registered features show on shared pages (My creations, the
home page), each in its own template, so those pages name no feature (core.features)."""
from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html_join

from core import features

register = template.Library()


def _render(blocks, request):
    return format_html_join("", "{}", ((render_to_string(name, data, request=request),) for name, data in blocks))


@register.simple_tag(takes_context=True)
def pending_jobs(context, limit=12):
    """Every feature's live tiles of the visitor's waiting and running jobs."""
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return ""
    return _render(features.pending_blocks(request, limit), request)


@register.simple_tag(takes_context=True)
def home_sections(context):
    request = context.get("request")
    return _render(features.home_sections(request), request) if request is not None else ""
