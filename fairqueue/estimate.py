"""Time estimates built on what each machine has measured, refined from a running job's own speed.

A job's time is `before` (reading the images, loading the model) + `work_units × seconds_per_unit` (the
painting) + `after` (saving). The three numbers are learned per machine and per kind of work (`work_key`,
e.g. "standard/21": the preset and log2 of the output's pixels) from every finished job, as moving averages
in `WorkRate`; until a machine has finished a preset, its worker's start-up probe stands in (`CALIBRATION_KEY`),
so even its first estimate is this machine's. While a job paints, its own pace (seconds so far / fraction done) is blended in, more the
further it gets, so the estimate moves smoothly from the prediction to the measurement.
"""
import math
from dataclasses import dataclass
from statistics import median

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import WorkRate

# How fast the running job's own pace takes over from the prediction: weight = f / (f + trust), trust falling as
# pace and prediction part (the machine got busier or quieter: the pace knows). Chosen by replaying the recorded
# samples of bench/queue_estimate.py runs (issue 22): on shared cores a machine's speed moves by 2× within
# minutes, so even a rate learned from this very preset is a weaker guide than a quarter of the job's own pace,
# and the probe or another preset's rate weaker still. The configured default gives way quickly too.
TRUST_MEASURED = 0.3  # a rate learned from finished jobs of this preset on this machine
TRUST_PROBE = 0.1  # this machine's start-up probe, or its rate for another preset
TRUST_FLOOR = 0.02
AGREEMENT = 0.6  # log-ratio of pace to prediction at which the trust has fallen to 61 %
TRUST_DEFAULT = 0.12
LEARN_RATE = 0.3  # moving-average weight of the newest job (the first few jobs are plain averages)
# The row a worker's start-up probe writes (styletransfer.calibration): seconds per unit measured on this machine,
# seconds before painting, and seconds of saving per megapixel of the result (its `after_seconds`).
CALIBRATION_KEY = "calibration"
AFTER_FIXED_SECONDS = 0.1  # saving's part that does not grow with the picture (database rows, the thumbnail)


def setting(name, default):
    return getattr(settings, name, default)


@dataclass(frozen=True)
class Rate:
    seconds_per_unit: float
    before: float
    after: float
    measured: bool  # False: the configured defaults, nothing learned yet
    same_kind: bool = False  # learned from finished jobs of this preset (not the probe, not another preset)


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
    def _nearest(rows, key, same_kind):
        """This machine's row for `key`, else for the same kind (or, not `same_kind`, any kind) at the nearest
        size (a unit is a reference second whatever the preset, so a rate carries over, only less exactly)."""
        if key in rows:
            return rows[key]
        kind, bucket = split_key(key)
        pool = [(abs(b - bucket), row) for (k, b), row in ((split_key(k), row) for k, row in rows.items())
                if b is not None and (k == kind or not same_kind)] if bucket is not None else []
        return min(pool, key=lambda pair: pair[0])[1] if pool else None

    @staticmethod
    def _calibrated(row, key):
        _kind, bucket = split_key(key)
        pixels = 2 ** bucket / 1e6 if bucket is not None else 2.0
        return Rate(row.seconds_per_unit, row.before_seconds, AFTER_FIXED_SECONDS + row.after_seconds * pixels, True)

    def for_machine(self, machine, key):
        """What `machine` itself measured for `key`: the same preset (nearest size), else its start-up probe,
        else its other presets at the nearest size; None when it has measured nothing."""
        rows = self.by_machine.get(machine, {}) if machine else {}
        row = self._nearest(rows, key, same_kind=True)
        if row is not None:
            return Rate(row.seconds_per_unit, row.before_seconds, row.after_seconds, True, same_kind=True)
        if CALIBRATION_KEY in rows:
            return self._calibrated(rows[CALIBRATION_KEY], key)
        row = self._nearest(rows, key, same_kind=False)
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
                    median(r.after for r in found), True, all(r.same_kind for r in found))


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
        base = TRUST_MEASURED if rate.same_kind else TRUST_PROBE
        trust = TRUST_FLOOR + base * math.exp(-apart * apart / (2 * AGREEMENT**2))
    weight = f / (f + trust) if f > 0.002 else 0.0
    paint_total = (1 - weight) * prior + (weight * painted / f if weight else 0.0)
    left = paint_total - painted
    if left < 0.05 * paint_total:  # slower than both said: go by the job's own pace from here
        left = painted * (1 - f) / f if f > 0.01 else 0.05 * paint_total
    return left + rate.after


def record_calibration(machine, seconds_per_unit, before, after_per_megapixel=None):
    """Store a worker's start-up probe of `machine` (a new probe replaces the last: the machine may have changed)."""
    after = after_per_megapixel if after_per_megapixel is not None else setting("IMOGEN_QUEUE_DEFAULT_AFTER_SECONDS", 1.0)
    row, _created = WorkRate.objects.update_or_create(
        machine=machine, key=CALIBRATION_KEY,
        defaults={"seconds_per_unit": seconds_per_unit, "before_seconds": before, "after_seconds": after, "samples": 1})
    return row


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
