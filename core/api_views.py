from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .ownership import get_job_for
from .quota import check_storage_quota
from .throttling import ClientRateThrottle, ScopedRateThrottle, charge_work
from .uploads import ImageUploadField


class InspectSerializer(serializers.Serializer):
    image = ImageUploadField(help_text=_("An image: PNG, JPEG, WebP, HEIC/HEIF or AVIF."))


class InspectResultSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField()
    frames = serializers.IntegerField(help_text="Frames in the file; only the first one is used.")
    notes = serializers.ListField(child=serializers.CharField(), help_text="What was changed on the way in.")


class UploadInspectView(APIView):
    """Check an image before using it: the same rules every feature applies to uploads."""

    parser_classes = [MultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "inspect"  # IMOGEN_THROTTLE_INSPECT

    @extend_schema(request=InspectSerializer, responses={200: InspectResultSerializer})
    def post(self, request):
        serializer = InspectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clean = serializer.validated_data["image"]
        return Response({"width": clean.image.width, "height": clean.image.height, "format": clean.format,
                         "frames": clean.frames, "notes": [str(note) for note in clean.notes]})


# --- the job kit: every background feature's create, detail and cancel endpoints ---------------------------------
class JobCreateView(APIView):
    """Base of a feature's create endpoint: POSTs count against the `jobs` throttle (reading lists does not), per
    client, account and session at once (core.throttling.ClientRateThrottle).

    A feature whose jobs differ in size calls `charge_work(request, job)` once the job is built: its
    `planned_cost()` counts against the `job_work` rate, so a `high` 4K job uses more of it than an `instant` one."""

    throttle_scope = "jobs"
    work_scope = "job_work"

    def get_throttles(self):
        return [ClientRateThrottle()] if self.request.method == "POST" else []

    def charge_work(self, request, job):
        """Raise Throttled (429, Retry-After) when this job's work does not fit this client's work rate."""
        wait = charge_work(request, self.work_scope, job.planned_cost())
        if wait is not None:
            raise Throttled(wait=wait, detail=str(_(  # Throttled joins its words to str: not a lazy string
                "You have asked for a lot of painting in a short time. Choose a smaller size or a faster quality, "
                "or try again later.")))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "POST":
            check_storage_quota(request)  # the results will be stored for this owner (core.quota)


class JobView(GenericAPIView):
    """One job of `queryset`'s model, for its owner only (core.ownership.get_job_for); anyone else gets 404."""

    not_found = None  # the 404's message

    def get_object(self, write=False):
        queryset = self.get_queryset()
        return get_job_for(self.request, queryset.model, self.kwargs["pk"], write=write, queryset=queryset,
                           not_found=self.not_found)


class JobDetailView(JobView):
    """A job's state (status, progress, stage, error, timestamps, links and the feature's own fields)."""

    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)


class JobCancelView(JobView):
    """Cancel a queued job at once, or ask the worker to stop a running one (as soon as it notices)."""

    @extend_schema(request=None)
    def post(self, request, pk):
        job = self.get_object(write=True)
        if not job.is_final:
            job.request_cancel()
        return Response(self.get_serializer(self.get_object()).data)
