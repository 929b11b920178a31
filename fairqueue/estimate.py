"""Time estimates built on what each machine has measured, refined from a running job's own speed.

A job's time is `before` (reading the images, loading the model) + `work_units × seconds_per_unit` (the
painting) + `after` (saving). The three numbers are learned per machine and per kind of work (`work_key`,
e.g. "standard/21": the preset and log2 of the output's pixels) from every finished job, as moving averages
in `WorkRate`. While a job paints, its own pace (seconds so far / fraction done) is blended in, more the
further it gets, so the estimate moves smoothly from the prediction to the measurement.
"""
import math
from dataclasses import dataclass
from statistics import median

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import WorkRate

# How fast the running job's own pace takes over from the prediction: weight = f / (f + trust). A rate this machine
# has measured is trusted long while the pace roughly agrees with it (within a job the engine's fraction follows
# time only roughly, while its totals times the learned rate hold: bench/queue_estimate.py), and less and less as
# they part (the machine got busier or quieter: the pace knows). The configured default gives way quickly.
TRUST_MEASURED = 2.0
TRUST_FLOOR = 0.1
AGREEMENT = 0.2  # log-ratio of pace to prediction at which the trust has fallen to 61 %
TRUST_DEFAULT = 0.12
LEARN_RATE = 0.3  # moving-average weight of the newest job (the first few jobs are plain averages)


def setting(name, default):
    return getattr(settings, name, default)


@dataclass(frozen=True)
class Rate:
    seconds_per_unit: float
    before: float
    after: float
    measured: bool  # False: the configured defaults, nothing learned yet


def split_key(key):
    kind, _sep, bucket = (key or "").rpartition("/")
    try:
        return kind, int(bucket)
    except ValueError:
        return key or "", None


class Rates:
    """One read of the WorkRate table, answering lookups with sensible fallbacks."""

    def __init__(self, rows):
        self.rows = list(rows)
        self.by_machine = {}
        for row in self.rows:
            self.by_machine.setdefault(row.machine, {})[row.key] = row

    @classmethod
    def load(cls):
        return cls(WorkRate.objects.all())

    def default(self):
        return Rate(float(setting("IMOGEN_QUEUE_DEFAULT_SECONDS_PER_UNIT", 1.0)),
                    float(setting("IMOGEN_QUEUE_DEFAULT_BEFORE_SECONDS", 4.0)),
                    float(setting("IMOGEN_QUEUE_DEFAULT_AFTER_SECONDS", 1.0)), False)

    @staticmethod
    def _nearest(rows, key):
        """The row for `key`, else the same kind of work at the nearest size (scaled for per-step overhead)."""
        if key in rows:
            return rows[key]
        kind, bucket = split_key(key)
        sized = [(split_key(k), row) for k, row in rows.items() if split_key(k)[1] is not None]
        if bucket is None or not sized:
            return None
        # The same preset at the nearest size; else any preset at the nearest size (a unit is a reference
        # second whatever the preset, so a machine's rate carries over, only less exactly).
        same = [(abs(b - bucket), row) for (k, b), row in sized if k == kind]
        pool = same or [(abs(b - bucket), row) for (k, b), row in sized]
        return min(pool, key=lambda pair: pair[0])[1]

    def for_machine(self, machine, key):
        row = self._nearest(self.by_machine.get(machine, {}), key) if machine else None
        if row is not None:
            return Rate(row.seconds_per_unit, row.before_seconds, row.after_seconds, True)
        return None

    def lookup(self, key, machines=()):
        """The rate for `key` on one of `machines` (the mean over them), else on any machine, else the default."""
        found = [r for r in (self.for_machine(m, key) for m in machines) if r]
        if not found:
            found = [r for r in (self.for_machine(m, key) for m in self.by_machine) if r]
        if not found:
            return self.default()
        return Rate(median(r.seconds_per_unit for r in found), median(r.before for r in found),
                    median(r.after for r in found), True)


def predicted_total(job, rates, machines=()):
    """Seconds from start to finish for a job that has not started (None when its size is unknown)."""
    if job.work_units is None:
        return None
    rate = rates.lookup(job.work_key(), machines)
    return rate.before + job.work_units * rate.seconds_per_unit + rate.after


def span(job):
    return getattr(job, "progress_span", 1.0)  # jobs outside the fair queue: their progress is the work's


def work_fraction(job):
    """The fraction of the work done (the stored progress may keep its last part for saving: `progress_span`)."""
    return max(0.0, min(1.0, (job.progress or 0.0) / span(job)))


def remaining(job, rates, now=None, machines=()):
    """Seconds left for a running job, or None without a basis."""
    now = now or timezone.now()
    if not job.started_at:
        return None
    elapsed = max(0.0, (now - job.started_at).total_seconds())
    f = work_fraction(job)
    if getattr(job, "work_units", None) is None:  # no plan: the job's own pace only
        f = job.progress or 0.0
        return round(elapsed * (1 - f) / f) if f >= 0.02 else None
    rate = rates.lookup(job.work_key(), [job.machine] if job.machine else machines)
    prior = job.work_units * rate.seconds_per_unit
    if job.work_started_at is None:  # still reading the images or loading the model
        return max(0.0, rate.before - elapsed) + prior + rate.after
    if f >= 1.0 or (job.progress or 0) >= span(job) + 0.005:
        return max(0.5, rate.after * 0.5)
    start = min(0.9, job.work_from or 0.0) / span(job)  # the engine counts loading in its fraction: leave it out
    f = max(0.0, (f - start) / (1 - start))
    painted = max(0.0, (now - job.work_started_at).total_seconds())
    trust = TRUST_DEFAULT
    if rate.measured and f > 0.002 and painted > 0 and prior > 0:
        apart = math.log((painted / f) / prior)
        trust = TRUST_FLOOR + TRUST_MEASURED * math.exp(-apart * apart / (2 * AGREEMENT**2))
    weight = f / (f + trust) if f > 0.002 else 0.0
    paint_total = (1 - weight) * prior + (weight * painted / f if weight else 0.0)
    left = paint_total - painted
    if left < 0.05 * paint_total:  # slower than both said: go by the job's own pace from here
        left = painted * (1 - f) / f if f > 0.01 else 0.05 * paint_total
    return left + rate.after


def bucket(pixels):
    return int(round(math.log2(max(1, pixels))))


def learn(job):
    """Fold a finished job's times into this machine's rates (only clean, successful runs)."""
    if not (job.started_at and job.finished_at and job.work_units and job.work_seconds and job.machine):
        return None
    total = (job.finished_at - job.started_at).total_seconds()
    before = (job.work_started_at - job.started_at).total_seconds() if job.work_started_at else 0.0
    after = max(0.0, total - before - job.work_seconds)
    per_unit = job.work_seconds / job.work_units
    key = job.work_key()
    with transaction.atomic():
        row = WorkRate.objects.select_for_update().filter(machine=job.machine, key=key).first()
        if row is None:
            return WorkRate.objects.create(machine=job.machine, key=key, seconds_per_unit=per_unit,
                                           before_seconds=before, after_seconds=after, samples=1)
        alpha = max(LEARN_RATE, 1.0 / (row.samples + 1))
        row.seconds_per_unit += alpha * (per_unit - row.seconds_per_unit)
        row.before_seconds += alpha * (before - row.before_seconds)
        row.after_seconds += alpha * (after - row.after_seconds)
        row.samples += 1
        row.save()
        return row
