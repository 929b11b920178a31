"""`make run`: pick a broker, then start the web server, the Celery workers and beat, and keep them running: a child
that dies is started again after a back-off (1 s, doubling to 30 s), said in the log, and /healthz reports the gap
meanwhile (the status file below). Ctrl-C stops them all."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.health import broker_ok
from core.registry import describe_all

LOCAL_REDIS_PORT = 6390
RESTART_FIRST_WAIT = 1.0
RESTART_MAX_WAIT = 30.0
RESTART_CALM_SECONDS = 60  # a child that ran this long before it died starts again at the first wait
STATUS_EVERY = 5  # seconds between rewrites of the status file while nothing changes (its age says we are alive)


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class Child:
    """One process `serve` keeps running: started again after a back-off whenever it exits."""

    def __init__(self, name, command, env=None, nice=None, worker=False, **popen):
        self.name, self.command, self.env, self.nice, self.popen = name, command, env, nice, popen
        self.worker = worker  # a Celery worker: ready once its WorkerBeat row (with its pid) is fresh
        self.proc, self.restarts, self.wait, self.due, self.down_since, self.last_exit = None, 0, 0.0, 0.0, None, None
        self.started_at = 0.0

    def start(self):
        self.proc = subprocess.Popen(self.command, env=self.env, start_new_session=True, preexec_fn=self.nice,
                                     **self.popen)
        self.started_at, self.down_since = time.time(), None

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def back_off(self, now):
        """When to try starting it again: the first wait after a calm run, else twice the last one (capped)."""
        calm = now - self.started_at >= RESTART_CALM_SECONDS
        self.wait = RESTART_FIRST_WAIT if calm or not self.wait else min(RESTART_MAX_WAIT, self.wait * 2)
        self.due = now + self.wait
        return self.wait

    def exited(self, now):
        self.last_exit, self.proc, self.down_since = self.proc.returncode, None, now
        return self.back_off(now)

    def state(self):
        return {"running": self.running, "pid": self.proc.pid if self.running else None, "worker": self.worker,
                "restarts": self.restarts, "down_since": self.down_since, "last_exit": self.last_exit}


def write_status(path, children):
    """What /healthz reads (core.health.processes_state): each child's state, and when `serve` last wrote it."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"supervisor": os.getpid(), "updated": time.time(),
                               "children": {child.name: child.state() for child in children}}))
    tmp.replace(path)  # atomic: the web server never reads half a file


