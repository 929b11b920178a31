"""{% pending_jobs %} and {% home_sections %}: what the registered features show on shared pages (My creations, the
home page), each in its own template, so those pages name no feature (core.features)."""
from django import template
from django.template.loader import render_to_string
from django.templatetags.static import static
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


@register.simple_tag(takes_context=True)
def creation_panels(context, creation):
    """Every feature's panel for the owner of `creation` (its page shows them below its own actions)."""
    request = context.get("request")
    return _render([(panel.template, {"creation": creation}) for panel in features.creation_panels()], request)


@register.simple_tag
def creation_panel_scripts():
    """The panels' scripts, once each, for the page's script block."""
    scripts = dict.fromkeys(panel.script for panel in features.creation_panels() if panel.script)
    return format_html_join("", '<script src="{}"></script>', ((static(path),) for path in scripts))
