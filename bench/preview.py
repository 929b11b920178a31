"""The create page's live preview (POST /api/style-transfer/preview/): its round trip at 384 px on a quiet and on a
busy machine, and the page-load time while a burst of previews runs.

Starts gunicorn here (production settings, a fresh SQLite database, --web-workers × --web-threads gthread, as in
bench/load.py) and times from the client, over HTTP:

1. quiet: --rounds previews one after another, each with a new strength (cache misses), then the same one again
   (cache hits);
2. busy: the same while --burn processes spin on the CPU (a machine whose cores are taken by painting jobs);
3. burst: --burst clients send previews back to back (misses) while one client loads /style/ again and again;
   the page-load p50/p95 is compared with the same page loads without the burst.

    .venv/bin/python bench/preview.py                    # about a minute
    .venv/bin/python bench/preview.py --rounds 40 --burst 8 --burn 2

Goal (issue 24): preview p50 ≤ 500 ms on a quiet machine. The machine's load average is printed with the figures:
on a shared machine "quiet" means only that this script adds no load of its own.
"""
import argparse
import multiprocessing
import os
import subprocess
import sys
import threading
import time

import requests
from load import ROOT, Client, Stack, percentile, reproduce_command, wait_until

PREVIEW = "/api/style-transfer/preview/"
PAGE = "/style/"
SAMPLES = {"content_sample": "content-03", "style_sample": "style-01", "size_preset": "desktop-1080p"}
GOAL_MS = 500


class WebOnly(Stack):
    """bench/load.py's stack without the worker and beat: previews never touch the queue."""

    def start(self):
        self.env.update(IMOGEN_THROTTLE_PREVIEWS="1000000/hour", IMOGEN_THROTTLE_REDIS_URL="")
        # DEBUG=0 serves the page's static files from the manifest, as in production (`make` runs the same).
        for command in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT,
                           env=self.env, check=True)
        self.spawn("web", [sys.executable, "-m", "gunicorn", "imogen.wsgi:application", "--bind",
                           f"127.0.0.1:{self.port}", "--workers", str(self.args.web_workers), "--worker-class",
                           "gthread", "--threads", str(self.args.web_threads), "--timeout", "120"])
        wait_until(lambda: requests.get(self.url + "/api/csrf/", timeout=2).ok, 90, "gunicorn")


def burn(stop_at):
    while time.time() < stop_at:
        pass


class Strengths:
    """A new strength for every request (0.100, 0.101, …): every preview is painted, none comes from the cache."""

    def __init__(self):
        self.lock, self.next = threading.Lock(), 0

    def __call__(self):
        with self.lock:
            self.next += 1
            return f"{0.1 + self.next / 1000:.3f}"


def preview(client, strength):
    started = time.perf_counter()
    response = client.request("POST", PREVIEW, headers=client.csrf, data={**SAMPLES, "style_strength": strength})
    elapsed = time.perf_counter() - started
    return elapsed, response.status_code, response.headers.get("X-Preview-Cache")


def page_load(client):
    started = time.perf_counter()
    response = client.request("GET", PAGE)
    response.raise_for_status()
    return time.perf_counter() - started


def figures(label, seconds):
    return f"{label:<40} n={len(seconds):>3}  p50 {percentile(seconds, 50):>7} ms  p95 {percentile(seconds, 95):>7} ms"


def rounds(client, strengths, n):
    times, codes = [], []
    for _ in range(n):
        elapsed, code, _cache = preview(client, strengths())
        times.append(elapsed)
        codes.append(code)
    return times, codes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="previews per measurement (default 20)")
    parser.add_argument("--burn", type=int, default=os.cpu_count() or 2, help="busy-loop processes (default: one per CPU)")
    parser.add_argument("--burst", type=int, default=6, help="clients sending previews at once (default 6)")
    parser.add_argument("--burst-seconds", type=float, default=10)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    stack = WebOnly(args)
    lines = []
    try:
        stack.start()
        client = Client(stack.url, behind_proxy=True)
        strengths = Strengths()
        rounds(client, strengths, 2 * args.web_workers)  # not measured: each web process loads the model once
        load_before = os.getloadavg()[0]
        quiet, codes = rounds(client, strengths, args.rounds)
        cached = [preview(client, "0.5")[0] for _ in range(args.rounds)]
        lines += [figures("preview 384 px, quiet (painted)", quiet), figures("preview 384 px, quiet (cached)", cached)]
        pages_alone = [page_load(client) for _ in range(args.rounds)]
        lines.append(figures("page load /style/, no previews", pages_alone))

        stop_at = time.time() + 3600
        burners = [multiprocessing.Process(target=burn, args=(stop_at,), daemon=True) for _ in range(args.burn)]
        for process in burners:
            process.start()
        try:
            busy, busy_codes = rounds(client, strengths, args.rounds)
        finally:
            for process in burners:
                process.terminate()
        lines.append(figures(f"preview 384 px, busy ({args.burn} CPU burners)", busy))

        stop = threading.Event()
        burst_times, burst_codes = [], []

        def previews_back_to_back():
            own = Client(stack.url, behind_proxy=True)
            while not stop.is_set():
                elapsed, code, _cache = preview(own, strengths())
                burst_times.append(elapsed)
                burst_codes.append(code)

        threads = [threading.Thread(target=previews_back_to_back) for _ in range(args.burst)]
        for thread in threads:
            thread.start()
        pages = []
        deadline = time.monotonic() + args.burst_seconds
        while time.monotonic() < deadline:
            pages.append(page_load(client))
        stop.set()
        for thread in threads:
            thread.join()
        lines.append(figures(f"page load /style/, {args.burst} clients previewing", pages))
        lines.append(figures(f"preview during the burst (200 only of {len(burst_codes)})",
                             [t for t, c in zip(burst_times, burst_codes) if c == 200]))
        refused = {code: burst_codes.count(code) for code in set(burst_codes) if code != 200}
        lines.append(f"burst answers other than 200: {refused or 'none'}; quiet/busy: "
                     f"{sorted(set(codes + busy_codes))}")
        verdict = "met" if percentile(quiet, 50) <= GOAL_MS else "NOT met"
        lines.append(f"goal p50 ≤ {GOAL_MS} ms quiet: {verdict}; load average before the quiet run {load_before:.1f}")
    finally:
        stack.stop()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    lines += [f"gunicorn {args.web_workers} workers × {args.web_threads} threads; load average now {load}, "
              f"{os.cpu_count()} CPUs", f"reproduce: {reproduce_command()}"]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
