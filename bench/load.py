"""Load test: N concurrent clients submit small jobs and poll their status against gunicorn with a worker pool.

Each client is a browser-like session (its own cookies and CSRF token). It submits a text-to-image job (offline
engine, 1920×1080, 1 picture), polls that job's status every --poll seconds and, once the job is final, submits the
next one (at most --jobs-per-client) or keeps polling the last one, until --duration seconds have passed. Then the
script waits for the queue to drain and checks that every accepted job reached a final state.

Without --url it starts everything itself on free ports, in a temporary folder, configured as in production
(DEBUG=0, behind a TLS proxy that sets X-Forwarded-Proto): redis-server, a fresh SQLite database (or
--database-url), gunicorn (--web-workers × --web-threads, gthread), one Celery worker on the `default` queue (where
text-to-image jobs go) and beat (the sweep). The job-creation throttle is raised for the run
(IMOGEN_THROTTLE_JOBS=1000000/hour) so that it measures the service, not the limit.

    .venv/bin/python bench/load.py                       # 50 clients, 60 s, SQLite, everything started here
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/imogen_load
    .venv/bin/python bench/load.py --url https://imogen.example.com --clients 50 --duration 60

Targets (issue 9): zero errors, every accepted job final, p99 status poll under 100 ms. The figures are printed and
saved as JSON under bench/results/ (git-ignored); the exit status is 0 only when all targets are met.
"""
import argparse
import asyncio
import json
import math
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"  # git-ignored scratch output
FINAL = {"succeeded", "failed", "canceled"}
JOBS = "/api/text2image/jobs/"
POLL_TARGET_MS = 100


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (requests.RequestException, ValueError, KeyError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up in {timeout}s")


class Stack:
    """redis-server + migrated database + gunicorn + a Celery worker and beat, all in a temporary folder."""

    def __init__(self, args):
        self.args = args
        self.dir = Path(tempfile.mkdtemp(prefix="imogen-load-"))
        self.procs = []
        self.port, self.redis_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.env = dict(
            os.environ, DJANGO_SETTINGS_MODULE="imogen.settings", PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING",
            # Production settings; the client plays the TLS proxy (X-Forwarded-Proto: https), so no redirect.
            DEBUG="0", SECRET_KEY="load-test-" + os.urandom(16).hex(), ALLOWED_HOSTS="127.0.0.1",
            SITE_URL=f"https://127.0.0.1:{self.port}", SECURE_SSL_REDIRECT="0",
            IMOGEN_VAR_DIR=str(self.dir / "var"), MEDIA_ROOT=str(self.dir / "media"),
            REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url, IMOGEN_T2I_PROVIDER="offline",
            IMOGEN_THROTTLE_JOBS="1000000/hour", IMOGEN_HEALTH_TOKEN="load-" + os.urandom(8).hex(),
        )
        self.env.pop("DATABASE_URL", None)
        if args.database_url:
            self.env["DATABASE_URL"] = args.database_url

    def spawn(self, name, command):
        with open(self.dir / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.procs.append((name, proc))

    def start(self):
        redis = shutil.which("redis-server")
        if not redis:
            raise RuntimeError("redis-server is not installed")
        self.spawn("redis", [redis, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(self.dir)])
        for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=self.env, check=True)
        celery = [sys.executable, "-m", "celery", "-A", "imogen"]
        nice = ["nice", "-n", str(self.args.worker_nice)] if self.args.worker_nice else []
        self.spawn("worker", nice + celery + ["worker", "-Q", "default", "-c", str(self.args.worker_concurrency),
                                       "-n", "load@%h", "-l", "WARNING", "--without-gossip", "--without-mingle"])
        self.spawn("beat", celery + ["beat", "-l", "WARNING", "-s", str(self.dir / "beat-schedule")])
        # gunicorn logs each request's time in the server (%(D)s, microseconds): the service's own latency,
        # without the queueing of 50 client threads that share this machine's cores and Python's GIL.
        self.spawn("web", [sys.executable, "-m", "gunicorn", "imogen.wsgi:application", "--bind",
                           f"127.0.0.1:{self.port}", *gunicorn_options(self.args),
                           "--access-logfile", str(self.dir / "access.log"),
                           "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"])
        wait_until(lambda: requests.get(self.url + "/api/csrf/", timeout=2).ok, 90, "gunicorn")
        wait_until(lambda: requests.get(self.url + "/healthz", timeout=5, headers={
            "Authorization": f"Bearer {self.env['IMOGEN_HEALTH_TOKEN']}"}).json()["workers"]["live"] > 0, 90,
                   "the Celery worker")

    def server_latency(self):
        """Seconds per request as gunicorn measured them: {"poll": [...], "submit": [...]}."""
        times = {"poll": [], "submit": []}
        log = self.dir / "access.log"
        for line in log.read_text().splitlines() if log.exists() else []:
            method, path, _status, micros = line.split()
            if path.startswith("/api/text2image/jobs/"):
                kind = "submit" if method == "POST" else "poll" if path.count("/") == 5 else None
                if kind:
                    times[kind].append(int(micros) / 1e6)  # seconds, like the client-side figures
        return times

    def stop(self):
        self.server_times = self.server_latency()
        for _name, proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _name, proc in reversed(self.procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if not self.args.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def gunicorn_options(args):
    return ["--workers", str(args.web_workers), "--worker-class", "gthread", "--threads", str(args.web_threads),
            "--timeout", "120", "--backlog", "2048"]


class Client:
    """One browser session: cookies, CSRF token, and the headers a browser would send.

    Behind the local stack's stand-in for a TLS proxy (`behind_proxy`), requests says X-Forwarded-Proto: https and
    carries the Secure cookies (session, CSRF) that DEBUG=0 sets itself: `requests` never sends those over http.
    """

    def __init__(self, base, behind_proxy, cookies=None):
        self.base, self.behind_proxy = base, behind_proxy
        self.session = requests.Session()
        for name, value in (cookies or {}).items():
            self.session.cookies.set(name, value)
        origin = base
        if behind_proxy:
            self.session.headers["X-Forwarded-Proto"] = "https"
            origin = "https://" + base.split("://", 1)[1]
        if not cookies:  # a new session fetches its CSRF cookie; one taken over already has it
            self.request("GET", "/api/csrf/").raise_for_status()
        self.csrf = {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), "Referer": origin + "/"}

    def request(self, method, path, headers=None, **kwargs):
        headers = dict(headers or {})
        if self.behind_proxy and self.session.cookies:
            headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        return self.session.request(method, self.base + path, headers=headers, timeout=30, **kwargs)

    def submit(self, body):
        return self.request("POST", JOBS, headers=self.csrf, json=body)

    def status(self, job_id):
        return self.request("GET", f"{JOBS}{job_id}/")


def job_body(client_index, job_number):
    """A small text-to-image job: the offline engine, one 1920×1080 picture, a distinct prompt and seed."""
    return {"prompt": f"sunset over the sea, client {client_index} job {job_number}", "negative_prompt": "",
            "width": 1920, "height": 1080, "samples": 1, "seed": client_index * 1000 + job_number}


class AsyncClient:
    """The same browser session over one keep-alive HTTP/1.1 connection, on asyncio: 50 of these cost the load
    machine far less CPU (and no GIL hand-offs between 50 threads) than 50 threads of `requests`, so the latency
    recorded is the service's, not the client's own queueing."""

    def __init__(self, base, behind_proxy):
        self.host, port = base.split("://", 1)[1].split(":")
        self.port, self.behind_proxy, self.cookies = int(port), behind_proxy, {}
        self.origin = ("https://" if behind_proxy else "http://") + base.split("://", 1)[1]
        self.reader = self.writer = None

    async def request(self, method, path, body=None, csrf=False):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        payload = json.dumps(body).encode() if body is not None else b""
        headers = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: application/json",
                   f"Content-Length: {len(payload)}"]
        if payload:
            headers.append("Content-Type: application/json")
        if self.behind_proxy:
            headers.append("X-Forwarded-Proto: https")
        if csrf:
            headers += [f"X-CSRFToken: {self.cookies.get('csrftoken', '')}", f"Referer: {self.origin}/"]
        if self.cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        self.writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + payload)
        try:
            status = int((await self.reader.readline()).split()[1])
            length, chunked, close = 0, False, False
            while (line := (await self.reader.readline()).decode("latin-1").strip()):
                name, _, value = line.partition(":")
                name, value = name.lower(), value.strip()
                if name == "content-length":
                    length = int(value)
                elif name == "transfer-encoding" and "chunked" in value.lower():
                    chunked = True
                elif name == "connection" and value.lower() == "close":
                    close = True
                elif name == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            if chunked:
                data = b""
                while (size := int((await self.reader.readline()).strip() or b"0", 16)):
                    data += await self.reader.readexactly(size + 2)
                await self.reader.readline()
            else:
                data = await self.reader.readexactly(length)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            self.writer.close()
            self.writer = None
            raise
        if close:
            self.writer.close()
            self.writer = None
        return status, data

    def close(self):
        if self.writer is not None:
            self.writer.close()


