import base64

from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
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
from .uploads import ImageUploadField, encode_image

PREVIEW_LONG_SIDE = 1024


class CsrfTokenSerializer(serializers.Serializer):
    csrftoken = serializers.CharField(help_text="Send it back as the X-CSRFToken header (the cookie is set too).")


class CsrfTokenView(APIView):
    """The CSRF token for a script that uses a browser session instead of an API token.

    Every unsafe request made with the session cookie needs the token in `X-CSRFToken` (and the `csrftoken` cookie
    this answer sets). With `Authorization: Bearer <API token>` (made on the account page) no CSRF token is needed.
    """

    authentication_classes = []
    permission_classes = []

    @extend_schema(responses=CsrfTokenSerializer, tags=["auth"], auth=[])
    @method_decorator(never_cache)
    @method_decorator(ensure_csrf_cookie)
    def get(self, request):
        return Response({"csrftoken": get_token(request)})


class InspectSerializer(serializers.Serializer):
    image = ImageUploadField(help_text=_("An image: PNG, JPEG, WebP, HEIC/HEIF or AVIF."))
    preview = serializers.BooleanField(required=False, default=False, help_text=_(
        "Also answer a small upright JPEG of it (for a page whose browser cannot show the file, such as HEIC)."))


class InspectResultSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField()
    frames = serializers.IntegerField(help_text="Frames in the file; only the first one is used.")
    notes = serializers.ListField(child=serializers.CharField(), help_text="What was changed on the way in.")
    preview = serializers.CharField(required=False, help_text=(
        f"Only with preview=true: the picture upright, long side at most {PREVIEW_LONG_SIDE} px, as a data: URL "
        "(JPEG, no metadata); width and height stay the full picture's."))


def preview_data_url(image):
    """The picture as the server reads it (EXIF orientation applied), small, as a JPEG data: URL."""
    small = image.copy()
    small.thumbnail((PREVIEW_LONG_SIDE, PREVIEW_LONG_SIDE))
    return "data:image/jpeg;base64," + base64.b64encode(encode_image(small, "JPEG")).decode("ascii")


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
        answer = {"width": clean.image.width, "height": clean.image.height, "format": clean.format,
                  "frames": clean.frames, "notes": [str(note) for note in clean.notes]}
        if serializer.validated_data["preview"]:
            answer["preview"] = preview_data_url(clean.image)
        return Response(answer)


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

    def get_object(self):
        queryset = self.get_queryset()
        return get_job_for(self.request, queryset.model, self.kwargs["pk"], queryset=queryset, not_found=self.not_found)


class JobDetailView(JobView):
    """A job's state (status, progress, stage, error, timestamps, links and the feature's own fields)."""

    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)


class JobCancelView(JobView):
    """Cancel a queued job at once, or ask the worker to stop a running one (as soon as it notices)."""

    @extend_schema(request=None)
    def post(self, request, pk):
        job = self.get_object()
        if not job.is_final:
            job.request_cancel()
        return Response(self.get_serializer(self.get_object()).data)
