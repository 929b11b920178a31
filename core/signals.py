"""Worker liveness: each Celery worker writes a WorkerBeat row every few seconds (works on any broker,
including the embedded filesystem one, where Celery's own ping does not)."""
import logging
import os
import threading

from celery.signals import worker_ready, worker_shutdown
from django.db import connection
from django.utils import timezone

from .models import WorkerBeat

log = logging.getLogger(__name__)
BEAT_SECONDS = 5
_stop = threading.Event()


def _beat(hostname, queues):
    while True:
        try:
            WorkerBeat.objects.update_or_create(
                hostname=hostname, defaults={"queues": queues, "pid": os.getpid(), "last_seen": timezone.now()}
            )
        except Exception as exc:
            log.warning("Could not record worker heartbeat (database unreachable?): %s", exc)
        finally:
            connection.close()
        if _stop.wait(BEAT_SECONDS):
            return


@worker_ready.connect
def start_worker_beat(sender=None, **kwargs):
    queues = ",".join(sorted(q.name for q in sender.app.amqp.queues.consume_from.values()))
    log.info("Worker %s ready, consuming queues: %s", sender.hostname, queues)
    threading.Thread(target=_beat, args=(sender.hostname, queues), daemon=True, name="worker-beat").start()


@worker_shutdown.connect
def stop_worker_beat(sender=None, **kwargs):
    _stop.set()
    try:
        WorkerBeat.objects.filter(hostname=getattr(sender, "hostname", "")).delete()
    except Exception:
        pass
