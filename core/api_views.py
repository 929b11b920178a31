from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .throttling import ScopedRateThrottle
from .uploads import ImageUploadField


class InspectSerializer(serializers.Serializer):
    image = ImageUploadField(help_text=_("A PNG or JPEG image."))


class InspectResultSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField()


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
        return Response({"width": clean.image.width, "height": clean.image.height, "format": clean.format})
