from django.db import transaction
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_views import JobDetailView
from core.ownership import is_owner, owner_fields
from gallery.models import Creation

from .models import Delivery
from .service import check_recipient, client_ip, reserve


class EmailRequestSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=254, trim_whitespace=False,
                               help_text=_("One email address, like name@example.com."))

    def validate_to(self, value):
        return check_recipient(value)


class DeliverySerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="queued, sent or failed.")
    to = serializers.EmailField(source="recipient", read_only=True)
    creation = serializers.UUIDField(source="creation_id", read_only=True)
    error = serializers.SerializerMethodField(help_text="Why it failed (or why it is being retried), for people.")
    url = serializers.SerializerMethodField(help_text="This delivery in the API (poll it for the outcome).")
    attempts = serializers.IntegerField(source="tries", read_only=True,
                                        help_text="Tries at handing the mail to the mail server so far.")

    class Meta:
        model = Delivery
        fields = ["id", "status", "to", "creation", "error", "attempts", "transport", "attached", "created_at",
                  "finished_at", "next_attempt_at", "url"]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return obj.api_status

    def get_url(self, obj) -> str:
        return reverse("delivery", args=[obj.pk])

    def get_error(self, obj) -> str:
        return obj.error if obj.api_status != "sent" else ""


class MailErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CreationEmailView(APIView):
    """Email a creation you made to one address. The answer (202) is the delivery; poll it for the outcome."""

    throttle_classes = []

    @extend_schema(
        request=EmailRequestSerializer,
        responses={202: DeliverySerializer, 400: OpenApiResponse(description="Not one valid address"),
                   404: MailErrorSerializer, 429: MailErrorSerializer},
    )
    def post(self, request, pk):
        creation = Creation.objects.filter(pk=pk).first()
        if creation is None or not is_owner(request, creation):
            raise NotFound(_("There is no such image among yours."))
        serializer = EmailRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        to = serializer.validated_data["to"]
        with transaction.atomic():
            refusal = reserve(request, to)
            if refusal:
                return Response({"detail": refusal.message}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                                headers={"Retry-After": str(refusal.retry_after)})
            delivery = Delivery.objects.create(creation=creation, recipient=to, language=(get_language() or "en")[:8],
                                               client_ip=client_ip(request), **owner_fields(request))
            delivery.enqueue()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class DeliveryView(JobDetailView):
    """The outcome of an email: queued (waiting or retrying), sent (handed to the mail server) or failed."""

    queryset = Delivery.objects.all()
    serializer_class = DeliverySerializer
    not_found = _("There is no such email among yours.")

    @extend_schema(responses={200: DeliverySerializer, 404: MailErrorSerializer})
    def get(self, request, pk):
        return super().get(request, pk)
