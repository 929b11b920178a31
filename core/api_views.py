from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .throttling import ScopedRateThrottle
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
