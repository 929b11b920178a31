"""POST /api/editor/renders/: the server renders the editor's filters and stores the result as a creation."""
import logging
import threading
import time
from contextlib import contextmanager
from pathlib import PurePath

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from PIL import Image
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core import framing
from core.ownership import is_owner, owner_fields
from core.pngmeta import png_info
from core.quota import check_storage_quota
from core.throttling import ScopedRateThrottle
from core.uploads import UploadRejected, crop_message, read_image
from gallery import sharing
from gallery.models import Creation, CreationKind

from .filters import FILTERS, apply_filters, changed, css_filter
from .serializers import EditorCreationSerializer, EditorRenderSerializer, max_pixels, too_large_words

log = logging.getLogger(__name__)


def source_creation(request, pk):
    """A creation the requester may edit: their own, or any visible one they have the link to (the same rule as
    its page /gallery/c/<id>/). Hidden ones only for their owner; anything else is a 404."""
    creation = get_object_or_404(Creation, pk=pk)
    if creation.is_hidden and not is_owner(request, creation):
        raise NotFound(_("No such creation."))
    return creation


def check_size(width, height, field):
    """Rendering runs inside the request: refuse images above IMOGEN_EDITOR_MAX_PIXELS with a clear 400."""
    if width * height > max_pixels():
        raise ValidationError({field: [too_large_words(width, height)]})


def framed(image, data):
    """The output size and framing the editor's chooser picked: the `crop` box (checked against the picture), or
    the centre cut to width×height's shape; resized to width×height when given."""
    box, width, height = data.get("crop"), data.get("width"), data.get("height")
    if box:
        message = crop_message(box, image.size)
        if message:
            raise ValidationError({"crop": [message]})
    if width:
        image = framing.cover_crop(image, width, height, box)
        return image if image.size == (width, height) else image.resize((width, height), Image.Resampling.LANCZOS)
    return framing.cover_crop(image, box[2], box[3], box) if box else image


@contextmanager
def render_turn():
    """One of IMOGEN_EDITOR_RENDERS_PER_PROCESS turns to render in this process (a decoded source, its result and
    the encoded file are held at once: ~16 bytes a pixel). Waits IMOGEN_EDITOR_RENDER_WAIT_SECONDS, then 429."""
    global _turns
    with _turns_lock:
        if _turns is None:
            _turns = threading.BoundedSemaphore(max(1, settings.IMOGEN_EDITOR_RENDERS_PER_PROCESS))
        turns = _turns
    if not turns.acquire(timeout=settings.IMOGEN_EDITOR_RENDER_WAIT_SECONDS):
        raise Throttled(wait=5, detail=_("The server is busy rendering other edits. Try again in a few seconds."))
    try:
        yield
    finally:
        turns.release()


_turns = None
_turns_lock = threading.Lock()


def load_creation_image(creation):
    try:
        with creation.image.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        raise NotFound(_("The image of this creation is no longer stored.")) from None
    try:
        return read_image(data, max_bytes=max(len(data), 1), max_pixels=max_pixels())
    except UploadRejected as exc:
        raise ValidationError({"creation": exc.messages}) from None


class RenderView(APIView):
    """Render the editor's filters (W3C Filter Effects, CSS filter-list order) on an upload or a creation."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "renders"  # IMOGEN_THROTTLE_RENDERS

    @extend_schema(
        request={"multipart/form-data": EditorRenderSerializer},
        responses={201: EditorCreationSerializer, 400: OpenApiResponse(description="Bad image or value out of range"),
                   404: OpenApiResponse(description="No such creation")},
        summary="Render edited image",
        description="Applies brightness, contrast, saturate, grayscale, sepia, hue_rotate (degrees), invert and "
                    "blur (px) in that order, exactly like the CSS filter list the editor page shows, and stores "
                    "the result as a new creation (kind `edit`) owned by the requester.",
    )
    def post(self, request):
        check_storage_quota(request)
        serializer = EditorRenderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        values = {name: data[name] for name in FILTERS}
        with render_turn():
            if data.get("creation") is not None:
                creation = source_creation(request, data["creation"])
                check_size(creation.width, creation.height, "creation")
                clean = load_creation_image(creation)
                source = {"type": "creation", "id": str(creation.pk), "kind": creation.kind}
                title = creation.title or sharing.file_title_for(creation, is_owner(request, creation))
            else:
                clean = data["image"]
                check_size(*clean.image.size, "image")
                source = {"type": "upload", "format": clean.format}
                upload = request.FILES.get("image")
                title = PurePath(getattr(upload, "name", "") or "").stem
            started = time.monotonic()
            image = apply_filters(framed(clean.image, data), values)
            seconds = time.monotonic() - started
            fmt = {"png": "PNG", "jpeg": "JPEG"}.get(data.get("format") or "", clean.format)
            applied = dict(changed(values))
            metadata = {"filters": applied, "css_filter": css_filter(values), "source": source,
                        "render_seconds": round(seconds, 3)}
            result = Creation.objects.create_from_image(
                image, kind=CreationKind.EDIT, title=title or "", metadata=metadata, fmt=fmt,
                pnginfo=png_info("Imogen editor", metadata, settings={"Filter": css_filter(values),
                                                                      "Size": f"{image.width}x{image.height}"}),
                **owner_fields(request),
            )
        log.info("Rendered edit %s (%dx%d, %s) in %.2fs", result.pk, image.width, image.height,
                 css_filter(values), seconds)
        return Response(EditorCreationSerializer(result).data, status=status.HTTP_201_CREATED)