async def async_client_loop(index, args, base, behind_proxy, recorder, stop_at):
    client = AsyncClient(base, behind_proxy)
    loop = asyncio.get_running_loop()
    await asyncio.sleep(index * args.poll / args.clients)  # spread the clients over the poll interval

    async def timed(kind, method, path, body=None):
        started = loop.time()
        try:
            status, data = await client.request(method, path, body, csrf=method == "POST")
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
            recorder.error(f"{kind}: {type(exc).__name__}", str(exc))
            return None
        with recorder.lock:
            recorder.latency[kind].append(loop.time() - started)
        if status != (202 if kind == "submit" else 200):
            recorder.error(f"{kind}: HTTP {status}", data[:200].decode("utf-8", "replace"))
            return None
        return json.loads(data)

    try:
        await client.request("GET", "/api/csrf/")
    except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
        recorder.error(f"csrf: {type(exc).__name__}", str(exc))
        return
    job_id, status, submitted = None, None, 0
    while loop.time() < stop_at:
        if (job_id is None or status in FINAL) and submitted < args.jobs_per_client:
            body = job_body(index, submitted)
            submitted += 1
            job = await timed("submit", "POST", JOBS, body)
            if job is not None:
                job_id, status = job["id"], job["status"]
                recorder.seen(client, job_id, status)
        elif job_id:
            job = await timed("poll", "GET", f"{JOBS}{job_id}/")
            if job is not None:
                status = job["status"]
                recorder.seen(client, job_id, status)
        await asyncio.sleep(args.poll)
    client.close()


