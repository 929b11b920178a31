"""`make run`: pick a broker, then start the web server, the Celery workers and beat; Ctrl-C stops them all."""
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


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


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
                log_file = open(var / "redis.log", "ab")
                children.append(("redis", subprocess.Popen(
                    [redis_server, "--port", str(LOCAL_REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--dir", str(var)],
                    stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
                )))
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
            children.append((name, subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=nice)))
        self.log(f"Imogen is starting at http://{host}:{port}/  (health: http://{host}:{port}/healthz). "
                 "Press Ctrl-C to stop everything.")

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, proc in children:
                    if proc.poll() is not None:
                        self.log(f"{name} exited with code {proc.returncode}; stopping the rest.")
                        stopping = True
                time.sleep(0.5)
        finally:
            self.log("Stopping web, workers and broker...")
            # Signal each main process only: Celery and gunicorn shut their own children down gracefully.
            for _, proc in children:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.time() + 30
            for name, proc in children:
                try:
                    proc.wait(timeout=max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    self.log(f"{name} did not stop in time; killing it.")
                    os.killpg(proc.pid, signal.SIGKILL)
            self.log("Stopped.")
