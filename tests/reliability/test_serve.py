"""Issue 21, item 3: `make run` (manage.py serve) stopped web, workers and beat for good when one child died (the
worker, of kombu's crash on a Redis outage: tests/reliability/test_redis_blips.py). Now it starts a child that died
again after a back-off, says so in its log, and /healthz reports the gap meanwhile. These start `manage.py serve`
itself, on the test database and a Redis of their own."""
import json
import os
import signal
import sys
import time

import pytest
import requests

from tests.conftest import ARTIFACTS, ChildProcess, free_port, test_db_name, wait_for

from .conftest import echo_job, wait_status

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
TOKEN = "serve-test-health-token-0123456789"


class Serve(ChildProcess):
    kind = "manage.py serve"

    def __init__(self, redis_url, var_dir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.status_file = var_dir / "serve-status.json"
        var_dir.mkdir(parents=True, exist_ok=True)
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"serve-{self.port}.log"
        self.env = dict(os.environ, DJANGO_SETTINGS_MODULE="imogen.test_settings", IMOGEN_TEST_DB_NAME=test_db_name(),
                        REDIS_URL=redis_url, IMOGEN_VAR_DIR=str(var_dir), IMOGEN_SWEEP_SECONDS="1",
                        IMOGEN_VISIBILITY_TIMEOUT="8", IMOGEN_HEALTH_TOKEN=TOKEN, PYTHONUNBUFFERED="1")
        for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_BROKER_URL"):
            self.env.pop(name, None)
        self.command = [sys.executable, "manage.py", "serve", "--broker", "redis", "--port", str(self.port)]

    def health(self):
        try:
            response = requests.get(self.url + "/healthz", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
        except requests.RequestException:
            return None
        return response

    def ready(self):
        response = self.health()
        return response is not None and response.status_code == 200

    def children(self):
        return json.loads(self.status_file.read_text())["children"]


@pytest.fixture
def serve(redis_server, tmp_path):
    server = Serve(redis_server.url, tmp_path / "var").start(timeout=120)
    yield server
    server.stop(timeout=60)


def answer_with(response, status):
    return response is not None and response.status_code == status and response.json()


def test_serve_starts_a_dead_worker_again_and_healthz_reports_the_gap(serve):
    worker = serve.children()["worker"]["pid"]
    os.killpg(worker, signal.SIGKILL)  # the worker dies, as it did of kombu's crash

    gap = wait_for(lambda: answer_with(serve.health(), 503), timeout=15, message="/healthz to report the gap")
    assert "worker" in gap["processes"]["error"], gap
    assert requests.get(serve.url + "/healthz", timeout=5).json() == {"status": "degraded"}  # public: no details
    restarted = wait_for(lambda: "worker started again" in serve.output(), timeout=30, message="the restart")
    assert restarted and serve.health().status_code == 503, "a worker started again is not ready at once"

    back = wait_for(lambda: answer_with(serve.health(), 200), timeout=60, message="/healthz to be ok again")
    assert back["processes"]["restarts"]["worker"] == 1
    job = echo_job(delay=0)
    wait_status(job, "succeeded", message="a job after the restart")
    assert requests.get(serve.url + "/", timeout=10).status_code == 200
    log = serve.output()
    assert "worker exited with code -9; starting it again in 1 s." in log
    assert "worker started again (restart 1" in log
    assert serve.children()["web"]["restarts"] == 0


def test_ten_short_redis_outages_while_jobs_run(serve, redis_server):
    jobs = []
    for outage in range(10):
        job = echo_job(delay=2)
        jobs.append(job)
        wait_status(job, "running", message=f"job {outage} to start")
        redis_server.stop()
        time.sleep(1.5)
        redis_server.start()
        wait_for(serve.ready, timeout=60, message=f"/healthz to be ok after outage {outage}")
        assert requests.get(serve.url + "/", timeout=10).status_code == 200
        wait_status(job, "succeeded", timeout=60, message=f"job {outage} to finish")
    from core.models import EchoJob

    assert list(EchoJob.objects.filter(pk__in=[j.pk for j in jobs]).values_list("status", flat=True)) == [
        "succeeded"] * 10
    assert all(child["restarts"] == 0 for child in serve.children().values()), serve.children()
    assert "Unrecoverable error" not in serve.output()
