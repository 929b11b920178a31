"""The fair queue end to end: the API on a live server, a real Celery worker on a real Redis, the real engine
at a tiny size, and a real SMTP server on localhost for "email me when it's ready"."""
import pytest

from styletransfer.models import StyleTransferJob
from tests.conftest import HttpClient, wait_for
from tests.loopback import LoopbackClient
from tests.mailer.conftest import SmtpServer, attachments, stored_bytes, worker_env
from tests.styletransfer.conftest import FAST_WORKER_ENV

from .conftest import TINY, URL

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def submit(client, **extra):
    response = client.post(URL, data={"content_sample": "content-02", "style_sample": "style-03", **TINY, **extra})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def test_b_starts_second_behind_three_of_a_positions_count_down_and_cancel_frees_a_place(live_server,
                                                                                       worker_factory):
    a, b = LoopbackClient(live_server.url, "127.0.0.31"), LoopbackClient(live_server.url, "127.0.0.32")  # two clients
    a_jobs = [submit(a, seed=str(i)) for i in range(3)]  # no worker yet: all three wait
    b_job = submit(b)
    position = {j: a.get(f"{URL}{j}/").json()["queue_position"] for j in a_jobs}
    assert [position[j] for j in a_jobs] == [0, 2, 3]
    assert b.get(f"{URL}{b_job}/").json()["queue_position"] == 1  # B's only job is second in line

    assert a.post(f"{URL}{a_jobs[1]}/cancel/").json()["status"] == "canceled"
    assert a.get(f"{URL}{a_jobs[2]}/").json()["queue_position"] == 2  # its place is freed at once

    worker_factory(queues="style", extra_env=FAST_WORKER_ENV)
    seen = []

    def last_done():
        body = a.get(f"{URL}{a_jobs[2]}/").json()
        seen.append(body["queue_position"])
        return body["status"] in ("succeeded", "failed")

    wait_for(last_done, timeout=180, interval=0.1, message="A's last job to finish")
    counted = [p for p in seen if p is not None]
    assert counted == sorted(counted, reverse=True) and counted[-1] == 0, seen
    started = list(StyleTransferJob.objects.filter(started_at__isnull=False).order_by("started_at")
                   .values_list("pk", flat=True))
    assert [str(pk) for pk in started] == [a_jobs[0], b_job, a_jobs[2]]
    assert set(StyleTransferJob.objects.values_list("status", flat=True)) == {"succeeded", "canceled"}
    a.close()
    b.close()


def test_email_me_when_ready_is_delivered_once_after_the_browser_is_gone(live_server, worker_factory):
    smtp = SmtpServer().start()
    try:
        browser = HttpClient(live_server.url)
        job_id = submit(browser)
        answer = browser.post(f"{URL}{job_id}/notify/", json={"to": "me@example.com"})
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"notify_email": "me@example.com", "status": "queued", "sent": False}
        stranger = HttpClient(live_server.url)
        assert stranger.post(f"{URL}{job_id}/notify/", json={"to": "x@example.com"}).status_code == 404
        browser.close()  # the tab is closed: nobody polls any more
        stranger.close()

        worker_factory(queues="default,style", extra_env={**FAST_WORKER_ENV, **worker_env(smtp.port)})
        wait_for(lambda: smtp.messages, timeout=180, message="the ready mail")
        job = StyleTransferJob.objects.select_related("result").get(pk=job_id)
        assert job.status == "succeeded" and job.notified_at is not None
        from fairqueue.notify import send_missed, send_ready_mail

        assert send_ready_mail(job) is None and send_missed(StyleTransferJob) == 0  # never twice
        wait_for(lambda: job.result.deliveries.filter(status="succeeded").exists(), timeout=30,
                 message="the delivery to be recorded")
        assert len(smtp.messages) == 1
        mail = smtp.messages[0]
        assert mail.rcpt_tos == ["me@example.com"]
        assert mail.message["Subject"] == job.result.file_name
        assert attachments(mail.message)[0][2] == stored_bytes(job.result)
    finally:
        smtp.stop()


def test_two_workers_share_the_queue_fairly_and_never_run_a_job_twice(live_server, worker_factory):
    a, b = LoopbackClient(live_server.url, "127.0.0.31"), LoopbackClient(live_server.url, "127.0.0.32")  # two clients
    a_jobs = [submit(a, seed=str(i)) for i in range(3)]
    b_job = submit(b)
    workers = [worker_factory(queues="style", extra_env=FAST_WORKER_ENV) for _ in range(2)]

    def all_done():
        return not StyleTransferJob.objects.exclude(status__in=["succeeded", "failed", "canceled"]).exists()

    wait_for(all_done, timeout=240, interval=0.3, message="every job to finish")
    jobs = list(StyleTransferJob.objects.order_by("started_at"))
    assert {j.status for j in jobs} == {"succeeded"} and [j.attempts for j in jobs] == [1, 1, 1, 1]
    assert str(jobs[0].pk) == a_jobs[0] and b_job in {str(j.pk) for j in jobs[:2]}  # first round: A1 and B1
    runs = [w.output().count(" started (attempt") for w in workers]
    assert sum(runs) == 4, runs  # four runs in all, between the two workers: none twice
    a.close()
    b.close()
