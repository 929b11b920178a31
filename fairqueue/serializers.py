"""Queue facts for a job's API answer. Add `QueueFactsMixin` to a job serializer and its three field names
(`QUEUE_FIELDS`) to `Meta.fields`; one queue snapshot is computed per response, also for lists."""
from rest_framework import serializers

from .scheduler import facts_for

QUEUE_FIELDS = ["queue_position", "starts_in_seconds", "eta_seconds"]


class QueueFactsMixin(serializers.Serializer):
    queue_position = serializers.SerializerMethodField(
        help_text="How many jobs will start before this one; 0 when it is next or running; null when finished.")
    starts_in_seconds = serializers.SerializerMethodField(
        help_text="Seconds until it starts (0 once running); null when unknown or finished.")
    eta_seconds = serializers.SerializerMethodField(
        help_text="Seconds until it is done (queued: waiting included); null when unknown or finished.")

    def _facts(self, job):
        return facts_for(job, cache=self.context)

    def get_queue_position(self, job) -> int | None:
        return self._facts(job).queue_position

    def get_starts_in_seconds(self, job) -> int | None:
        return self._facts(job).starts_in_seconds

    def get_eta_seconds(self, job) -> int | None:
        return self._facts(job).eta_seconds
