"""Issue 21, item 3: Redis stopped while a worker held a task took the worker down for good (kombu 5.7.0 reads
`conninfo.hostname` from the connection Celery had already let go of: core/redis_transport.py). A worker as
`make run` starts it (prefork, beat inside) keeps running through a Redis outage and takes new jobs afterwards."""
import time

import pytest

from tests.conftest import test_db_name

from .conftest import beat_worker, echo_job, wait_status

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # ~15 s: make test-slow


def serve_worker(broker_url, tmp_path):
    """The default worker of `manage.py serve`: a prefork pool (the job runs in a child process) with beat."""
    worker = beat_worker(broker_url, tmp_path, queues="default")
    solo = worker.command.index("solo")
    worker.command[solo - 1:solo + 1] = ["-P", "prefork", "-c", "2"]
    assert worker.env["IMOGEN_TEST_DB_NAME"] == test_db_name()
    return worker.start()


def test_the_worker_survives_redis_stopping_while_it_runs_a_job(redis_server, tmp_path):
    worker = serve_worker(redis_server.url, tmp_path)
    try:
        job = echo_job(delay=4)
        wait_status(job, "running", timeout=20)
        redis_server.stop()
        time.sleep(2)
        redis_server.start()
        wait_status(job, "succeeded")
        after = echo_job(delay=0)  # the worker is back on Redis and takes new work
        wait_status(after, "succeeded", message="a job sent after the outage")
        assert worker.proc.poll() is None, worker.output()[-3000:]
        assert "Unrecoverable error" not in worker.output()
    finally:
        worker.stop()
