"""Issue 21, item 3: Redis stopped while a worker held a task took the worker down for good (kombu 5.7.0 reads
`conninfo.hostname` from the connection Celery had already let go of: core/redis_transport.py). A worker as
`make run` starts it (prefork, beat inside) keeps running through a Redis outage and takes new jobs afterwards."""
import time

import pytest

from tests.conftest import RedisServer, test_db_name, use_broker, wait_for

from .conftest import beat_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_server():
    server = RedisServer().start()  # our own, on a fixed port, so the test can stop it and start it there again
    use_broker(server.url)
    yield server
    server.stop()


def serve_worker(broker_url, tmp_path):
    """The default worker of `manage.py serve`: a prefork pool (the job runs in a child process) with beat."""
    worker = beat_worker(broker_url, tmp_path, queues="default")
    solo = worker.command.index("solo")
    worker.command[solo - 1:solo + 1] = ["-P", "prefork", "-c", "2"]
    assert worker.env["IMOGEN_TEST_DB_NAME"] == test_db_name()
    return worker.start()


def echo_job(delay):
    from core.models import EchoJob

    job = EchoJob.objects.create(message="through the blip", delay_seconds=delay)
    job.enqueue()
    return job


def status_of(job):
    job.refresh_from_db()
    return job.status


def test_the_worker_survives_redis_stopping_while_it_runs_a_job(redis_server, tmp_path):
    worker = serve_worker(redis_server.url, tmp_path)
    try:
        job = echo_job(delay=4)
        wait_for(lambda: status_of(job) == "running", timeout=20, message="the job to start")
        redis_server.stop()
        time.sleep(2)
        redis_server.start()
        wait_for(lambda: status_of(job) == "succeeded", timeout=30, message="the job to finish")
        after = echo_job(delay=0)  # the worker is back on Redis and takes new work
        wait_for(lambda: status_of(after) == "succeeded", timeout=30, message="a job sent after the outage")
        assert worker.proc.poll() is None, worker.output()[-3000:]
        assert "Unrecoverable error" not in worker.output()
    finally:
        worker.stop()
