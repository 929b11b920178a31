"""Style transfer API: samples and submitting a job; following and canceling it are the job kit's
(core.api_views, wired in api_urls.py). Contract in docs/styletransfer.md."""
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_views import JobCreateView
from core.jobs import JobFailed
from core.ownership import owned_q, owner_fields
from core.parsers import JSONParser
from core.throttling import ClientRateThrottle
from core.uploads import save_upload
from fairqueue.limits import refuse_if_over_cap

from . import remix, samples
from .models import StyleTransferJob
from .serializers import JobCreateSerializer, JobSerializer, PreviewSerializer, SampleSerializer


def discard_inputs(job):
    """Delete the input files (and their thumbnails) stored for a job that was refused after all: nothing else
    points at them."""
    job.delete_files()


class SampleListView(APIView):
    """The bundled samples, optionally of one kind."""

    @extend_schema(
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=list(samples.KINDS), required=False)],
        responses={200: SampleSerializer(many=True)},
    )
    def get(self, request):
        kind = request.query_params.get("kind", "")
        if kind and kind not in samples.KINDS:
            raise ValidationError({"kind": [_("Use kind=content or kind=style.")]})
        return Response(SampleSerializer(samples.by_kind(kind), many=True).data)


class JobListCreateView(JobCreateView):
    """POST: start a style transfer (multipart). GET: this browser's (or account's) recent jobs."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses={200: JobSerializer(many=True)})
    def get(self, request):
        jobs = StyleTransferJob.objects.filter(owned_q(request)).select_related("result")[:50]
        return Response(JobSerializer(jobs, many=True).data)

    @extend_schema(request={"multipart/form-data": JobCreateSerializer},
                   responses={202: JobSerializer, 429: OpenApiResponse(description="Too many of yours waiting")})
    def post(self, request):
        refuse_extra_files(request)
        serializer = JobCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        refusal = refuse_if_over_cap(request, StyleTransferJob)  # early, before any file is stored
        if refusal:
            return refusal
        data = serializer.validated_data
        job = StyleTransferJob(
            options=serializer.options(), language=get_language() or "", **owner_fields(request),
            content_sample=data.get("content_sample", ""), style_sample=data.get("style_sample", ""),
        )
        for side in ("content", "style"):
            if data.get(f"{side}_image") is not None:
                remix.keep_input(job, side, save_upload(data[f"{side}_image"], "style"))
            elif data.get(f"{side}_source_job") is not None:  # Remix / Run again: the same kept bytes as before
                remix.keep_input(job, side, remix.copy_input(data[f"{side}_source_job"], side))
        try:
            self.charge_work(request, job)  # a `high` 4K job uses more of the work rate than an `instant` one
            with transaction.atomic():
                refusal = refuse_if_over_cap(request, StyleTransferJob)  # again, locked: parallel requests
                if refusal is None:
                    job.save()
                    job.enqueue()
        except Exception:
            discard_inputs(job)
            raise
        if refusal:
            discard_inputs(job)
            return refusal
        # What changed on the way in (e.g. an animation reduced to its first frame), said once, in the answer.
        job.upload_notes = [str(note) for side in ("content", "style") if data.get(f"{side}_image") is not None
                            for note in data[f"{side}_image"].notes]
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def refuse_extra_files(request):
    for side in ("content", "style"):
        if len(request.FILES.getlist(f"{side}_image")) > 1:
            raise ValidationError({f"{side}_image": [
                _("Send only one content image.") if side == "content" else _("Send only one style image.")]})


class PreviewView(APIView):
    """POST: a small JPEG of the first picture a job with these fields would paint; no job, nothing stored."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "previews"  # IMOGEN_THROTTLE_PREVIEWS

    def perform_content_negotiation(self, request, force=False):
        # A script that accepts only image/jpeg gets the picture, and its errors in JSON rather than a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        request={"multipart/form-data": PreviewSerializer},
        responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description=(
                       "The preview: long side IMOGEN_STYLE_PREVIEW_SIDE (384) px, the wallpaper's shape. "
                       "X-Preview-Cache says hit or miss.")),
                   400: OpenApiResponse(description="Bad input, in words per field"),
                   429: OpenApiResponse(description="Too many previews; Retry-After says when"),
                   503: OpenApiResponse(description="The preview painter is busy; try again")})
    def post(self, request):
        from .engine.errors import InputError, ModelMissing  # the engine package, imported lazily: no torch here
        from .preview import Busy, preview_jpeg  # onnxruntime: loaded with the first preview, never torch

        refuse_extra_files(request)
        serializer = PreviewSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            jpeg, cached = preview_jpeg(data, serializer.content_size(data))
        except Busy:  # a burst on this process: "try again in a second", not an error
            return Response({"detail": _("The preview painter is busy. The preview will be tried again in a moment.")},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "1"})
        except (InputError, JobFailed) as error:  # e.g. a style too small to learn from, a remixed photo gone
            raise ValidationError({"detail": str(error)}) from None
        except ModelMissing:
            return Response({"detail": _("The painting model is not installed on the server. "
                                         "Please tell the site's administrator.")},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        response = HttpResponse(jpeg, content_type="image/jpeg")
        response["X-Preview-Cache"] = "hit" if cached else "miss"
        response["Cache-Control"] = "private, no-store"  # the person's own photo: no shared cache keeps it
        return response
