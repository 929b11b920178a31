from celery import shared_task

from . import notify
from .registry import fair_models


@shared_task(name="fairqueue.tasks.send_missed_ready_mails", ignore_result=True)
def send_missed_ready_mails():
    return {model.__name__: notify.send_missed(model) for model in fair_models()}
