"""Text-to-image API: start a job; following and canceling it are the job kit's (core.api_views, api_urls.py)."""
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_views import JobCreateView
from core.ownership import get_job_for, owner_fields

from .models import TextToImageJob
from .serializers import TextToImageJobCreateSerializer, TextToImageJobSerializer


class JobListView(JobCreateView):
    """Start a text-to-image job (202); the pictures are made in the background."""

    @extend_schema(request=TextToImageJobCreateSerializer, responses={202: TextToImageJobSerializer})
    def post(self, request):
        serializer = TextToImageJobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            job = TextToImageJob.objects.create(
                prompt=data["prompt"], negative_prompt=data.get("negative_prompt", "").strip(),
                width=data["width"], height=data["height"], samples=data["samples"], seed=data.get("seed"),
                steps=data.get("steps"),
                provider=serializer.provider.name, language=(get_language() or "")[:8], **owner_fields(request),
            )
            job.enqueue()
        return Response(TextToImageJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class JobPreviewView(APIView):
    """The latest preview frame of a running job (JPEG or PNG, as the provider sent it); 404 when there is none."""

    @extend_schema(responses={(200, "image/jpeg"): bytes})
    def get(self, request, pk):
        job = get_job_for(request, TextToImageJob, pk, queryset=TextToImageJob.objects.only("pk", "preview"))
        data = bytes(job.preview or b"")
        if not data:
            raise Http404
        kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        return HttpResponse(data, content_type=kind, headers={"Cache-Control": "private, max-age=60"})
