import pytest

from tests.conftest import wait_for

TOKEN = "monitor-token-0123456789"


@pytest.fixture
def client(client, settings):
    """A monitor that sends the health token: it sees which part failed (docs/security.md)."""
    settings.IMOGEN_HEALTH_TOKEN = TOKEN
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


@pytest.mark.e2e
def test_healthz_reports_database_broker_and_live_worker(client, celery_worker):
    response = wait_for(lambda: (r := client.get("/healthz")).status_code == 200 and r, timeout=30,
                        message="a live worker in /healthz")
    body = response.json()
    assert body["database"]["ok"] and body["broker"]["ok"]
    assert body["workers"]["live"] >= 1
    assert body["broker"]["kind"] == "redis"


@pytest.mark.django_db
def test_healthz_is_503_without_workers(client, broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["workers"]["live"] == 0 and body["database"]["ok"] and body["broker"]["ok"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, settings):
    from tests.conftest import free_port, use_broker

    use_broker(f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
