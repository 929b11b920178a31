"""Deliveries through a real Celery worker process: a temporary SMTP failure is retried after its delay, by the
broker (the retry steps themselves are tested in-process in test_api.py)."""
import pytest

from tests.conftest import wait_for

from .conftest import attachments, make_creation, new_session_key, stored_bytes, worker_env

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def owned_http(http):
    key = new_session_key()
    http.cookies.set("sessionid", key)
    return make_creation(key)


def final_status(http, delivery_id, timeout=40):
    def done():
        body = http.get(f"/api/deliveries/{delivery_id}/").json()
        return body if body["status"] in ("sent", "failed") else None

    return wait_for(done, timeout=timeout, interval=0.2, message="the delivery to finish")


def test_smtp_4xx_then_success_is_retried_and_sent(http, smtp_server, worker_factory):
    smtp_server.handler.temporary_failures = 1  # the server answers 451 to the first try
    worker_factory(queues="default", extra_env=worker_env(smtp_server.port))
    creation = owned_http(http)
    response = http.post(f"/api/creations/{creation.pk}/email/", json={"to": "friend@example.com"})
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"

    result = final_status(http, response.json()["id"])
    assert result["status"] == "sent", result
    assert result["attempts"] == 2 and result["error"] == ""
    assert smtp_server.handler.data_attempts == 2
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail.rcpt_tos == ["friend@example.com"] and mail.message["Subject"] == creation.file_name
    assert attachments(mail.message)[0][2] == stored_bytes(creation)