async def run_async_clients(args, base, behind_proxy, recorder, stop_at):
    await asyncio.gather(*(async_client_loop(i, args, base, behind_proxy, recorder, stop_at)
                           for i in range(args.clients)))


class Recorder:
    """Latencies, errors and the last known status of every accepted job, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = {"submit": [], "poll": []}
        self.errors = []  # (kind, detail)
        self.jobs = {}  # job id -> [client, last status]

    def timed(self, kind, request, *args):
        """Run one request; record its latency, or the error. Returns the response when it is the expected one."""
        started = time.perf_counter()
        try:
            response = request(*args)
        except requests.RequestException as exc:
            self.error(f"{kind}: {type(exc).__name__}", str(exc))
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latency[kind].append(elapsed)
        expected = 202 if kind == "submit" else 200
        if response.status_code != expected:
            self.error(f"{kind}: HTTP {response.status_code}", response.text[:200])
            return None
        return response

    def error(self, kind, detail):
        with self.lock:
            self.errors.append((kind, detail))

    def seen(self, client, job_id, status):
        with self.lock:
            self.jobs[job_id] = [client, status]


def client_loop(index, args, base, behind_proxy, recorder, stop_at):
    try:
        client = Client(base, behind_proxy)
    except requests.RequestException as exc:
        recorder.error(f"csrf: {type(exc).__name__}", str(exc))
        return
    job_id, status, submitted = None, None, 0
    while time.monotonic() < stop_at:
        if (job_id is None or status in FINAL) and submitted < args.jobs_per_client:
            body = job_body(index, submitted)
            submitted += 1
            response = recorder.timed("submit", client.submit, body)
            if response is not None:
                job_id, status = response.json()["id"], response.json()["status"]
                recorder.seen(client, job_id, status)
        elif job_id:
            response = recorder.timed("poll", client.status, job_id)
            if response is not None:
                status = response.json()["status"]
                recorder.seen(client, job_id, status)
        time.sleep(args.poll)


def warm_up(base, behind_proxy, rounds=24):
    """Not measured: let every web process import its views once (an invalid submission makes no job)."""
    client = Client(base, behind_proxy)
    for _ in range(rounds):
        client.submit({"prompt": ""})
        client.status("00000000-0000-4000-8000-000000000000")


def percentile(values, q):
    """Nearest-rank percentile, in milliseconds."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] * 1000, 1)


def drain(recorder, timeout, base, behind_proxy):
    """Poll (unmeasured) until every accepted job is final or the timeout passes; returns the seconds waited."""
    started = time.monotonic()
    pending = {job_id for job_id, (_client, status) in recorder.jobs.items() if status not in FINAL}
    while pending and time.monotonic() - started < timeout:
        for job_id in sorted(pending):
            client = recorder.jobs[job_id][0]
            if isinstance(client, AsyncClient):  # follow the job with a blocking session that has its cookies
                client = recorder.jobs[job_id][0] = Client(base, behind_proxy, cookies=client.cookies)
            try:
                status = client.status(job_id).json()["status"]
            except (requests.RequestException, ValueError, KeyError):
                continue
            recorder.jobs[job_id][1] = status
            if status in FINAL:
                pending.discard(job_id)
        time.sleep(1)
    return time.monotonic() - started


