"""What a creation may show to whom, and the links that reuse it in the other features.

Links into the other features (documented in docs/gallery.md):
- "Use this prompt":  /text2image/?prompt=<text>&negative_prompt=<text>[&width=&height=&seed=&steps=]
                      (only when the owner shared the settings; the parameters a text-to-image picture recorded)
- "Try this style":   /style/?style_creation=<creation uuid>[&style_sample=<bundled style id>]
                      (the picture itself as the style image; for a style transfer made with a bundled style, that style)
- "Edit":             /editor/?creation=<creation uuid>                      (owner only)
"""
from urllib.parse import urlencode

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.disclosure import closing_stream, json_without, keep_software_only
from core.ownership import is_owner
from core.sizes import WALLPAPER_SIZES

# Metadata keys never shown to other people, even when the owner shares the settings.
PRIVATE_KEY_PARTS = ("path", "file", "upload", "session", "email", "job", "owner", "user", "ip", "key", "token")
# A shared setting is shown whole (a long prompt is never cut without a word); this only bounds odd metadata.
SETTING_VALUE_MAX = 20000


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _scalar(value):
    if isinstance(value, bool | int | float):
        return True, value
    if isinstance(value, str) and value.strip():
        return True, value[:SETTING_VALUE_MAX]
    return False, None


def is_private_key(key):
    return any(part in str(key).lower() for part in PRIVATE_KEY_PARTS)


def shareable_settings(creation):
    """The plain settings of a creation (prompt, strength, filters...), without anything private."""
    out = {}
    for key, value in (creation.metadata or {}).items():
        if is_private_key(key):
            continue
        items = value.items() if isinstance(value, dict) else [("", value)]
        for sub, item in items:
            ok, shown = _scalar(item)
            if ok:
                out[f"{key}.{sub}" if sub else key] = shown
    return out


def _number(value, digits=2):
    try:
        return formats.number_format(round(float(value), digits), decimal_pos=None)
    except (TypeError, ValueError):
        return ""


def _style_rows(creation, meta):
    """A style transfer: the two inputs (thumbnails), strength, size, quality, colours, seed."""
    rows = []
    try:
        from styletransfer import remix  # style transfer builds on the gallery: looked up only when shown
    except ImportError:  # the style app is not installed
        return rows
    job = remix.job_of(creation)
    for side, label in (("content", _("Photo")), ("style", _("Style"))):
        chosen = remix.input_of(job, side, creation) if job else None
        if chosen:
            rows.append({"label": label, "value": chosen["title"], "image": chosen["thumbnail_url"]})
    if "style_strength" in meta:
        rows.append({"label": _("Style strength"), "value": _number(meta["style_strength"], 1)})
    size = _("%(width)d×%(height)d pixels") % {"width": creation.width, "height": creation.height}

    size_names = {size.key: size.label for size in WALLPAPER_SIZES} | {"content": _("Same shape as the photo")}
    if meta.get("size_preset") in size_names:
        size = f"{size_names[meta['size_preset']]} · {size}"
    rows.append({"label": _("Size"), "value": size})
    quality = {"instant": _("Instant"), "preview": _("Fast draft"), "standard": _("Standard"),
               "high": _("High quality (slow)")}
    if meta.get("preset"):
        rows.append({"label": _("Quality"), "value": quality.get(meta["preset"], _("Other"))})
    if "preserve_colors" in meta:
        rows.append({"label": _("Keep the photo's colours"),
                     "value": _("Yes") if meta["preserve_colors"] else _("No")})
    if "seed" in meta:
        rows.append({"label": _("Seed"), "value": str(meta["seed"])})
    return rows


def _provider_label(name):
    from text2image.providers import PROVIDERS  # text2image builds on the gallery: looked up only when shown

    return PROVIDERS.label(name, _("Another service")) if name in PROVIDERS else _("Another service")


def _text2image_rows(creation, meta):
    prompt, negative = prompt_of(creation)
    rows = [{"label": _("Prompt"), "value": prompt, "long": True}] if prompt else []
    if negative:
        rows.append({"label": _("Leave out"), "value": negative, "long": True})
    translated = meta.get("translated_prompt")
    if isinstance(translated, str) and translated.strip() and translated.strip() != prompt:
        rows.append({"label": _("Prompt as sent to the model"), "value": translated.strip(), "long": True})
    rows.append({"label": _("Size"), "value": _("%(width)d×%(height)d pixels")
                 % {"width": creation.width, "height": creation.height}})
    if meta.get("seed") is not None:
        rows.append({"label": _("Seed"), "value": str(meta["seed"])})
    if meta.get("provider"):
        rows.append({"label": _("Made with"), "value": _provider_label(meta["provider"])})
    return rows


