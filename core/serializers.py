"""What every job's API shows: one serializer base, so each feature adds only its own fields."""
from django.urls import reverse
from rest_framework import serializers

from fairqueue.serializers import QUEUE_FIELDS, QueueFactsMixin


class BaseJobSerializer(QueueFactsMixin, serializers.ModelSerializer):
    """Status, progress, stage, error, timestamps, queue facts and links of a job (`Meta.model` a `core.models.Job`).

    Subclass it with `class Meta(BaseJobSerializer.Meta): model = MyJob; fields = [*BaseJobSerializer.Meta.fields,
    "my_field"]`. Links come from the model's `url_names`, so pages never build API paths themselves.
    """

    status_label = serializers.CharField(read_only=True, help_text="The status in words, in the request's language.")
    # Queue facts (queue_position, starts_in_seconds, eta_seconds) come from fairqueue.serializers.QueueFactsMixin.
    page_url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    cancel_url = serializers.SerializerMethodField()

    class Meta:
        fields = ["id", "status", "status_label", "progress", "stage", "error", "created_at", "started_at",
                  "finished_at", *QUEUE_FIELDS, "page_url", "api_url", "cancel_url"]
        read_only_fields = fields

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
