"""The job pattern every background feature shares, and the worker heartbeat table.

The database row is the truth: Celery messages carry only the job id, a worker claims a job with a
conditional UPDATE (so two deliveries never run it at once), and the periodic sweep re-sends jobs that
no live worker holds. Nothing accepted is ever lost.
"""
import uuid

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone, translation

from .broker import send_job
from .ownership import owned_q
from .status import FINAL_STATUSES, JobStatus

__all__ = ["FINAL_STATUSES", "EchoJob", "Job", "JobStatus", "Owned", "WorkerBeat", "job_finished", "owned_models"]


# Sent once a job reached its final status (`job`), however it got there (a worker's finish, a cancel before it
# started, a job given up): features that learn from finished work listen (fairqueue), core.cleanup drops the files
# of a canceled or failed one.
job_finished = Signal()


class Owned(models.Model):
    """Abstract base of everything a visitor owns (jobs, creations): their account, or else the browser session that
    made it anonymously (moved to the account at sign-up or log-in). Every subclass is listed by `owned_models()`,
    so moving work to an account, deleting an account and the retention purge never list models by hand."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    # The client that asked (core.throttling.client_key: an IPv4 address or an IPv6 /64), kept beside the cookie so
    # that limits, quotas and fairness hold per address: a new session from the same address is the same client.
    client = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    @classmethod
    def owned_by(cls, request):
        """The requester's rows: their account's, or this browser session's (core.ownership.owned_q)."""
        return cls.objects.filter(owned_q(request))

    @classmethod
    def expired(cls, cutoff):
        """Rows the retention purge may delete: made before `cutoff` (subclasses keep what must stay)."""
        return cls.objects.filter(created_at__lt=cutoff)

    def delete_with_files(self):
        """Delete the row and the stored file of each of its file fields: afterwards every link to them is a 404."""
        self.delete()
        self.delete_files()

    def delete_files(self):
        """Delete the stored file of each file field (the row is the caller's: e.g. a job refused before saving)."""
        for field in self._meta.get_fields():
            value = getattr(self, field.name) if isinstance(field, models.FileField) else None
            if value and value.name:
                value.storage.delete(value.name)


def owned_models():
    """Every concrete model with an owner (Owned subclasses): jobs of every kind and creations."""
    return [m for m in apps.get_models() if issubclass(m, Owned)]


