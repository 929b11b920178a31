"""Issue 21, item 6, against the live app: "Email me when it's ready" on queued jobs skipped the mail limits. The
limits counted `Delivery` rows, and a queued job makes none until it ends, outside any transaction: 8 requests
one after another gave 8 mails to one address (limit 5 an hour), 12 at once gave 12. Now a ready-mail counts
when it is asked for, in one step with the check. Each client comes from its own loopback address."""
import threading

import pytest

from core.models import JobStatus
from mailer.models import Delivery
from styletransfer.models import StyleTransferJob
from tests.factories import make_creation
from tests.loopback import LoopbackClient

from .conftest import session_of
from .test_fair_clients import INSTANT_64, URL

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def limits(settings, rates):
    settings.IMOGEN_MAIL_LIMIT_PER_RECIPIENT = "5/hour"
    settings.IMOGEN_MAIL_LIMIT_PER_CLIENT = "100/day"
    return settings


def queued_job(client):
    response = client.post(URL, data=INSTANT_64)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def notify(client, job_id, to):
    return client.post(f"{URL}{job_id}/notify/", json={"to": to})


def in_parallel(count, source, live_server, to):
    """`count` new sessions from one address, each with a queued job, ask at the same moment; their statuses."""
    clients = [LoopbackClient(live_server.url, source) for _ in range(count)]
    jobs = [queued_job(client) for client in clients]
    answers, lock, start = [], threading.Lock(), threading.Barrier(count)

    def ask(client, job_id, address):
        start.wait()
        status = notify(client, job_id, address).status_code
        with lock:
            answers.append(status)

    threads = [threading.Thread(target=ask, args=(c, j, to(n))) for n, (c, j) in enumerate(zip(clients, jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    return sorted(answers)


def test_ready_mails_asked_for_one_after_another_count_at_once(live_server, limits, broker):
    bot = LoopbackClient(live_server.url, "127.0.0.20")
    answers = [notify(bot, queued_job(bot), "victim@example.com").status_code for _ in range(8)]
    assert answers == [200] * 5 + [429] * 3, answers
    refused = notify(bot, queued_job(bot), "Victim+x@example.com")
    assert refused.status_code == 429 and "Too many emails to" in refused.json()["detail"]
    # The mail form shares the budget: the five ready-mails asked for count against it already.
    creation = make_creation(session_key=session_of(bot))
    assert bot.post(f"/api/creations/{creation.pk}/email/", json={"to": "victim@example.com"}).status_code == 429
    assert StyleTransferJob.objects.exclude(notify_email="").count() == 5
    bot.close()


def test_ready_mails_asked_for_in_parallel_from_many_sessions_stop_at_the_recipient_limit(live_server, limits,
                                                                                          broker):
    answers = in_parallel(12, "127.0.0.21", live_server, lambda n: "victim@example.com")
    assert answers == [200] * 5 + [429] * 7, answers


def test_ready_mails_in_parallel_stop_at_the_client_limit_of_one_address(live_server, limits, broker):
    limits.IMOGEN_MAIL_LIMIT_PER_CLIENT = "3/day"
    answers = in_parallel(8, "127.0.0.22", live_server, lambda n: f"friend{n}@example.com")
    assert answers == [200] * 3 + [429] * 5, answers
    elsewhere = LoopbackClient(live_server.url, "127.0.0.23")
    assert notify(elsewhere, queued_job(elsewhere), "friend9@example.com").status_code == 200
    elsewhere.close()


def test_a_reserved_ready_mail_is_sent_when_the_job_ends_and_counted_once(live_server, limits, broker):
    limits.IMOGEN_MAIL_LIMIT_PER_RECIPIENT = "3/hour"
    visitor = LoopbackClient(live_server.url, "127.0.0.24")
    jobs = [queued_job(visitor) for _ in range(2)]
    assert [notify(visitor, job_id, "friend@example.com").status_code for job_id in jobs] == [200, 200]
    assert notify(visitor, jobs[0], "friend@example.com").status_code == 200  # the same again: no new mail
    for job_id in jobs:  # what a worker does at the end: the ready-mail becomes a delivery
        job = StyleTransferJob.claim(job_id)
        assert job.finish(JobStatus.SUCCEEDED, result=make_creation(session_key=session_of(visitor)))
    assert Delivery.objects.filter(recipient="friend@example.com").count() == 2
    creation = make_creation(session_key=session_of(visitor))
    email = f"/api/creations/{creation.pk}/email/"
    assert visitor.post(email, json={"to": "friend@example.com"}).status_code == 202  # 2 asked + 1 = 3
    assert visitor.post(email, json={"to": "friend@example.com"}).status_code == 429
    visitor.close()
