"""Issue 21, item 15: a mail's tries and the job kit's lost workers shared `Job.attempts`, so with the shipped
limits (IMOGEN_MAIL_MAX_ATTEMPTS 5, IMOGEN_JOB_MAX_ATTEMPTS 3) a mail was failed on its 4th try, with words about
the server running out of memory. A real worker, a real SMTP server (aiosmtpd), the shipped limits."""
import pytest

from tests.mailer.conftest import SmtpServer, worker_env
from tests.mailer.test_worker import final_status, owned_http

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def test_mail_gets_its_five_tries_with_the_shipped_limits(http, smtp, worker_factory):
    from mailer.models import Delivery

    env = worker_env(smtp.port, IMOGEN_MAIL_RETRY_BACKOFF=0.1)
    del env["IMOGEN_MAIL_MAX_ATTEMPTS"]  # the shipped 5, beside the shipped IMOGEN_JOB_MAX_ATTEMPTS of 3
    worker_factory(queues="default", extra_env=env)
    creation = owned_http(http)

    smtp.handler.temporary_failures = 4  # 451 four times, then the mail goes
    sent = final_status(http, http.post(f"/api/creations/{creation.pk}/email/", json={"to": "a@example.com"})
                        .json()["id"])
    assert sent["status"] == "sent" and sent["attempts"] == 5 and sent["error"] == "", sent
    assert len(smtp.messages) == 1 and Delivery.objects.get(pk=sent["id"]).attempts == 1  # no worker was lost

    smtp.handler.temporary_failures = 100  # the server never takes it
    failed = final_status(http, http.post(f"/api/creations/{creation.pk}/email/", json={"to": "b@example.com"})
                          .json()["id"])
    assert failed["status"] == "failed" and failed["attempts"] == 5, failed
    assert "could not be sent after 5 tries" in failed["error"] and "memory" not in failed["error"]
