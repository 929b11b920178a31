"""What every job's API shows: one serializer base, so each feature adds only its own fields."""
from django.urls import reverse
from rest_framework import serializers

QUEUE_FIELDS = ["queue_position", "starts_in_seconds", "eta_seconds"]
_queue_facts = None


def register_queue_facts(facts_for):
    """The queue app plugs its estimates in here (fairqueue.apps): `facts_for(job, cache=dict)` returns an object with
    the QUEUE_FIELDS as attributes; one cache per response, so a list costs one queue snapshot."""
    global _queue_facts
    _queue_facts = facts_for


class BaseJobSerializer(serializers.ModelSerializer):
    """Status, progress, stage, error, timestamps, queue facts and links of a job (`Meta.model` a `core.models.Job`).

    Subclass it with `class Meta(BaseJobSerializer.Meta): model = MyJob; fields = [*BaseJobSerializer.Meta.fields,
    "my_field"]`. Links come from the model's `url_names`, so pages never build API paths themselves.
    """

    status_label = serializers.CharField(read_only=True, help_text="The status in words, in the request's language.")
    queue_position = serializers.SerializerMethodField(
        help_text="How many jobs will start before this one; 0 when it is next or running; null when finished.")
    starts_in_seconds = serializers.SerializerMethodField(
        help_text="Seconds until it starts (0 once running); null when unknown or finished.")
    eta_seconds = serializers.SerializerMethodField(
        help_text="Seconds until it is done (queued: waiting included); null when unknown or finished.")
    page_url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    cancel_url = serializers.SerializerMethodField()

    class Meta:
        fields = ["id", "status", "status_label", "progress", "stage", "error", "created_at", "started_at",
                  "finished_at", *QUEUE_FIELDS, "page_url", "api_url", "cancel_url"]
        read_only_fields = fields

    def _facts(self, job):
        return _queue_facts(job, cache=self.context) if _queue_facts else None

    def get_queue_position(self, job) -> int | None:
        return getattr(self._facts(job), "queue_position", None)

    def get_starts_in_seconds(self, job) -> int | None:
        return getattr(self._facts(job), "starts_in_seconds", None)

    def get_eta_seconds(self, job) -> int | None:
        return getattr(self._facts(job), "eta_seconds", None)

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
