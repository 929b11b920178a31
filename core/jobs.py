"""Running jobs: send an id to the broker, claim it in a worker, keep a heartbeat, record the outcome.

A feature writes the work of one job and gets its Celery task from `job_task`:

    def make_thing(job):
        ...
        return {"field": value}  # saved on the job when it succeeds

    run_thing = job_task(ThingJob)(make_thing)

The task's name and queue come from the model (`ThingJob.task_name`, `ThingJob.queue`), acks_late and
reject_on_worker_lost from the settings (CELERY_TASK_*). `run_thing(job_id)` claims the job and calls
`make_thing(job)`, which calls `job.update_progress(...)` (False once the user canceled → raise `JobCanceled`) and
raises `JobFailed("plain words for the user")` for failures the user should read. Tests call `run_thing(job_id)`
in-process: exactly what a worker does.
"""
import functools
import logging
import os
import signal
import threading
import time

from billiard.process import current_process as pool_process
from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .broker import QUEUE_WAITING, publish, send_job  # noqa: F401  (the job API lives here for callers)
from .fetch import stop_check
from .models import Job, JobStatus

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """A failure with a message meant for the user (already in plain words)."""


class JobCanceled(Exception):
    """Raised by work functions when they notice the user canceled."""


def job_models():
    return [m for m in apps.get_models() if issubclass(m, Job) and m.task_name]


class JobInterrupted(BaseException):
    """Raised in the job's thread by the watch when its work did not stop by itself (a BaseException, so that no
    `except Exception` in the work swallows it)."""


STOPPING_WORDS = {
    "time": lambda minutes: ngettext(
        "This job ran longer than its time limit (%(minutes)d minute) and was stopped. Please try again; a smaller "
        "size or fewer pictures finish sooner.",
        "This job ran longer than its time limit (%(minutes)d minutes) and was stopped. Please try again; a smaller "
        "size or fewer pictures finish sooner.", minutes) % {"minutes": minutes},
    "stall": lambda minutes: ngettext(
        "This job made no progress for %(minutes)d minute and was stopped, so that it does not hold a worker. "
        "Please try again later.",
        "This job made no progress for %(minutes)d minutes and was stopped, so that it does not hold a worker. "
        "Please try again later.", minutes) % {"minutes": minutes},
}


