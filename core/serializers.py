"""What every job's API shows: one serializer base, so each feature adds only its own fields."""
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from .models import JobStatus


class BaseJobSerializer(serializers.ModelSerializer):
    """Status, progress, stage, error, timestamps, queue facts and links of a job (`Meta.model` a `core.models.Job`).

    Subclass it with `class Meta(BaseJobSerializer.Meta): model = MyJob; fields = [*BaseJobSerializer.Meta.fields,
    "my_field"]`. Links come from the model's `url_names`, so pages never build API paths themselves.
    """

    status_label = serializers.CharField(read_only=True, help_text="The status in words, in the request's language.")
    # Queue facts: how long until it is done (the fair queue adds its position and start estimate here).
    eta_seconds = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    cancel_url = serializers.SerializerMethodField()

    class Meta:
        fields = ["id", "status", "status_label", "progress", "stage", "error", "created_at", "started_at",
                  "finished_at", "eta_seconds", "page_url", "api_url", "cancel_url"]
        read_only_fields = fields

    def get_eta_seconds(self, job) -> int | None:
        """Seconds left, from the time spent so far and the fraction done (None until there is a basis)."""
        if job.status != JobStatus.RUNNING or not job.started_at or job.progress < 0.02:
            return None
        elapsed = (timezone.now() - job.started_at).total_seconds()
        return max(0, round(elapsed * (1 - job.progress) / job.progress))

    @staticmethod
    def _link(job, which):
        name = job.url_names.get(which)
        return reverse(name, args=[job.pk]) if name else None

    def get_page_url(self, job) -> str | None:
        return self._link(job, "page")

    def get_api_url(self, job) -> str | None:
        return self._link(job, "api")

    def get_cancel_url(self, job) -> str | None:
        return None if job.is_final else self._link(job, "cancel")
