"""What each feature tells the middle layers about itself, so the gallery, the queue and the home page loop over
declarations instead of importing features.

A feature app declares itself once, in its `AppConfig.ready()`:

    features.register(features.Feature(
        app="upscale",
        kinds=[features.Kind("upscale", _("Upscaled"), describe="upscale.describe.rows")],
        links=[features.Link("remix_url", "upscale.describe.again_url", who="shared")],
        jobs=["upscale.UpscaleJob"],
        pending=features.Pending("upscale/_pending.html", "upscale.pending.context"),
        home=[features.Section("upscale/_home.html", "upscale.pending.home")],
    ))

Callables may be given as dotted paths: they are imported when first used (a feature's heavy modules stay out of
the start-up), and this module imports no feature.
"""
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


def _call(target, *args):
    return (import_string(target) if isinstance(target, str) else target)(*args)


@dataclass(frozen=True)
class Kind:
    """A kind of creation (`Creation.kind`): its key, its name for people, and how to describe one.

    `describe(creation, metadata)` returns [{label, value, image?, long?}] in plain words."""

    key: str
    label: Any
    describe: Any = None


@dataclass(frozen=True)
class Link:
    """A button on a creation's page: `url(creation, mine)` returns a link or ''. `name` is the page's slot
    (remix_url, edit_url, try_style_url, use_prompt_url: the gallery's own words and API fields), or, with a
    `label`, a button of its own ("Upscale"). `who`: "owner" (only the owner), "anyone" (the owner, and anyone
    once it is on the board), "shared" (the owner, and anyone once on the board with its settings shown)."""

    name: str
    url: Any
    who: str = "anyone"
    label: Any = None


@dataclass(frozen=True)
class Pending:
    """Live tiles of the visitor's waiting and running jobs: `context(request, limit)` returns the template's
    context, or None when there is nothing to show."""

    template: str
    context: Any


@dataclass(frozen=True)
class Section:
    """A strip on the home page: `context(request)` returns the template's context, or None to leave it out."""

    template: str
    context: Any


@dataclass(frozen=True)
class Panel:
    """A part of a creation's page for its owner (the mailer's "Email" form): `template` is rendered with
    `creation`; `script` is a static path loaded once after site.js."""

    template: str
    script: str = ""


@dataclass(frozen=True)
class Tool:
    """The feature as a tool people start from (a card on the home page, a link where nothing is made yet)."""

    title: Any
    blurb: Any
    action: Any  # the button's words
    url_name: str


@dataclass(frozen=True)
class Feature:
    app: str
    kinds: list = field(default_factory=list)
    links: list = field(default_factory=list)
    jobs: list = field(default_factory=list)  # "app.Model" labels of its job models
    pending: Pending | None = None
    home: list = field(default_factory=list)
    tool: Tool | None = None
    panels: list = field(default_factory=list)  # parts of a creation's page for its owner
    strings: Any = None  # () -> {name: words} for its pages' JavaScript


_features = {}


def register(feature):
    """Declare a feature (again: replaced, so a reloaded app or a test's fake feature does not pile up)."""
    _features[feature.app] = feature
    return feature


def unregister(app):
    _features.pop(app, None)


def all_features():
    return list(_features.values())


def kinds():
    return {kind.key: kind for feature in _features.values() for kind in feature.kinds}


def kind_choices():
    return [(kind.key, kind.label) for kind in kinds().values()]


def kind_label(key):
    kind = kinds().get(key)
    return kind.label if kind else _("Other")


def validate_kind(key):
    if key not in kinds():
        raise ValidationError(_("“%(kind)s” is no kind of creation this site makes."), params={"kind": key})


def describe(creation):
    kind = kinds().get(creation.kind)
    if kind is None or kind.describe is None:
        return []
    return _call(kind.describe, creation, creation.metadata or {})


def _links(creation, mine):
    public = creation.published_at is not None
    allowed = {"owner": mine, "anyone": mine or public, "shared": mine or (public and creation.show_settings)}
    return [link for feature in _features.values() for link in feature.links if allowed.get(link.who)]


def creation_links(creation, mine):
    """{slot: url} of the features' links this viewer may see on `creation` (the first feature with a link wins)."""
    links = {}
    for link in _links(creation, mine):
        if not link.label and not links.get(link.name):
            links[link.name] = _call(link.url, creation, mine) or ""
    return links


def creation_buttons(creation, mine):
    """[(label, url)] of the features' own buttons (links with a label) this viewer may see on `creation`."""
    found = [(link.label, _call(link.url, creation, mine)) for link in _links(creation, mine) if link.label]
    return [(label, url) for label, url in found if url]


def creation_panels():
    """The features' panels on a creation's page (shown to its owner)."""
    return [panel for feature in _features.values() for panel in feature.panels]


def pending_blocks(request, limit=12):
    """[(template, context)] of every feature's live job tiles for this visitor."""
    return _blocks([(f.pending.template, f.pending.context) for f in _features.values() if f.pending], request, limit)


def home_sections(request):
    return _blocks([(s.template, s.context) for f in _features.values() for s in f.home], request)


def _blocks(pairs, *args):
    blocks = []
    for template, context in pairs:
        data = _call(context, *args)
        if data:
            blocks.append((template, data))
    return blocks


def tools():
    """[{title, blurb, action, url}] of the features people start from, in INSTALLED_APPS order."""
    return [{"title": f.tool.title, "blurb": f.tool.blurb, "action": f.tool.action, "url": reverse(f.tool.url_name)}
            for f in _features.values() if f.tool]


def job_models():
    return [apps.get_model(label) for feature in _features.values() for label in feature.jobs]


def page_strings(app):
    feature = _features.get(app)
    return _call(feature.strings) if feature and feature.strings else {}
