"""The queue as people see it: who is ahead, when each waiting job starts and when it will be done.

The order is the one `FairQueued.claim` serves: (queue_round, created_at). Starting times come from playing
the queue forward on the live workers of the job's Celery queue: each running job frees its worker after its
remaining time, each waiting job then takes the first free worker for its predicted time.
"""
import heapq
from dataclasses import dataclass

from django.utils import timezone

from core.models import JobStatus, WorkerBeat

from . import estimate
from .models import FairQueued


@dataclass(frozen=True)
class Facts:
    queue_position: int | None  # jobs that will start before this one; 0 when next or running
    starts_in_seconds: int | None
    eta_seconds: int | None  # seconds until it is done


NO_FACTS = Facts(None, None, None)


def celery_queue(model):
    return model.queue  # every job model names its queue (core.models.Job.queue)


def live_machines(model):
    """Host names of the live workers that consume this model's queue (one entry per worker)."""
    queue = celery_queue(model)
    hosts = []
    for beat in WorkerBeat.live():
        if queue in (beat.queues or "").split(","):
            hosts.append(beat.hostname.rpartition("@")[2] or beat.hostname)
    return hosts


def _round(value):
    return None if value is None else max(0, int(round(value)))


def snapshot(model, now=None):
    """{job pk: Facts} for every queued and running job of `model`."""
    now = now or timezone.now()
    running = list(model.objects.filter(status=JobStatus.RUNNING))
    waiting = list(model.waiting().order_by(*model.fair_order()))
    if not running and not waiting:
        return {}
    rates = estimate.Rates.load()
    machines = live_machines(model)
    facts = {}
    free_at = []  # when each worker is free, seconds from now (None: unknown)
    for job in running:
        left = estimate.remaining(job, rates, now, machines)
        facts[job.pk] = Facts(0, 0, _round(left))
        free_at.append(left)
    slots = max(len(machines), len(running))
    free_at += [0.0] * (slots - len(running))
    known = [t for t in free_at if t is not None]
    unknown = len(free_at) - len(known)
    heapq.heapify(known)
    for position, job in enumerate(waiting):
        total = estimate.predicted_total(job, rates, machines)
        if not known or unknown:  # no worker, or a running job without a basis: only the position is sure
            facts[job.pk] = Facts(position, None, None)
            continue
        start = heapq.heappop(known)
        if total is None:
            facts[job.pk] = Facts(position, _round(start), None)
            unknown += 1  # later jobs' start times depend on this one
            continue
        facts[job.pk] = Facts(position, _round(start), _round(start + total))
        heapq.heappush(known, start + total)
    return facts


def plain_facts(job, now=None):
    """For jobs outside the fair queue: first come, first served, and the job's own pace once it runs."""
    if job.status == JobStatus.RUNNING:
        return Facts(0, 0, _round(estimate.remaining(job, None, now)))
    ahead = type(job).objects.filter(status=JobStatus.QUEUED, cancel_requested=False,
                                     created_at__lt=job.created_at).count()
    return Facts(ahead, None, None)


def facts_for(job, cache=None):
    """Facts for one job; `cache` (a dict, e.g. a serializer's context) keeps one snapshot per request."""
    if job.is_final:
        return NO_FACTS
    if not isinstance(job, FairQueued):
        return plain_facts(job)
    model = type(job)
    key = f"fairqueue:{model._meta.label}"
    if cache is not None and key in cache:
        table = cache[key]
    else:
        table = snapshot(model)
        if cache is not None:
            cache[key] = table
    return table.get(job.pk, NO_FACTS)