class Job(Owned):
    """Abstract base for background jobs.

    Subclasses set `task_name` (the Celery task that runs them, made with `core.jobs.job_task`), and may set
    `queue` (the Celery queue), `url_names` (the job's page, API and cancel routes, for the API's links) and
    `status_labels` (words for a status where the feature says it differently, e.g. "Drawing" for running).
    """

    task_name = ""
    queue = "default"
    url_names = {}  # {"page": "app:job", "api": "app-job", "cancel": "app-job-cancel"}
    status_labels = {}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0)
    stage = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True, help_text="Shown to the user as it is.")
    cancel_requested = models.BooleanField(default=False)
    # Starts by a worker: the kit's count of lost workers (IMOGEN_JOB_MAX_ATTEMPTS caps it). A feature that hands a
    # job back on purpose to try again later (`hand_back`) keeps its own count of tries (mail: Delivery.tries).
    attempts = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the work itself last reported (update_progress), as opposed to the heartbeat thread: a job whose work has
    # not moved for IMOGEN_JOB_STALL_SECONDS is stuck (a hung engine or provider call) and is failed.
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return f"{type(self).__name__} {self.pk} ({self.status})"

    @classmethod
    def expired(cls, cutoff):
        """Finished jobs made before `cutoff` (a queued or running one is never purged)."""
        return super().expired(cutoff).filter(status__in=FINAL_STATUSES)

    @property
    def is_final(self):
        return self.status in FINAL_STATUSES

    @property
    def status_label(self):
        return str(self.status_labels.get(self.status) or self.get_status_display())

    # --- how long it may take ----------------------------------------------------------------------
    def time_limit_seconds(self):
        """The most seconds one run of this job may take; past it the job fails with words and frees its worker.
        Models say it from their planned work, with room (IMOGEN_JOB_TIME_ROOM); this is for those that plan
        nothing."""
        return settings.IMOGEN_JOB_TIME_LIMIT_SECONDS

    # Whether a message runs the job it names (False: the worker takes the fairest waiting one, fairqueue).
    claims_named_job = True

    @classmethod
    def hard_time_limit(cls, job_id):
        """Seconds for Celery's hard limit on the message that names `job_id`: the job's own limit and the watch's
        graces, twice over (None: no limit, where the message may run another job)."""
        job = cls.objects.filter(pk=job_id).first() if cls.claims_named_job else None
        if job is None:
            return None
        return round(job.time_limit_seconds() + 2 * (settings.IMOGEN_JOB_KILL_GRACE_SECONDS + 10))

    # --- submitting ------------------------------------------------------------------------------
    def planned_cost(self):
        """How much of the `job_work` rate this job uses (whole units; core.api_views.JobCreateView.charge_work)."""
        return 1

    def enqueue(self):
        """Send the job id to the broker once the surrounding transaction commits.

        If the broker is unreachable the job simply stays `queued`; the sweep sends it again later.
        """
        transaction.on_commit(lambda: send_job(type(self), self.pk))

    # --- claiming and finishing (called by workers) -----------------------------------------------
    @classmethod
    def claimable(cls, now=None):
        now = now or timezone.now()
        stale = now - timezone.timedelta(seconds=settings.IMOGEN_JOB_STALE_SECONDS)
        return Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)

    @classmethod
    def give_up_lost(cls, now=None, **lookup):
        """Fail claimable jobs (matching `lookup`) that already lost IMOGEN_JOB_MAX_ATTEMPTS workers: a job that
        kills its worker (out of memory, for one) is not handed out forever. Returns how many were failed."""
        limit = settings.IMOGEN_JOB_MAX_ATTEMPTS
        if not limit:
            return 0
        now = now or timezone.now()
        spent = cls.objects.filter(cls.claimable(now), attempts__gte=limit, **lookup)
        failed = 0
        for job in spent:
            with translation.override(getattr(job, "language", "") or settings.LANGUAGE_CODE):
                message = translation.ngettext(
                    "This job was started %(n)d time and the server stopped before it was done (it may need more "
                    "memory than the server has), so it was not tried again. Try a smaller size or a faster setting.",
                    "This job was started %(n)d times and each time the server stopped before it was done (it may "
                    "need more memory than the server has), so it was not tried again. Try a smaller size or a "
                    "faster setting.", job.attempts) % {"n": job.attempts}
            if cls.objects.filter(cls.claimable(now), pk=job.pk, attempts__gte=limit).update(
                    status=JobStatus.FAILED, error=message, stage="", finished_at=now, heartbeat_at=now):
                failed += 1
                job.refresh_from_db()
                job_finished.send(sender=cls, job=job)
        return failed

    @classmethod
    def claim(cls, job_id):
        """Atomically move a queued (or abandoned running) job to `running`; None if someone else has it, or if it
        already lost IMOGEN_JOB_MAX_ATTEMPTS workers (then it is failed with words saying so)."""
        now = timezone.now()
        if cls.give_up_lost(now, pk=job_id):
            return None
        limit = settings.IMOGEN_JOB_MAX_ATTEMPTS
        fresh = Q(attempts__lt=limit) if limit else Q()
        claimed = (
            cls.objects.filter(cls.claimable(now), fresh, pk=job_id, cancel_requested=False)
            .update(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1)
        )
        if not claimed:
            if cls.objects.filter(pk=job_id, status=JobStatus.QUEUED, cancel_requested=True).update(
                    status=JobStatus.CANCELED, finished_at=now):
                job_finished.send(sender=cls, job=cls.objects.get(pk=job_id))
            return None
        return cls.objects.get(pk=job_id)

    def hand_back(self, **fields):
        """From `running` back to `queued` on purpose, to be tried again later (a feature's own retry, as mail's):
        the start this ends lost no worker, so it does not count towards IMOGEN_JOB_MAX_ATTEMPTS. False if the job
        is no longer running."""
        moved = type(self).objects.filter(pk=self.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED, attempts=F("attempts") - 1, **fields)
        if moved:
            self.status, self.attempts = JobStatus.QUEUED, self.attempts - 1
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(moved)

    def update_progress(self, progress=None, stage=None, **fields):
        """Record progress while running; returns False if the job was canceled meanwhile (or must stop)."""
        now = timezone.now()
        if progress is not None:
            fields["progress"] = max(0.0, min(1.0, float(progress)))
        if stage is not None:
            fields["stage"] = stage[:120]
        fields["heartbeat_at"] = fields["progress_at"] = now
        type(self).objects.filter(pk=self.pk, status=JobStatus.RUNNING).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)
        if self.should_stop():  # past its time limit, stalled or no longer running (core.jobs' watch)
            return False
        return not type(self).objects.filter(pk=self.pk, cancel_requested=True).exists()

    def should_stop(self):
        """True once the job must end for a reason other than a cancel (the worker's watch replaces this)."""
        return False

    def finish(self, status, error="", **fields):
        """Final transition; only from `running`, so a second delivery can never overwrite an outcome."""
        now = timezone.now()
        values = {"status": status, "error": str(error), "finished_at": now, "heartbeat_at": now, **fields}
        if status == JobStatus.SUCCEEDED:
            values["progress"] = 1.0
        done = type(self).objects.filter(pk=self.pk, status=JobStatus.RUNNING).update(**values)
        if done:
            for name, value in values.items():
                setattr(self, name, value)
            job_finished.send(sender=type(self), job=self)
        return bool(done)

    def request_cancel(self):
        """Cancel now if not started; ask the worker to stop if running. Returns the new status."""
        now = timezone.now()
        model = type(self)
        canceled = model.objects.filter(pk=self.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELED, cancel_requested=True, finished_at=now
        )
        model.objects.filter(pk=self.pk, status=JobStatus.RUNNING).update(cancel_requested=True)
        self.refresh_from_db()
        if canceled:
            job_finished.send(sender=model, job=self)
        return self.status


class EchoJob(Job):
    """The smallest real job: proves web → broker → worker → database works (`manage.py check_queue`)."""

    task_name = "core.tasks.run_echo_job"
    message = models.CharField(max_length=200, default="ping")
    reply = models.CharField(max_length=200, blank=True)
    delay_seconds = models.FloatField(default=0)

    def time_limit_seconds(self):
        return 5 + self.delay_seconds * settings.IMOGEN_JOB_TIME_ROOM  # the echo itself takes milliseconds


class WorkerBeat(models.Model):
    """One row per live Celery worker, refreshed every few seconds; /healthz counts the fresh ones."""

    hostname = models.CharField(max_length=200, unique=True)
    queues = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.hostname

    @classmethod
    def live(cls, within_seconds=30):
        return cls.objects.filter(last_seen__gte=timezone.now() - timezone.timedelta(seconds=within_seconds))
