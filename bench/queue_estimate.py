"""How good are the job page's times? Replays style jobs through the HTTP API with a real Celery worker (which
calibrates this machine when it starts, as in production), reads what the page reads (`eta_seconds`,
`starts_in_seconds` from the job list) while they wait and run, and compares it with what really happened.

For each job and each checkpoint (10 %, 25 %, 50 % of its real run) it reports the error of the time left,
|shown − actual| / actual; for each job that waited, the error of its start time as shown just after the submit
and at half its wait. All jobs are submitted at once by four visitors (two each), so the fair queue orders them.
`--busy N` runs N CPU-bound processes beside it all the time (the worker calibrates on the busy machine).

    .venv/bin/python bench/queue_estimate.py                   # 8 jobs, quiet (apart from whatever else runs)
    .venv/bin/python bench/queue_estimate.py --busy 1          # the same beside one CPU-bound process
    .venv/bin/python bench/queue_estimate.py --json out.json   # also every sample, for bench/queue_replay.py
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.engine_common import command_line, load_average  # noqa: E402
from bench.load import free_port, wait_until  # noqa: E402

# Small sizes so a replay takes minutes on 2 shared cores; `instant` at wallpaper sizes, two larger `standard`s.
JOBS = [("instant", 1920, 1080), ("standard", 192, 108), ("preview", 256, 144), ("standard", 256, 144),
        ("high", 128, 72), ("instant", 1080, 2400), ("standard", 384, 216), ("standard", 480, 270)]
QUICK = JOBS[:4]
CHECKPOINTS = (0.10, 0.25, 0.50)
TARGETS = {"0.1": 0.20, "0.25": None, "0.5": 0.10}
START_TARGET = 0.25


def environment(var_dir, broker):
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "imogen.settings", "IMOGEN_VAR_DIR": var_dir,
        "MEDIA_ROOT": os.path.join(var_dir, "media"), "CELERY_BROKER_URL": broker, "IMOGEN_THROTTLE_REDIS_URL": "",
        "IMOGEN_THROTTLE_JOBS": "100000/hour", "IMOGEN_THROTTLE_JOB_WORK": "100000000/hour",
        "IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS": "100", "IMOGEN_STYLE_QUEUE_CAP_ADDRESS": "100",  # 4 visitors, 1 address
        "IMOGEN_MACHINE_NAME": "bench", "PYTHONUNBUFFERED": "1", "DEBUG": "1",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz", "ALLOWED_HOSTS": "127.0.0.1",
    })
    env.setdefault("IMOGEN_TORCH_THREADS", "1")  # as the test workers: best on shared, busy cores
    env.setdefault("IMOGEN_STYLE_PROGRESS_SECONDS", "0.3")
    return env


class Stack:
    """redis-server, a style worker and the web app (WSGI in a thread of this process) on a fresh database."""

    def __init__(self, var_dir, busy):
        self.var_dir, self.busy, self.procs = var_dir, busy, []

    def __enter__(self):
        redis_port = free_port()
        self.procs.append(subprocess.Popen([shutil.which("redis-server"), "--port", str(redis_port), "--bind",
                                            "127.0.0.1", "--save", "", "--appendonly", "no"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        env = environment(self.var_dir, f"redis://127.0.0.1:{redis_port}/0")
        os.environ.update(env)
        import django  # here: the settings come from the environment set just above

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)  # the throttle counts (no Redis cache for them here)
        for _ in range(self.busy):  # the other CPU-bound process, there before the worker starts
            self.procs.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
        self.worker_log = Path(self.var_dir) / "worker.log"
        with open(self.worker_log, "wb") as log:
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "imogen", "worker", "-P", "solo", "-Q", "style", "-n",
                 "bench@%h", "-l", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        started = time.time()
        wait_until(lambda: b" ready." in self.worker_log.read_bytes(), 300, "the worker")
        self.worker_start_seconds = time.time() - started
        from django.core.wsgi import get_wsgi_application  # after django.setup() on this run's settings

        class Server(ThreadingMixIn, WSGIServer):
            daemon_threads = True

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        port = free_port()
        self.server = make_server("127.0.0.1", port, get_wsgi_application(), server_class=Server, handler_class=Quiet)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()


class Visitor:
    """One browser: its own session cookie and CSRF token, as the pages use the API."""

    def __init__(self, url):
        self.url, self.http = url, requests.Session()
        token = self.http.get(url + "/api/csrf/").json()["csrftoken"]
        self.http.headers.update({"X-CSRFToken": token, "Referer": url + "/"})

    def submit(self, preset, width, height, seed):
        response = self.http.post(self.url + "/api/style-transfer/jobs/", data={
            "content_sample": "content-03", "style_sample": "style-04", "preset": preset, "width": width,
            "height": height, "seed": seed})
        assert response.status_code == 202, response.text
        return response.json()

    def jobs(self):
        body = self.http.get(self.url + "/api/style-transfer/jobs/").json()
        return body["results"] if isinstance(body, dict) else body


def replay(stack, jobs, interval):
    from fairqueue.models import WorkRate  # the app's modules: only once django.setup() has run
    from styletransfer.models import StyleTransferJob

    visitors = [Visitor(stack.url) for _ in range(4)]
    submitted, samples = {}, {}
    for index, (preset, width, height) in enumerate(jobs):
        body = visitors[index % len(visitors)].submit(preset, width, height, seed=index)
        submitted[body["id"]] = {"preset": preset, "size": f"{width}x{height}", "index": index,
                                 "submitted_at": time.time()}
        samples[body["id"]] = []
    rates_at_start = {}
    while True:
        now = time.time()
        seen = {}
        for visitor in visitors:
            for job in visitor.jobs():
                seen[job["id"]] = job
                samples[job["id"]].append((now, job["status"], job["progress"], job["starts_in_seconds"],
                                           job["eta_seconds"]))
                if job["status"] == "running" and job["id"] not in rates_at_start:
                    rates_at_start[job["id"]] = [
                        {"machine": r.machine, "key": r.key, "seconds_per_unit": r.seconds_per_unit,
                         "before_seconds": r.before_seconds, "after_seconds": r.after_seconds}
                        for r in WorkRate.objects.all()]
        if all(job["status"] in ("succeeded", "failed", "canceled") for job in seen.values()):
            break
        time.sleep(interval)
    results = []
    for pk, info in submitted.items():
        row = StyleTransferJob.objects.get(pk=pk)
        assert row.status == "succeeded", (row.status, row.error)
        started, finished = row.started_at.timestamp(), row.finished_at.timestamp()
        info.update({
            "id": pk, "units": round(row.work_units, 3), "key": row.work_key(), "started": started,
            "finished": finished, "seconds": round(finished - started, 2),
            "painting_started": row.work_started_at.timestamp() if row.work_started_at else None,
            "painting_from": row.work_from, "paint_seconds": row.work_seconds,
            "rates_at_start": rates_at_start.get(pk, []), "samples": samples[pk]})
        results.append(info)
    return sorted(results, key=lambda r: r["started"])


def score(results):
    for r in results:
        total, running = r["finished"] - r["started"], [s for s in r["samples"] if s[1] == "running" and s[4] is not None]
        r["checkpoints"] = {}
        for p in CHECKPOINTS:
            inside = [s for s in running if r["started"] <= s[0] <= r["finished"]]
            if not inside:
                continue
            t, _status, progress, _starts, eta = min(inside, key=lambda s: abs(s[0] - r["started"] - p * total))
            actual = max(0.1, r["finished"] - t)
            r["checkpoints"][str(p)] = {"at_s": round(t - r["started"], 1), "shown_left": eta,
                                        "actual_left": round(actual, 1), "error": round(abs(eta - actual) / actual, 3)}
        waiting = [s for s in r["samples"] if s[1] == "queued" and s[3] is not None and r["started"] - s[0] > 1]
        r["start"] = {}
        if waiting:
            wait = r["started"] - waiting[0][0]
            for label, target in (("submit", waiting[0][0]), ("half", waiting[0][0] + wait / 2)):
                t, *_rest, starts, _eta = min(waiting, key=lambda s: abs(s[0] - target))
                actual = r["started"] - t
                r["start"][label] = {"shown": starts, "actual": round(actual, 1),
                                     "error": round(abs(starts - actual) / actual, 3)}
    summary = {}
    for p in map(str, CHECKPOINTS):
        errors = [r["checkpoints"][p]["error"] for r in results if p in r["checkpoints"]]
        summary[f"left@{p}"] = statistics.median(errors) if errors else None
    for label in ("submit", "half"):
        errors = [r["start"][label]["error"] for r in results if label in r["start"]]
        summary[f"start@{label}"] = statistics.median(errors) if errors else None
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the first 4 jobs")
    parser.add_argument("--busy", type=int, default=0, help="CPU-bound processes running beside it all the time")
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between the page's looks")
    parser.add_argument("--json", help="also write every sample to this file")
    args = parser.parse_args()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="imogen-bench-") as var_dir, Stack(var_dir, args.busy) as stack:
        from fairqueue.models import WorkRate

        probe = WorkRate.objects.filter(key="calibration").first()
        print(f"# load average before: {load_before}  cpus: {os.cpu_count()}  busy processes: {args.busy}  "
              f"torch threads: {os.environ['IMOGEN_TORCH_THREADS']}")
        print(f"# worker ready in {stack.worker_start_seconds:.1f} s; calibration: "
              + (f"{probe.seconds_per_unit:.2f} s/unit, {probe.before_seconds:.2f} s before, "
                 f"{probe.after_seconds:.2f} s saving per MP" if probe else "none"))
        started = time.time()
        results = replay(stack, QUICK if args.quick else JOBS, args.interval)
        summary = score(results)
        for r in results:
            cps = "  ".join(f"{float(p) * 100:.0f}%: {c['shown_left']}/{c['actual_left']:.0f}s {c['error'] * 100:.0f}%"
                            for p, c in r["checkpoints"].items())
            st = "  ".join(f"start@{k}: {v['shown']}/{v['actual']:.0f}s {v['error'] * 100:.0f}%"
                           for k, v in r["start"].items())
            print(f"{r['preset']:8s} {r['size']:>9s} {r['units']:7.3f} units {r['seconds']:6.1f} s  {cps}  {st}")
        print()
        for key, value in summary.items():
            target = TARGETS.get(key.split("@")[1]) if key.startswith("left") else START_TARGET
            verdict = "" if target is None or value is None else (
                f"  (target ≤ {target * 100:.0f} %: {'met' if value <= target else 'MISSED'})")
            shown = "n/a" if value is None else f"{value * 100:.1f} %"
            print(f"median error {key}: {shown}{verdict}")
        print(f"# {len(results)} jobs in {time.time() - started:.0f} s; load average after: {load_average()}")
        print(f"# reproduce: {command_line()}")
        if args.json:
            Path(args.json).write_text(json.dumps({"jobs": results, "summary": summary, "busy": args.busy,
                                                   "load_before": load_before, "load_after": load_average()}))


if __name__ == "__main__":
    main()
