"""The web process restarted (gunicorn, as in production) while jobs are in flight: nothing is lost."""
import threading
import time

import pytest
import requests

from .conftest import submit_text2image, wait_final

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_restarting_gunicorn_loses_no_job(gunicorn_factory, worker_factory):
    web = gunicorn_factory()
    client = web.client()
    accepted = [submit_text2image(client, prompt=f"forest at dawn {i}", seed=i) for i in range(3)]
    assert all(r.status_code == 202 for r in accepted), [r.text for r in accepted]
    worker_factory()  # a worker starts on them while the web server goes down and comes back

    # Someone keeps submitting during the restart: any submission answered 202 must be kept.
    during, refused, stop = [], [], threading.Event()

    def keep_submitting():
        seed = 100
        while not stop.is_set():
            try:
                response = submit_text2image(client, prompt=f"city lights {seed}", seed=seed)
                (during if response.status_code == 202 else refused).append(response)
            except requests.RequestException as exc:  # connection refused while nothing listens: fine
                refused.append(exc)
                time.sleep(0.2)
            seed += 1
            time.sleep(0.3)

    thread = threading.Thread(target=keep_submitting, daemon=True)
    thread.start()
    time.sleep(1)
    web.stop()  # graceful SIGTERM: requests being served are finished first
    web = gunicorn_factory(port=web.port)
    time.sleep(1)
    stop.set()
    thread.join(timeout=30)
    assert not [r for r in refused if isinstance(r, requests.Response)], "no request may be answered with an error"

    ids = [r.json()["id"] for r in accepted + during]
    creations = []
    for job_id in ids:
        body = wait_final(client, f"/api/text2image/jobs/{job_id}/", timeout=180)
        assert body["status"] == "succeeded", body
        assert body["images"] and client.get(body["images"][0]["image_url"]).status_code == 200
        creations.append(body["images"][0]["creation_id"])
    # The results are in the visitor's gallery, served by the new web process (same session cookie).
    mine = client.get("/gallery/mine/")
    assert mine.status_code == 200
    assert all(str(pk) in mine.text for pk in creations[:20]), "every result is listed in My creations"