class Command(BaseCommand):
    help = "Start web + workers + beat with a broker (Redis at REDIS_URL, a local redis-server, or embedded)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("IMOGEN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("IMOGEN_PORT", "8000")))
        parser.add_argument("--broker", choices=["auto", "redis", "local-redis", "embedded"], default="auto")

    def log(self, message):
        self.stdout.write(f"[imogen] {message}")
        self.stdout.flush()

    def choose_broker(self, mode, children):
        var = Path(settings.VAR_DIR)
        if mode in ("auto", "redis"):
            ok, error = broker_ok(settings.REDIS_URL)
            if ok:
                self.log(f"Broker: Redis at {settings.REDIS_URL}")
                return settings.REDIS_URL
            self.log(f"Redis at {settings.REDIS_URL} is not reachable ({error}).")
            if mode == "redis":
                raise SystemExit("Start Redis or set REDIS_URL in .env, then run `make run` again.")
        redis_server = shutil.which("redis-server")
        if mode in ("auto", "local-redis") and redis_server:
            url = f"redis://127.0.0.1:{LOCAL_REDIS_PORT}/0"
            if port_free(LOCAL_REDIS_PORT):
                redis = Child("redis", [redis_server, "--port", str(LOCAL_REDIS_PORT), "--bind", "127.0.0.1",
                                        "--save", "", "--appendonly", "no", "--dir", str(var)],
                              stdout=open(var / "redis.log", "ab"), stderr=subprocess.STDOUT)
                redis.start()
                children.append(redis)
            for _ in range(50):
                if broker_ok(url)[0]:
                    self.log(f"Broker: local redis-server started by make run at {url}")
                    return url
                time.sleep(0.1)
            self.log("The local redis-server did not start; see var/redis.log.")
        self.log("Broker: embedded filesystem broker under var/broker (no server needed; one machine only)")
        return "filesystem://"

    def handle(self, host, port, broker, **options):
        children = []
        env = dict(os.environ)
        env["CELERY_BROKER_URL"] = self.choose_broker(broker, children)
        env.setdefault("PYTHONUNBUFFERED", "1")
        status = Path(settings.VAR_DIR) / "serve-status.json"
        env["IMOGEN_SERVE_STATUS_FILE"] = str(status)  # the web server's /healthz reads it
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "imogen"]
        for line in describe_all():  # mail, text-to-image, translation: what the settings chose
            self.log(f"Provider for {line}")
        commands = [
            ("web", [python, "-m", "gunicorn", "imogen.wsgi:application", "--bind", f"{host}:{port}",
                     "--workers", "2", "--threads", "4", "--timeout", "120", "--access-logfile", "-"]),
            # Heavy style transfer on its own queue, one job at a time, so mail and short work never wait.
            ("style-worker", celery + ["worker", "-Q", "style", "-c", "1", "-n", "style@%h", "-l", "INFO"]),
            ("worker", celery + ["worker", "-Q", "default", "-c", "2", "-n", "default@%h", "-l", "INFO", "-B",
                                 "-s", str(settings.CELERY_BEAT_SCHEDULE_FILENAME)]),
        ]
        for name, command in commands:
            # Workers yield the CPU to the web server: on a small machine a style job would otherwise make every
            # page and progress poll wait (bench/load.py: p99 poll 4x lower with the worker at nice 10).
            nice = None if name == "web" else (lambda: os.nice(10))
            child = Child(name, command, env=env, nice=nice, worker=name != "web")
            child.start()
            children.append(child)
        write_status(status, children)
        self.log(f"Imogen is starting at http://{host}:{port}/  (health: http://{host}:{port}/healthz). "
                 "Press Ctrl-C to stop everything.")

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            self.supervise(children, status, lambda: stopping)
        finally:
            self.log("Stopping web, workers and broker...")
            # Signal each main process only: Celery and gunicorn shut their own children down gracefully.
            for child in children:
                if child.running:
                    child.proc.send_signal(signal.SIGTERM)
            deadline = time.time() + 30
            for child in children:
                if child.proc is None:
                    continue
                try:
                    child.proc.wait(timeout=max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    self.log(f"{child.name} did not stop in time; killing it.")
                    os.killpg(child.proc.pid, signal.SIGKILL)
            status.unlink(missing_ok=True)
            self.log("Stopped.")

    def supervise(self, children, status, stopping):
        """Until `stopping()`: start again each child that exited (a worker that lost Redis, say), after its
        back-off, so one crash never leaves the site down for good."""
        written = 0.0
        while not stopping():
            now, changed = time.time(), False
            for child in children:
                if child.proc is not None and child.proc.poll() is not None:
                    wait = child.exited(now)
                    self.log(f"{child.name} exited with code {child.last_exit}; starting it again in {wait:g} s.")
                    changed = True
                elif child.proc is None and now >= child.due:
                    child.restarts += 1
                    try:
                        child.start()
                    except OSError as exc:  # out of processes or memory, say: try again after a longer wait
                        child.started_at = now
                        self.log(f"{child.name} could not be started ({exc}); trying again in "
                                 f"{child.back_off(now):g} s.")
                    else:
                        self.log(f"{child.name} started again (restart {child.restarts}, pid {child.proc.pid}).")
                    changed = True
            if changed or now - written >= STATUS_EVERY:
                try:
                    write_status(status, children)
                except OSError as exc:  # /healthz then reports the status as old; the children keep running
                    self.log(f"Could not write {status}: {exc}")
                written = now
            time.sleep(0.5)
