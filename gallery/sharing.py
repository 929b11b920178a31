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
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header

from core.disclosure import closing_stream, json_without, keep_software_only
from core.ownership import is_owner

# Metadata keys never shown to other people, even when the owner shares the settings.
PRIVATE_KEY_PARTS = ("path", "file", "upload", "session", "email", "job", "owner", "user", "ip", "key", "token")
SETTING_VALUE_MAX = 500


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


def mail_form_available():
    """The mailer's email component, once that feature is installed."""
    try:
        get_template("mailer/email_form.html")
    except TemplateDoesNotExist:
        return False
    return True