def stopping_words(reason, seconds, language):
    """What the user reads when their job was stopped for `reason` ("time" or "stall") after `seconds`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return STOPPING_WORDS[reason](max(1, round(seconds / 60)))


WATCH_EVERY = 1.0  # seconds between the watch's looks at the job's row (a cancel is seen within this)
INTERRUPT_AFTER = 2.0  # seconds the work has to stop by itself (at its next check) before it is interrupted
INTERRUPT_SIGNAL = signal.SIGUSR2  # free in Celery's workers (billiard's soft limit is SIGUSR1, pytest's SIGALRM)


class _Watch(threading.Thread):
    """Beside each running job: writes its heartbeat (so the sweep knows the worker lives) and ends work that must
    end — canceled, past its time limit, or stalled (its work reported nothing for IMOGEN_JOB_STALL_SECONDS).

    First the work is asked (`check()`, which core.fetch calls while a provider call waits, and update_progress
    returns False); if it has not stopped INTERRUPT_AFTER seconds later, JobInterrupted is raised in its thread
    (when that is the main thread: solo and prefork workers, and in-process runs);
    in a pool's child process that still has not stopped IMOGEN_JOB_KILL_GRACE_SECONDS later, the job is failed
    and the child exits, so that Celery starts a fresh one: a hung call never holds a worker for ever."""

    def __init__(self, model, job):
        super().__init__(daemon=True, name=f"watch-{job.pk}")
        self.model, self.job_id = model, job.pk
        self.limit = max(1.0, float(job.time_limit_seconds()))
        self.started = time.monotonic()
        self.stall = settings.IMOGEN_JOB_STALL_SECONDS
        self.language = getattr(job, "language", "") or settings.LANGUAGE_CODE
        self.stopped = threading.Event()
        self.reason = None  # canceled, time, stall, gone (no longer running: failed by the sweep, say)
        self.reason_at = None
        self.working = False  # the job's thread is inside the work (only then is it interrupted)
        self.main = threading.get_ident() if threading.current_thread() is threading.main_thread() else None
        self.interrupted = False

    # --- in the job's thread ---
    def words(self):
        return stopping_words(self.reason, self.limit if self.reason == "time" else self.stall, self.language)

    def check(self):
        """Raise if the job must stop: JobCanceled for a cancel, JobFailed (plain words) for the limits."""
        if self.reason in ("canceled", "gone"):
            raise JobCanceled()
        if self.reason:
            raise JobFailed(self.words())

    def _interrupt(self, signum, frame):
        if self.working and self.reason:
            self.working = False  # once
            raise JobInterrupted(self.reason)

    # --- in the watch's thread ---
    def run(self):
        last_beat = time.monotonic()
        try:
            while not self.stopped.wait(WATCH_EVERY):
                now = time.monotonic()
                beat = now - last_beat >= settings.IMOGEN_JOB_HEARTBEAT_SECONDS
                if beat:
                    last_beat = now
                    self.model.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now())
                if self.reason is None:
                    self.reason = self.look(now)
                    self.reason_at = now
                if self.reason and self.working:
                    self.push(now)
        except Exception:  # the job itself will report any real database trouble
            log.exception("Watch of %s stopped", self.job_id)
        finally:
            connection.close()

    def look(self, now):
        if now - self.started > self.limit:
            return "time"
        row = self.model.objects.filter(pk=self.job_id).values(
            "status", "cancel_requested", "progress_at", "started_at").first()
        if row is None:  # not visible from here (a test's open transaction): nothing to go by
            return None
        if row["cancel_requested"]:
            return "canceled"
        if row["status"] != JobStatus.RUNNING:
            return "gone"
        moved = max(filter(None, (row["progress_at"], row["started_at"])), default=None)
        if self.stall and moved and (timezone.now() - moved).total_seconds() > self.stall:
            return "stall"
        return None

    def push(self, now):
        waited = now - self.reason_at
        if waited >= INTERRUPT_AFTER and not self.interrupted and self.main is not None:
            self.interrupted = True
            log.warning("%s %s did not stop (%s); interrupting it", self.model.__name__, self.job_id, self.reason)
            signal.pthread_kill(self.main, INTERRUPT_SIGNAL)
        if waited >= INTERRUPT_AFTER + settings.IMOGEN_JOB_KILL_GRACE_SECONDS and _in_pool_child():
            log.error("%s %s still did not stop (%s); ending this worker process", self.model.__name__,
                      self.job_id, self.reason)
            _finish_stopped(self.model, self.job_id, self.reason, self.words() if self.reason in STOPPING_WORDS
                            else "")
            os._exit(70)  # the pool starts a fresh process; the job is already final, so a redelivery skips it


def _in_pool_child():
    """True in a child process of Celery's prefork pool (ending it frees the slot; ending a solo worker would not)."""
    return pool_process().name != "MainProcess"


def _finish_stopped(model, job_id, reason, words):
    status = JobStatus.CANCELED if reason in ("canceled", "gone") else JobStatus.FAILED
    now = timezone.now()
    model.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=status, error=words, stage="", finished_at=now, heartbeat_at=now)


def run_job(model, job_id, work):
    """Claim `job_id`, run `work(job)`, record succeeded/failed/canceled. Safe to call twice."""
    close_old_connections()
    job = model.claim(job_id)
    if job is None:
        log.info("%s %s is not claimable (already running, finished or canceled); skipping", model.__name__, job_id)
        return None
    # From here on the log names the job that runs: a fair queue may hand this message's worker another, fairer job.
    if str(job.pk) == str(job_id):
        log.info("%s %s started (attempt %d)", model.__name__, job.pk, job.attempts)
    else:
        log.info("%s %s started (attempt %d; its turn came with the message for %s)", model.__name__, job.pk,
                 job.attempts, job_id)
    watch = _Watch(model, job)
    job.should_stop = lambda: watch.reason is not None  # update_progress answers False once the job must stop
    previous = signal.signal(INTERRUPT_SIGNAL, watch._interrupt) if watch.main is not None else None
    watch.start()
    try:
        try:
            watch.working = True
            with stop_check(watch.check):
                fields = work(job) or {}
        finally:
            watch.working = False
    except (JobCanceled, JobInterrupted):
        if watch.reason in STOPPING_WORDS:
            log.warning("%s %s stopped: %s", model.__name__, job.pk, watch.reason)
            job.finish(JobStatus.FAILED, error=watch.words())
        else:
            job.finish(JobStatus.CANCELED, error="")
    except JobFailed as exc:
        log.warning("%s %s failed: %s", model.__name__, job.pk, exc)
        job.finish(JobStatus.FAILED, error=str(exc))
    except Exception:
        log.exception("%s %s crashed", model.__name__, job.pk)
        job.finish(
            JobStatus.FAILED,
            error=_("Something went wrong on our side while making this. Please try again; "
                    "if it keeps failing, tell us the job id."),
        )
    else:
        if model.objects.filter(pk=job.pk, cancel_requested=True).exists():
            job.finish(JobStatus.CANCELED)
        else:
            job.finish(JobStatus.SUCCEEDED, stage="", **fields)
    finally:
        watch.stopped.set()
        watch.join(timeout=2)
        if watch.main is not None:
            signal.signal(INTERRUPT_SIGNAL, previous)
    log.info("%s %s ended as %s", model.__name__, job.pk, job.status)
    return job


