"""Small images of a job's inputs for its tiles (owner only; uploads may be large, so they are shrunk here)."""
import io

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from PIL import Image

from core.ownership import get_job_for

THUMB = 240


def thumbnail_response(model, request, pk, side):
    job = get_job_for(request, model, pk)
    field = getattr(job, f"{side}_image", None) if side in ("content", "style") else None
    if not field:
        raise Http404
    kept = getattr(job, f"{side}_thumbnail", None)
    try:
        if kept:  # made on arrival (core.uploads.save_upload): no decoding of the original for each tile
            with kept.open("rb") as handle:
                data = handle.read()
        else:
            with field.open("rb") as handle, Image.open(handle) as image:
                image.draft("RGB", (THUMB, THUMB))
                picture = image.convert("RGB")
            picture.thumbnail((THUMB, THUMB))
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=80)
            data = buffer.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        raise Http404 from None
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def style_input_thumbnail(request, pk, side):
    from styletransfer.models import StyleTransferJob

    return thumbnail_response(StyleTransferJob, request, pk, side)
