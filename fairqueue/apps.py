from django.apps import AppConfig


class FairQueueConfig(AppConfig):
    name = "fairqueue"
    verbose_name = "Fair queue"
