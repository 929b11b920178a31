from django.apps import AppConfig

from core.serializers import register_queue_facts


class FairQueueConfig(AppConfig):
    name = "fairqueue"
    verbose_name = "Fair queue"

    def ready(self):
        # In ready(): these reach models, which load only once the app registry is ready.
        from . import hooks  # noqa: F401  (learns speeds and sends ready mails when a job finishes)
        from .scheduler import facts_for

        register_queue_facts(facts_for)  # every job API answer carries the queue facts (core.serializers)
