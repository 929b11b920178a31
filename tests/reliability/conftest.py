"""Helpers for the fault tests: workers that also run beat (the sweep), style jobs at a tiny size, gunicorn."""
import os
import sys

import pytest
import requests

from tests.conftest import ARTIFACTS, ChildProcess, HttpClient, Worker, free_port, port_open, test_db_name, wait_for

FINAL = ("succeeded", "failed", "canceled")


def beat_worker(broker_url, tmp_path, queues="default,style", extra_env=None):
    """A worker that also runs beat with a 1-second sweep (it re-sends waiting jobs, revives abandoned ones)."""
    env = {"IMOGEN_SWEEP_SECONDS": "1", **(extra_env or {})}
    worker = Worker(broker_url, test_db_name(), queues=queues, extra_env=env)
    worker.command += ["-B", "-s", str(tmp_path / f"beat-{worker.name}")]
    return worker


def first_samples(client):
    content = client.get("/api/samples/?kind=content").json()[0]["id"]
    style = client.get("/api/samples/?kind=style").json()[0]["id"]
    return content, style


def submit_style(client, content, style, preset="preview", width=64, height=64, seed=0):
    response = client.post("/api/style-transfer/jobs/", data={
        "content_sample": content, "style_sample": style, "preset": preset,
        "width": width, "height": height, "seed": seed})
    return response


def wait_final(client, url, timeout=120):
    def done():
        body = client.get(url).json()
        return body if body["status"] in FINAL else None

    return wait_for(done, timeout=timeout, interval=0.5, message=f"{url} to finish")


class Gunicorn(ChildProcess):
    """The web app as production runs it: gunicorn (sync workers) on the test database."""

    kind = "gunicorn"

    def __init__(self, broker_url, port=None, workers=2, extra_env=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"gunicorn-{self.port}.log"
        self.env = dict(os.environ, DJANGO_SETTINGS_MODULE="imogen.test_settings",
                        IMOGEN_TEST_DB_NAME=test_db_name(), CELERY_BROKER_URL=broker_url, PYTHONUNBUFFERED="1",
                        **(extra_env or {}))
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.command = [sys.executable, "-m", "gunicorn", "imogen.wsgi:application", "-b", f"127.0.0.1:{self.port}",
                        "-w", str(workers), "--graceful-timeout", "20", "--access-logfile", "-"]

    def ready(self):
        if not port_open(self.port):
            return False
        try:
            return requests.get(self.url + "/api/csrf/", timeout=5).ok
        except requests.RequestException:
            return False

    def client(self):
        return HttpClient(self.url)


@pytest.fixture
def gunicorn_factory(broker, transactional_db):
    started = []

    def start(**kwargs):
        server = Gunicorn(broker, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def submit_text2image(client, prompt="sunset over the sea", seed=1):
    return client.post("/api/text2image/jobs/", json={
        "prompt": prompt, "negative_prompt": "", "width": 1920, "height": 1080, "samples": 1, "seed": seed})


@pytest.fixture
def redis_server():
    """A Redis of this test's own on a fixed port, so the test can stop it and start it there again; this process
    sends its jobs there too."""
    from tests.conftest import RedisServer, use_broker

    server = RedisServer().start()
    use_broker(server.url)
    yield server
    server.stop()


def echo_job(delay, message="still here"):
    from core.models import EchoJob

    job = EchoJob.objects.create(message=message, delay_seconds=delay)
    job.enqueue()
    return job


def wait_status(job, status, timeout=30, message=None):
    def reached():
        job.refresh_from_db()
        return job.status == status

    wait_for(reached, timeout=timeout, message=message or f"{job} to be {status}")
