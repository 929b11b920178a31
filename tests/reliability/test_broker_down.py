"""Redis stopped while people submit through the web: every submission is answered 202 and kept as `queued`,
the job page and API say the queue is waiting, and every job completes once Redis is back."""
import time

import pytest

from core.jobs import QUEUE_WAITING
from tests.conftest import HttpClient, RedisServer, use_broker

from .conftest import beat_worker, submit_text2image, wait_final

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_jobs_submitted_while_redis_is_down_complete_when_it_returns(live_server, tmp_path):
    from text2image.models import TextToImageJob

    server = RedisServer().start()  # a fixed port of our own, so we can stop it and bring it back there
    use_broker(server.url)
    http = HttpClient(live_server.url)
    try:
        server.stop()  # Redis goes away

        jobs = []
        for seed in range(3):
            started = time.monotonic()
            response = submit_text2image(http, prompt=f"night sky over the sea {seed}", seed=seed)
            assert time.monotonic() - started < 10, "submitting must not hang while Redis is down"
            assert response.status_code == 202, response.text
            jobs.append(response.json())

        for body in jobs:
            assert TextToImageJob.objects.get(pk=body["id"]).status == "queued"
            api = http.get(f"/api/text2image/jobs/{body['id']}/").json()
            assert api["status"] == "queued"
            assert api["stage"] == QUEUE_WAITING, "the API tells the user the queue is waiting"
            page = http.get(body["url"])
            assert page.status_code == 200 and "job queue is unavailable" in page.text

        server.start()  # Redis is back on the same port
        worker = beat_worker(server.url, tmp_path).start()
        try:
            finals = [wait_final(http, f"/api/text2image/jobs/{body['id']}/", timeout=120) for body in jobs]
            output = worker.output()
        finally:
            worker.stop()
        for body in finals:
            assert body["status"] == "succeeded", (body, output[-3000:])
            assert len(body["images"]) == 1 and body["stage"] == ""
            assert http.get(body["images"][0]["image_url"]).status_code == 200
    finally:
        http.close()
        server.stop()
