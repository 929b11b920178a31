import uuid

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from core import sizes
from core.ownership import is_owner
from gallery import sharing
from gallery.models import Creation

from .filters import client_spec
from .serializers import max_pixels


def _creation_for(request, raw_id):
    """The creation named in ?creation=<uuid>, or (None, message) when it cannot be opened."""
    try:
        pk = uuid.UUID(str(raw_id))
    except ValueError:
        return None, _("That link does not name an image. Open an image below instead.")
    creation = Creation.objects.filter(pk=pk).first()
    if creation is None or (creation.is_hidden and not is_owner(request, creation)):
        return None, _("That image does not exist any more. Open another image below.")
    return creation, ""


@ensure_csrf_cookie
def index(request):
    source, error = None, ""
    if request.GET.get("creation"):
        creation, error = _creation_for(request, request.GET["creation"])
        if creation:
            mine = is_owner(request, creation)  # someone else's picture: no words from its prompt
            source = {"id": str(creation.pk), "image_url": creation.image_url,
                      "file_name": sharing.download_name(creation, mine),
                      "width": creation.width, "height": creation.height, "kind": creation.kind,
                      "title": creation.title or sharing.file_title_for(creation, mine),
                      "page_url": creation.get_absolute_url()}
    strings = {
        "notImage": _("Please choose a PNG, JPEG, WebP or AVIF image."),
        "loadFailed": _("This image could not be opened."),
        "rendering": _("Rendering on the server…"),
        "renderFailed": _("The server could not render the image."),
        "downloadReady": _("Your edited image is downloading."),
        "downloadFailed": _("The image is too large for this browser to save. Use Share or Email instead."),
        "before": _("Before"),
        "after": _("After"),
        "nothingToUndo": _("Nothing to undo."),
        "rendered": _("Saved as a new image."),
    }
    context = {
        "sizes": sizes.fitting(8192, max_pixels()),
        "spec": client_spec(),
        "source": source,
        "source_error": error,
        "strings": strings,
    }
    return render(request, "editor/index.html", context)
