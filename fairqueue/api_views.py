"""POST {"to": address} to a job's notify/ URL: mail the result there once it is ready (owner only).

The address is kept on that one job (not on the account or session) and checked like every other mail."""
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import JobStatus
from core.ownership import get_job_for
from mailer.api_views import EmailRequestSerializer
from mailer.service import reserve

from .notify import send_ready_mail


class NotifyAnswerSerializer(serializers.Serializer):
    notify_email = serializers.EmailField()
    status = serializers.CharField()
    sent = serializers.BooleanField(help_text="True once the mail has been handed to the mailer.")


class NotifyWhenReadyView(APIView):
    model = None  # set in the URL conf: NotifyWhenReadyView.as_view(model=StyleTransferJob)

    @extend_schema(request=EmailRequestSerializer,
                   responses={200: NotifyAnswerSerializer, 400: OpenApiResponse(description="Not one valid address"),
                              404: OpenApiResponse(description="Not your job"),
                              409: OpenApiResponse(description="The job failed or was canceled"),
                              429: OpenApiResponse(description="Too many emails")})
    def post(self, request, pk):
        job = get_job_for(request, self.model, pk)
        serializer = EmailRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        to = serializer.validated_data["to"]
        if job.status in (JobStatus.FAILED, JobStatus.CANCELED):
            return Response({"detail": _("This job did not finish, so there is nothing to email.")},
                            status=status.HTTP_409_CONFLICT)
        changed = 0
        if job.notified_at is None and job.notify_email != to:  # asking again for the same address is no new mail
            with transaction.atomic():
                # The mail counts now, when it is asked for, not when the job ends (it may never be sent, or be
                # one of a dozen asked for at once): limits checked and counted in one step.
                refusal = reserve(request, to)
                if refusal:
                    return Response({"detail": refusal.message}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                                    headers={"Retry-After": str(refusal.retry_after)})
                changed = self.model.objects.filter(pk=job.pk, notified_at__isnull=True).update(notify_email=to)
        job.refresh_from_db()
        if changed:
            send_ready_mail(job)  # already finished: now; otherwise the worker sends it when it is
            job.refresh_from_db()
        return Response({"notify_email": job.notify_email, "status": job.status,
                         "sent": job.notified_at is not None})
