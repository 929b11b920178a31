"""What a fairly scheduled job stores, and the per-machine speed table its estimates are built on."""
import math
import socket

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import ngettext

from core.models import JobStatus
from core.throttling import client_of, lock_client


def this_machine():
    """The name this machine's measurements are stored under (IMOGEN_MACHINE_NAME, else the host name)."""
    return (settings.IMOGEN_MACHINE_NAME or socket.gethostname())[:120]


class FairQueued(models.Model):
    """Mixin for a `core.models.Job` subclass whose workers pick the fairest waiting job, not the one named.

    Put it first: `class PaintJob(FairQueued, Job)`. `queue_round` is the client's turn: a client's first
    waiting job gets the round being served now, each further one the next round, so the order
    (queue_round, created_at) serves every client in turn, in order of submission. The client
    (`queue_client`, core.throttling.client_of) is a confirmed account, or else the address that asked: new
    cookies or unconfirmed accounts from one address share its turns. The subclass says how much work a job
    is (`planned_work`), which measurements apply (`work_key`), where its stored progress ends
    (`progress_span`), which settings cap its waiting jobs (`cap_settings`) and in which words (`cap_words`),
    and which creation it made (`made_creation_id`, for the ready mail).
    """

    # The stored progress when the work itself is done: the rest is saving (the estimate's fraction of the work).
    progress_span = 1.0
    # Names of the settings capping waiting jobs per account, per session, per address (None or 0: no cap).
    cap_settings = {"account": None, "anonymous": None, "address": None}

    queue_round = models.PositiveIntegerField(null=True, blank=True, db_index=True,
                                              help_text="The client's turn in the fair queue.")
    queue_client = models.CharField(max_length=80, blank=True, db_index=True,
                                    help_text="Whose turn: user:<id> (a confirmed account) or ip:<address>.")
    work_units = models.FloatField(null=True, blank=True, help_text="Planned work (engine units).")
    machine = models.CharField(max_length=120, blank=True, help_text="The machine that ran it.")
    work_started_at = models.DateTimeField(null=True, blank=True, help_text="When the work itself began (no setup).")
    work_from = models.FloatField(null=True, blank=True, help_text="The progress fraction when work began.")
    work_seconds = models.FloatField(null=True, blank=True, help_text="Seconds of actual work (no setup).")
    notify_email = models.EmailField(max_length=254, blank=True, help_text="Mail the result here, once.")
    notified_at = models.DateTimeField(null=True, blank=True)

    claims_named_job = False  # so no message carries one job's time limit (core.models.Job.hard_time_limit)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            return super().save(*args, **kwargs)
        self.planned_units()
        if not self.queue_client:
            self.queue_client = client_of(self.owner if self.owner_id else None, self.client, self.session_key)
        with transaction.atomic():
            lock_client(self.queue_client)  # two submissions of one client never take the same turn
            if self.queue_round is None:
                self.queue_round = self.next_round()
            super().save(*args, **kwargs)

    def planned_units(self):
        """`work_units`, worked out once (None when the estimate fails: it must never stop a submission)."""
        if self.work_units is None:
            try:
                self.work_units = self.planned_work()
            except Exception:
                self.work_units = None
        return self.work_units

    def planned_cost(self):
        """The job rate counts its planned work (core.api_views.JobCreateView.charge_work), at least 1."""
        return max(1, math.ceil(self.planned_units() or 0))

    # --- what the subclass tells the queue -----------------------------------------------------------
    def planned_work(self):
        """Units of work this job needs (None when unknown)."""
        return None

    def work_key(self):
        """Which stored measurements fit this job, e.g. "standard/21" (preset / log2 of its pixels)."""
        return ""

    def made_creation_id(self):
        """The creation a finished job made (what the ready mail sends), None while there is none."""
        return getattr(self, "creation_id", None)

    @classmethod
    def cap_words(cls, waiting, cap, by_address):
        """Why a new job may not wait (the 429's words): `waiting` of the `cap` jobs are already waiting."""
        if by_address:
            return ngettext(
                "%(n)d job from your address is already waiting, and %(cap)d is the most that can wait at once "
                "from one address. Try again when it has begun, or sign in to an account with a confirmed email "
                "address.",
                "%(n)d jobs from your address are already waiting, and %(cap)d is the most that can wait at once "
                "from one address. Try again when one of them has begun, or sign in to an account with a "
                "confirmed email address.", waiting) % {"n": waiting, "cap": cap}
        return ngettext(
            "You already have %(n)d job waiting, and %(cap)d is the most that can wait at once. "
            "Start this one when it has begun, or cancel it on its page.",
            "You already have %(n)d jobs waiting, and %(cap)d is the most that can wait at once. "
            "Start this one when one of them has begun, or cancel one.", waiting) % {"n": waiting, "cap": cap}

    # --- clients and turns ---------------------------------------------------------------------------
    def next_round(self):
        model = type(self)
        served = model.objects.filter(started_at__isnull=False).aggregate(r=models.Max("queue_round"))["r"] or 0
        taken = (model.objects.filter(queue_client=self.queue_client, queue_round__gte=served)
                 .filter(Q(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]) | Q(started_at__isnull=False))
                 .aggregate(r=models.Max("queue_round"))["r"])
        return served if taken is None else max(served, taken + 1)

    # --- claiming: the fairest waiting job, whichever id the message named -----------------------------
    @classmethod
    def fair_order(cls):
        return ("queue_round", "created_at", "pk")

    @classmethod
    def waiting(cls):
        return cls.objects.filter(status=JobStatus.QUEUED, cancel_requested=False)

    @classmethod
    def claim(cls, job_id):
        """Move the fairest queued job to `running` (conditional UPDATE: one winner per job, any number of
        workers on any number of machines). A message is a ticket for one run, not for one job: every queued
        job has a message, so every job runs once. With nothing queued, the named job may still be an
        abandoned running one, which `Job.claim` takes over."""
        limit = settings.IMOGEN_JOB_MAX_ATTEMPTS
        fresh = Q(attempts__lt=limit) if limit else Q()
        cls.give_up_lost(status=JobStatus.QUEUED)  # lost too many workers: failed with words, not run again
        for _attempt in range(8):
            pk = cls.waiting().filter(fresh).order_by(*cls.fair_order()).values_list("pk", flat=True).first()
            if pk is None:
                break
            now = timezone.now()
            won = cls.waiting().filter(fresh, pk=pk).update(
                status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1,
                machine=this_machine(), work_started_at=None, work_from=None)
            if won:
                return cls.objects.get(pk=pk)
        job = super().claim(job_id)
        if job is not None:
            type(job).objects.filter(pk=job.pk).update(machine=this_machine(), work_started_at=None, work_from=None)
            job.machine, job.work_started_at = this_machine(), None
        return job



class WorkRate(models.Model):
    """How fast one machine does one kind of work, learned from finished jobs (moving averages).

    A job's time = before (reading, loading the model) + work_units × seconds_per_unit + after (saving)."""

    machine = models.CharField(max_length=120)
    key = models.CharField(max_length=60, help_text="e.g. standard/21: preset / log2(output pixels).")
    seconds_per_unit = models.FloatField()
    before_seconds = models.FloatField(default=0.0)
    after_seconds = models.FloatField(default=0.0)
    samples = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["machine", "key"], name="workrate_machine_key")]

    def __str__(self):
        return f"{self.machine} {self.key}: {self.seconds_per_unit:.3g} s/unit ({self.samples} jobs)"
