"""What a creation may show to whom. The links that reuse it in the features ("Use this prompt", "Try this
style", "Edit", "Remix") and the words that describe it are the features' own, registered in core.features
(documented in docs/gallery.md)."""

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import formats
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core import features
from core.disclosure import closing_stream, json_without, keep_software_only
from core.ownership import is_owner

# Metadata keys never shown to other people, even when the owner shares the settings.
PRIVATE_KEY_PARTS = ("path", "file", "upload", "session", "email", "job", "owner", "user", "ip", "key", "token")
# A shared setting is shown whole (a long prompt is never cut without a word); this only bounds odd metadata.
SETTING_VALUE_MAX = 20000


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


def number_words(value, digits=2):
    """A number as the page's language writes it ('' for no number)."""
    try:
        return formats.number_format(round(float(value), digits), decimal_pos=None)
    except (TypeError, ValueError):
        return ""


def size_words(creation):
    return _("%(width)d×%(height)d pixels") % {"width": creation.width, "height": creation.height}


def described_settings(creation):
    """What made a creation, in plain words of the page's language: [{label, value, image?, long?}].

    Never raw metadata keys or internals (ids, timings, CSS strings): each kind says what a person chose, in the
    words its feature registered (core.features.Kind.describe)."""
    return features.describe(creation)


def links(creation, mine):
    """{slot: url} of the buttons the features offer on this creation for this viewer (core.features.Link)."""
    return features.creation_links(creation, mine)


def buttons(creation, mine):
    """[(label, url)] of the features' own buttons for this viewer ("Upscale"), after the gallery's slots."""
    return features.creation_buttons(creation, mine)


def edit_url(creation):
    """The editor opened on this creation (for its owner), '' without an editor."""
    return links(creation, True).get("edit_url", "")


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

