"""POST /api/editor/renders/: the server renders the editor's filters and stores the result as a creation."""
import logging
import time
from pathlib import PurePath

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ownership import is_owner, owner_fields
from core.throttling import ScopedRateThrottle
from core.uploads import UploadRejected, read_image
from gallery import sharing
from gallery.models import Creation, CreationKind

from .filters import FILTERS, apply_filters, changed, css_filter
from .serializers import EditorCreationSerializer, EditorRenderSerializer

log = logging.getLogger(__name__)


def source_creation(request, pk):
    """A creation the requester may edit: their own, or any visible one they have the link to (the same rule as
    its page /gallery/c/<id>/). Hidden ones only for their owner; anything else is a 404."""
    creation = get_object_or_404(Creation, pk=pk)
    if creation.is_hidden and not is_owner(request, creation):
        raise NotFound(_("No such creation."))
    return creation


def max_pixels():
    return getattr(settings, "IMOGEN_EDITOR_MAX_PIXELS", settings.IMOGEN_UPLOAD_MAX_PIXELS)


def check_size(clean, field):
    """Rendering runs inside the request: refuse images above IMOGEN_EDITOR_MAX_PIXELS with a clear 400."""
    width, height = clean.image.size
    if width * height > max_pixels():
        raise ValidationError({field: [
            _("The image is %(width)d×%(height)d pixels; the server renders edits of up to %(limit).0f megapixels. "
              "Use Download on the editor page instead, or make the image smaller.")
            % {"width": width, "height": height, "limit": max_pixels() / 1e6}
        ]})
    return clean


def load_creation_image(creation):
    try:
        with creation.image.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        raise NotFound(_("The image of this creation is no longer stored.")) from None
    try:
        return read_image(data, max_bytes=max(len(data), 1), max_pixels=max(max_pixels(), creation.width * creation.height))
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
        serializer = EditorRenderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        values = {name: data[name] for name in FILTERS}
        if data.get("creation") is not None:
            creation = source_creation(request, data["creation"])
            clean = check_size(load_creation_image(creation), "creation")
            source = {"type": "creation", "id": str(creation.pk), "kind": creation.kind}
            title = creation.title or sharing.file_title_for(creation, is_owner(request, creation))
        else:
            clean = check_size(data["image"], "image")
            source = {"type": "upload", "format": clean.format}
            upload = request.FILES.get("image")
            title = PurePath(getattr(upload, "name", "") or "").stem
        started = time.monotonic()
        image = apply_filters(clean.image, values)
        seconds = time.monotonic() - started
        fmt = {"png": "PNG", "jpeg": "JPEG"}.get(data.get("format") or "", clean.format)
        applied = dict(changed(values))
        result = Creation.objects.create_from_image(
            image, kind=CreationKind.EDIT, title=title or "",
            metadata={"filters": applied, "css_filter": css_filter(values), "source": source,
                      "render_seconds": round(seconds, 3)},
            fmt=fmt, **owner_fields(request),
        )
        log.info("Rendered edit %s (%dx%d, %s) in %.2fs", result.pk, image.width, image.height,
                 css_filter(values), seconds)
        return Response(EditorCreationSerializer(result).data, status=status.HTTP_201_CREATED)