def job_task(model):
    """`job_task(Model)(work)`: the Celery task that runs `Model`'s jobs with `work(job)` (see the module doc)."""
    def decorate(work):
        @functools.wraps(work)
        def run(job_id):
            run_job(model, job_id, work)

        task = shared_task(name=model.task_name, queue=model.queue)(run)
        task.work = work
        return task

    return decorate


def sweep(now=None):
    """Re-send queued jobs nobody picked up, hand abandoned running jobs to another worker, and fail running jobs
    whose work stopped moving (their worker lives, but a hung call holds it)."""
    now = now or timezone.now()
    resend_before = now - timezone.timedelta(seconds=settings.IMOGEN_JOB_RESEND_SECONDS)
    stale_before = now - timezone.timedelta(seconds=settings.IMOGEN_JOB_STALE_SECONDS)
    counts = {}
    for model in job_models():
        given_up = model.give_up_lost(now)  # lost too many workers already: failed, not queued again
        if given_up:
            log.warning("%d %s(s) lost IMOGEN_JOB_MAX_ATTEMPTS workers; failed", given_up, model.__name__)
        abandoned = model.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before)
        overdue = fail_overdue(model, abandoned)  # the rest (a lazy query, read again below) is revived
        revived = list(abandoned.values_list("pk", flat=True))
        if revived:
            log.warning("%d %s(s) lost their worker; queueing them again", len(revived), model.__name__)
            model.objects.filter(pk__in=revived, status=JobStatus.RUNNING, heartbeat_at__lt=stale_before).update(
                status=JobStatus.QUEUED, stage=_("Waiting for a worker (the previous one stopped)")
            )
        stalled = fail_stalled(model, now, stale_before)
        stuck = model.objects.filter(status=JobStatus.QUEUED, cancel_requested=False).filter(
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=resend_before)
        )
        sent = 0
        for pk in stuck.values_list("pk", flat=True):
            sent += send_job(model, pk)
        counts[model.__name__] = {"revived": len(revived), "resent": sent, "given_up": given_up, "stalled": stalled,
                                   "overdue": overdue}
    return counts


def fail_stalled(model, now, stale_before):
    """Fail (with words) running jobs whose worker lives but whose work has reported nothing for
    IMOGEN_JOB_STALL_SECONDS; the worker's watch sees the job gone and stops the work. Returns how many."""
    if not settings.IMOGEN_JOB_STALL_SECONDS:
        return 0
    stall_before = now - timezone.timedelta(seconds=settings.IMOGEN_JOB_STALL_SECONDS)
    stalled = model.objects.filter(status=JobStatus.RUNNING, heartbeat_at__gte=stale_before,
                                   started_at__lt=stall_before).filter(
        Q(progress_at__isnull=True) | Q(progress_at__lt=stall_before))
    failed = 0
    for job in stalled:
        words = stopping_words("stall", settings.IMOGEN_JOB_STALL_SECONDS, getattr(job, "language", ""))
        if job.finish(JobStatus.FAILED, error=words, stage=""):
            log.warning("%s %s made no progress for %d s; failed", model.__name__, job.pk,
                        settings.IMOGEN_JOB_STALL_SECONDS)
            failed += 1
    return failed


def fail_overdue(model, abandoned):
    """Fail (with words) abandoned jobs whose worker was lost after their time limit (Celery's hard limit killed it,
    say): running them again would only end the same way. Returns how many."""
    failed = 0
    for job in abandoned.exclude(started_at__isnull=True):
        limit = job.time_limit_seconds()
        if (job.heartbeat_at - job.started_at).total_seconds() > limit and job.finish(
                JobStatus.FAILED, error=stopping_words("time", limit, getattr(job, "language", "")), stage=""):
            log.warning("%s %s was lost past its time limit (%d s); failed", model.__name__, job.pk, limit)
            failed += 1
    return failed