def reproduce_command():
    script = os.path.relpath(os.path.abspath(sys.argv[0]), ROOT)
    return " ".join([".venv/bin/python", shlex.quote(script), *map(shlex.quote, sys.argv[1:])])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Imogen (default: start redis, gunicorn, a worker and beat here)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--client", choices=["asyncio", "threads"], default="asyncio",
                        help="asyncio: one thread, keep-alive connections (default); threads: one `requests` "
                             "session per thread")
    parser.add_argument("--duration", type=float, default=60, help="seconds of submitting and polling")
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between a client's requests")
    parser.add_argument("--jobs-per-client", type=int, default=2)
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--web-threads", type=int, default=2, help="gunicorn threads per worker (default 2)")
    parser.add_argument("--worker-concurrency", type=int, default=1, help="Celery worker processes (default 1)")
    parser.add_argument("--worker-nice", type=int, default=0,
                        help="run the Celery worker at this nice level (10: the web keeps priority on a shared box, "
                             "as if the worker had a machine of its own)")
    parser.add_argument("--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/imogen_load (default: "
                                               "a fresh SQLite file)")
    parser.add_argument("--json", help="where to save the figures (default: bench/results/load-<db>-<time>.json)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database)")
    args = parser.parse_args()

    stack, base, behind_proxy = None, (args.url or "").rstrip("/"), False
    if not base:
        stack = Stack(args)
        base, behind_proxy = stack.url, True
        print(f"[load] starting redis, gunicorn ({args.web_workers} workers × {args.web_threads} threads), a Celery "
              f"worker (-Q default, concurrency {args.worker_concurrency}) and beat in {stack.dir}", flush=True)
    recorder = Recorder()
    try:
        if stack:
            stack.start()
        warm_up(base, behind_proxy)
        print(f"[load] {args.clients} clients, {args.duration:.0f} s, a request every {args.poll} s per client, "
              f"against {base}", flush=True)
        started = time.monotonic()
        stop_at = started + args.duration
        if args.client == "asyncio":
            asyncio.run(run_async_clients(args, base, behind_proxy, recorder, time.monotonic() + args.duration))
        else:
            threads = [threading.Thread(target=client_loop, args=(i, args, base, behind_proxy, recorder, stop_at),
                                        daemon=True) for i in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        elapsed = time.monotonic() - started
        load_average = os.getloadavg()  # at the end of the load phase, before the drain
        print(f"[load] load phase over; waiting for {len(recorder.jobs)} jobs to finish", flush=True)
        drained_in = drain(recorder, args.drain_timeout, base, behind_proxy)
    finally:
        if stack:
            stack.stop()

    polls, submits = recorder.latency["poll"], recorder.latency["submit"]
    statuses = Counter(status for _client, status in recorder.jobs.values())
    accepted, final = len(recorder.jobs), sum(n for status, n in statuses.items() if status in FINAL)
    database = "postgresql" if (args.database_url or "").startswith("postgres") else "sqlite"
    figures = {
        "target": args.url or "local stack",
        "database": database if stack else "n/a (--url)",
        "gunicorn": " ".join(gunicorn_options(args)) if stack else "n/a (--url)",
        "celery_worker": f"-Q default -c {args.worker_concurrency}, nice {args.worker_nice}" if stack else "n/a (--url)",
        "clients": args.clients, "client": args.client, "poll_interval_s": args.poll,
        "duration_s": round(elapsed, 1),
        "requests": len(polls) + len(submits), "requests_per_s": round((len(polls) + len(submits)) / elapsed, 1),
        "submit_ms": {"n": len(submits), "p50": percentile(submits, 50), "p99": percentile(submits, 99)},
        "poll_ms": {"n": len(polls), "p50": percentile(polls, 50), "p99": percentile(polls, 99)},
        **({"server_ms": {kind: {"n": len(values), "p50": percentile(values, 50), "p99": percentile(values, 99)}
                          for kind, values in stack.server_times.items()}} if stack else {}),
        "errors": len(recorder.errors), "error_kinds": dict(Counter(kind for kind, _detail in recorder.errors)),
        "jobs_accepted": accepted, "jobs_final": final, "job_statuses": dict(statuses),
        "drain_s": round(drained_in, 1), "cpu_cores": os.cpu_count(),
        "load_average_1_5_15": [round(x, 2) for x in load_average],
        "command": reproduce_command(),
    }
    met = not recorder.errors and final == accepted and polls and figures["poll_ms"]["p99"] < POLL_TARGET_MS
    figures["targets_met"] = bool(met)

    print(json.dumps(figures, indent=2, ensure_ascii=False))
    for kind, detail in recorder.errors[:10]:
        print(f"[load] error: {kind}: {detail}")
    print(f"[load] {'PASS' if met else 'MISS'}: errors {len(recorder.errors)} (target 0); accepted jobs final "
          f"{final}/{accepted}; p99 status poll {figures['poll_ms']['p99']} ms (target < {POLL_TARGET_MS} ms)"
          + (f"; in the server: p99 poll {figures['server_ms']['poll']['p99']} ms" if stack else ""))
    print(f"[load] reproduce: {figures['command']}")
    out = Path(args.json) if args.json else RESULTS / f"load-{database}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"[load] figures saved to {os.path.relpath(out)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
