"""Text-to-image API: start a job; following and canceling it are the job kit's (core.api_views, api_urls.py)."""
from django.db import transaction
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.api_views import JobCreateView
from core.ownership import owner_fields

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
                provider=serializer.provider.name, language=(get_language() or "")[:8], **owner_fields(request),
            )
            job.enqueue()
        return Response(TextToImageJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
