"""How good is the time-left estimate? Runs style jobs back to back through the real task (claim, engine,
learned rates), samples the estimate the job page would show, and compares it with what really happened.

For each job and each checkpoint (10 %, 25 %, 50 % of the job's real time) it reports the error of the time left,
|predicted − actual| / actual, and of the predicted total time. Before the scored jobs, a short warm-up teaches
this machine's rates (as finished jobs do in production); pass --no-warmup to start from the defaults.

    .venv/bin/python bench/queue_estimate.py            # 8 scored jobs of 4 presets and 5 sizes
    .venv/bin/python bench/queue_estimate.py --quick    # the first 6
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.engine_common import command_line, load_average  # noqa: E402

# Sizes are small so the run fits in minutes on 2 shared cores; the work (reference seconds of the engine's cost
# model) is printed beside each job. Two warm-up jobs teach the machine's rates (loading the models included), as
# finished jobs do in production.
WARMUP = [("preview", 128, 72), ("standard", 128, 72)]
JOBS = [("preview", 160, 90), ("standard", 160, 90), ("instant", 1920, 1080), ("preview", 256, 144),
        ("high", 96, 64), ("standard", 192, 108), ("preview", 320, 180), ("standard", 256, 144)]
QUICK = JOBS[:6]
CHECKPOINTS = (0.10, 0.25, 0.50)


def setup(var_dir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imogen.settings")
    os.environ["IMOGEN_VAR_DIR"] = var_dir
    os.environ["MEDIA_ROOT"] = os.path.join(var_dir, "media")
    os.environ.setdefault("IMOGEN_STYLE_PROGRESS_SECONDS", "0.3")
    os.environ.setdefault("IMOGEN_MACHINE_NAME", "bench")
    os.environ.setdefault("IMOGEN_TORCH_THREADS", "1")  # as the test workers: best on shared, busy cores
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run_one(preset, width, height, seed, interval=0.2):
    """Submit one job like the API does, run it with the real task in a thread, sample the estimate meanwhile."""
    from django.db import connection
    from django.utils import timezone

    from fairqueue import estimate
    from styletransfer.models import StyleTransferJob
    from styletransfer.tasks import run_style_transfer

    job = StyleTransferJob(session_key="bench", content_sample="content-03", style_sample="style-04",
                           options={"preset": preset, "width": width, "height": height, "seed": seed,
                                    "style_strength": 1.0, "preserve_colors": False})
    job.save()

    def work():
        try:
            run_style_transfer(str(job.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    samples = []
    while thread.is_alive():
        row = StyleTransferJob.objects.get(pk=job.pk)
        if row.status == "running" and row.started_at:
            now = timezone.now()
            left = estimate.remaining(row, estimate.Rates.load(), now)
            samples.append(((now - row.started_at).total_seconds(), left, row.progress))
        time.sleep(interval)
    thread.join()
    row = StyleTransferJob.objects.get(pk=job.pk)
    assert row.status == "succeeded", (row.status, row.error)
    total = (row.finished_at - row.started_at).total_seconds()
    result = {"preset": preset, "size": f"{width}x{height}", "units": round(row.work_units, 3),
              "seconds": round(total, 1), "paint_seconds": round(row.work_seconds or 0, 1), "checkpoints": {},
              "painting_after_s": round((row.work_started_at - row.started_at).total_seconds(), 2)
              if row.work_started_at else None, "painting_from": row.work_from,
              "samples": [(round(t, 2), None if left is None else round(left, 2), round(p, 3)) for t, left, p in samples]}
    for p in CHECKPOINTS:
        usable = [s for s in samples if s[1] is not None]
        if not usable:
            continue
        t, left, progress = min(usable, key=lambda s: abs(s[0] - p * total))
        actual_left = max(0.1, total - t)
        result["checkpoints"][str(p)] = {
            "at_s": round(t, 1), "predicted_left": round(left, 1), "actual_left": round(actual_left, 1),
            "error_left": round(abs(left - actual_left) / actual_left, 3),
            "error_total": round(abs(t + left - total) / total, 3), "progress": round(progress, 3)}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the first 6 jobs")
    parser.add_argument("--no-warmup", action="store_true", help="start from the configured default rates")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="imogen-bench-") as var_dir:
        setup(var_dir)
        import torch

        print(f"# load average before: {load_average()}  cpus: {os.cpu_count()}  torch threads: "
              f"{os.environ['IMOGEN_TORCH_THREADS']} (IMOGEN_TORCH_THREADS)  torch {torch.__version__}")
        started = time.time()
        if not args.no_warmup:
            for i, (preset, w, h) in enumerate(WARMUP):
                r = run_one(preset, w, h, seed=100 + i)
                print(f"warm-up {preset:8s} {r['size']:>8s}: {r['seconds']:6.1f} s ({r['units']} units)")
        results = []
        for i, (preset, w, h) in enumerate(QUICK if args.quick else JOBS):
            r = run_one(preset, w, h, seed=i)
            results.append(r)
            cps = "  ".join(f"{float(p) * 100:.0f}%: left {c['predicted_left']:.0f}/{c['actual_left']:.0f}s "
                            f"err {c['error_left'] * 100:.0f}% (total {c['error_total'] * 100:.0f}%)"
                            for p, c in r["checkpoints"].items())
            print(f"job {i + 1} {preset:8s} {r['size']:>8s} {r['units']:7.3f} units {r['seconds']:6.1f} s  {cps}",
                  flush=True)
        print()
        targets = {"0.1": 0.20, "0.25": None, "0.5": 0.10}
        summary = {}
        for p in map(str, CHECKPOINTS):
            left = [r["checkpoints"][p]["error_left"] for r in results if p in r["checkpoints"]]
            total = [r["checkpoints"][p]["error_total"] for r in results if p in r["checkpoints"]]
            summary[p] = {"median_error_left": statistics.median(left), "median_error_total": statistics.median(total)}
            target = targets[p]
            verdict = "" if target is None else (
                f"  target ≤ {target * 100:.0f}%: " + ("met" if summary[p]["median_error_left"] <= target else "MISSED"))
            print(f"at {float(p) * 100:.0f}% of the real time: median error of the time left "
                  f"{summary[p]['median_error_left'] * 100:.1f}%, of the total {summary[p]['median_error_total'] * 100:.1f}%"
                  f"{verdict}")
        print(f"# {len(results)} scored jobs in {time.time() - started:.0f} s; load average after: {load_average()}")
        print(f"# reproduce: {command_line()}")
        if args.json:
            Path(args.json).write_text(json.dumps({"jobs": results, "summary": summary,
                                                   "load_average": load_average()}, indent=2))


if __name__ == "__main__":
    main()