def _edit_rows(creation, meta):
    rows = []
    try:
        from editor.filters import FILTERS  # the editor builds on the gallery: looked up only when shown
    except ImportError:
        return rows
    filters = meta.get("filters") if isinstance(meta.get("filters"), dict) else {}
    for name, spec in FILTERS.items():
        if name not in filters:
            continue
        value = filters[name]
        if spec["unit"] == "deg":
            shown = _("%(n)s°") % {"n": _number(value, 0)}
        elif spec["unit"] == "px":
            shown = _("%(n)s px") % {"n": _number(value, 1)}
        else:
            shown = _("%(n)s %%") % {"n": _number(float(value) * 100, 0)}
        rows.append({"label": str(spec["label"]), "value": shown})
    if not rows:
        rows.append({"label": _("Adjustments"), "value": _("None")})
    rows.append({"label": _("Size"), "value": _("%(width)d×%(height)d pixels")
                 % {"width": creation.width, "height": creation.height}})
    return rows


def described_settings(creation):
    """What made a creation, in plain words of the page's language: [{label, value, image?, long?}].

    Never raw metadata keys or internals (ids, timings, CSS strings): each kind says what a person chose."""
    meta = creation.metadata or {}
    describe = {"style": _style_rows, "text2image": _text2image_rows, "edit": _edit_rows}.get(creation.kind)
    return describe(creation, meta) if describe else []


def remix_url(creation):
    """"Remix": the style tool with this creation's images, settings and seed ('' for other kinds)."""
    if creation.kind != "style":
        return ""
    try:
        from styletransfer import remix  # style transfer builds on the gallery: looked up only when shown
    except ImportError:
        return ""
    return remix.remix_url(creation) if remix.job_of(creation) else ""


def prompt_of(creation):
    """(prompt, negative prompt) of a text-to-image creation, '' when there is none."""
    meta = creation.metadata or {}
    prompt, negative = meta.get("prompt"), meta.get("negative_prompt")
    return (prompt.strip() if isinstance(prompt, str) else "",
            negative.strip() if isinstance(negative, str) else "")


def use_prompt_url(creation, shared_only=True):
    """/text2image/?prompt=...&negative_prompt=... when the owner shared a prompt (or it is yours); else ''."""
    if shared_only and not creation.show_settings:
        return ""
    prompt, negative = prompt_of(creation)
    base = _url("text2image:create")
    if not prompt or not base:
        return ""
    query = {"prompt": prompt}
    if negative:
        query["negative_prompt"] = negative
    if creation.kind == "text2image":  # every parameter comes back (text2image's form reads them)
        meta = creation.metadata or {}
        for key in ("width", "height", "seed", "steps"):
            if isinstance(meta.get(key), int) and not isinstance(meta.get(key), bool):
                query[key] = meta[key]
    return f"{base}?{urlencode(query)}"


def try_style_url(creation):
    """The picture itself as the style image; for style transfers made from a bundled style, that style too."""
    base = _url("styletransfer:create")
    if not base:
        return ""
    query = {"style_creation": str(creation.pk)}
    style = (creation.metadata or {}).get("style")
    if creation.kind == "style" and isinstance(style, str) and style and style != "upload":
        query["style_sample"] = style
    return f"{base}?{urlencode(query)}"


def edit_url(creation):
    base = _url("editor:index")
    return f"{base}?{urlencode({'creation': str(creation.pk)})}" if base else ""


def can_view(request, creation):
    """Anyone with the (unguessable) link sees a creation; a post hidden by staff only its owner and staff."""
    if creation.is_hidden:
        return is_owner(request, creation) or request.user.is_staff
    return True


def file_keep(creation, for_owner):
    """Which PNG text chunks the file of `creation` carries for this viewer (see core.disclosure).

    The owner gets everything. Anyone else gets only the program name, unless the owner chose to show the
    settings; then the settings chunks without the private keys (job id, paths, session...)."""
    if for_owner:
        return lambda keyword, text: text
    if not creation.show_settings:
        return keep_software_only

    def keep(keyword, text):
        name = keyword.split(":", 1)[-1]
        if is_private_key(name):
            return None
        return json_without(text, is_private_key)

    return keep


def file_title_for(creation, for_owner):
    """The words a creation's file name is built from (the prompt, the upload's name) for this viewer: only for
    the owner, or when the owner shows the settings."""
    return creation.file_title if (for_owner or creation.show_settings) else ""


def download_name(creation, for_owner):
    """The download file name: words from the prompt or title only for the owner, or when the owner shows the
    settings; else just the kind and size (imogen-text2image-1920x1080.png)."""
    if for_owner or creation.show_settings:
        return creation.file_name
    return f"imogen-{creation.kind}-{creation.width}x{creation.height}.{creation.extension}"


def download_response(request, creation):
    """The one way a creation's file is downloaded (gallery, text-to-image, style transfer): an attachment with
    `download_name`, carrying only what `file_keep` allows for this viewer."""
    mine = is_owner(request, creation)
    try:
        handle = creation.image.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    content_type = "image/png" if creation.extension == "png" else "image/jpeg"
    name = download_name(creation, mine)
    if mine or content_type != "image/png":
        return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response = StreamingHttpResponse(closing_stream(handle, file_keep(creation, False)), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response

