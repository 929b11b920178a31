"""Re-score recorded `bench/queue_estimate.py --json` runs with `fairqueue.estimate` as it is now, or with each
candidate of a grid of its trust constants: how the blend of prediction and pace was chosen, without re-running
the jobs. Each job is replayed from its samples (progress, times) and the rates table as it was when it started.

    .venv/bin/python bench/queue_replay.py quiet.json busy.json           # medians with today's constants
    .venv/bin/python bench/queue_replay.py quiet.json busy.json --grid    # the best 8 candidates
"""
import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHECKPOINTS = (0.1, 0.25, 0.5)
NAMES = ("TRUST_MEASURED", "TRUST_PROBE", "AGREEMENT", "TRUST_FLOOR")
GRID = ([0.1, 0.3, 0.6, 1.0, 2.0], [0.03, 0.1, 0.2, 0.4, 0.8], [0.1, 0.2, 0.35, 0.6], [0.0, 0.02, 0.05, 0.1])
TARGETS = (0.20, None, 0.10, 0.25, 0.25)  # left at 10 / 25 / 50 %, start at the submit / at half the wait


def moment(seconds):
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def job_at(r, t, progress):
    from styletransfer.models import StyleTransferJob  # after django.setup()

    width, height = map(int, r["size"].split("x"))
    painting = r["painting_started"] is not None and t >= r["painting_started"]
    return StyleTransferJob(options={"preset": r["preset"], "width": width, "height": height}, machine="bench",
                            work_units=r["units"], status="running", started_at=moment(r["started"]),
                            work_started_at=moment(r["painting_started"]) if painting else None,
                            work_from=r["painting_from"] if painting else None, progress=progress)


def rates(r):
    from fairqueue import estimate  # after django.setup()
    from fairqueue.models import WorkRate

    return estimate.Rates([WorkRate(**row) for row in r["rates_at_start"]])


def score(jobs):
    """Median errors: time left at each checkpoint, start time just after the submit and at half the wait."""
    from fairqueue import estimate  # after django.setup()

    jobs = sorted(jobs, key=lambda r: r["started"])
    left = {p: [] for p in CHECKPOINTS}
    starts = {"submit": [], "half": []}
    for i, r in enumerate(jobs):
        total = r["finished"] - r["started"]
        running = [s for s in r["samples"] if s[1] == "running" and r["started"] <= s[0] <= r["finished"]]
        for p in CHECKPOINTS if running else ():
            t, _status, progress, *_ = min(running, key=lambda s: abs(s[0] - r["started"] - p * total))
            actual = max(0.1, r["finished"] - t)
            left[p].append(abs(estimate.remaining(job_at(r, t, progress), rates(r), moment(t)) - actual) / actual)
        waiting = [s for s in r["samples"] if s[1] == "queued" and r["started"] - s[0] > 1]
        if not waiting:
            continue
        wait = r["started"] - waiting[0][0]
        for label, target in (("submit", waiting[0][0]), ("half", waiting[0][0] + wait / 2)):
            t = min(waiting, key=lambda s: abs(s[0] - target))[0]
            now = [q for q in jobs if q["started"] <= t < q["finished"]]
            table = rates(now[0] if now else r)
            shown = 0.0
            if now:
                progress = min(now[0]["samples"], key=lambda s: abs(s[0] - t))[2]
                shown += estimate.remaining(job_at(now[0], t, progress), table, moment(t))
            shown += sum(estimate.predicted_total(job_at(q, t, 0), table, ["bench"]) for q in jobs[:i]
                         if q["started"] > t)
            starts[label].append(abs(shown - (r["started"] - t)) / (r["started"] - t))
    return [statistics.median(v) if v else float("nan") for v in (*left.values(), *starts.values())]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="JSON files written by bench/queue_estimate.py --json")
    parser.add_argument("--grid", action="store_true", help="try every candidate of the trust constants")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imogen.settings")
    os.environ.setdefault("IMOGEN_VAR_DIR", tempfile.mkdtemp(prefix="imogen-replay-"))
    import django  # here: the settings come from the environment set just above

    django.setup()
    from fairqueue import estimate

    runs = [json.loads(Path(path).read_text())["jobs"] for path in args.runs]

    def show(values):
        return " | ".join(" ".join(f"{x * 100:4.0f}%" for x in run) for run in values)

    print("columns per run: time left at 10 / 25 / 50 %, start at the submit / at half the wait")
    print(f"now {tuple(getattr(estimate, n) for n in NAMES)}: {show([score(run) for run in runs])}")
    if not args.grid:
        return
    found = []
    for candidate in itertools.product(*GRID):
        for name, value in zip(NAMES, candidate):
            setattr(estimate, name, value)
        values = [score(run) for run in runs]
        worst = max(x / t for run in values for x, t in zip(run, TARGETS) if t and x == x)
        found.append((worst, candidate, values))
    for worst, candidate, values in sorted(found)[:8]:
        print(f"{dict(zip(NAMES, candidate))}  worst/target {worst:.2f}: {show(values)}")


if __name__ == "__main__":
    main()
