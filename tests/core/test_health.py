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


def serve_status(path, updated_ago=0, **children):
    """The status file `manage.py serve` writes for its web server (core/management/commands/serve.py)."""
    import json
    import time

    path.write_text(json.dumps({"supervisor": 1, "updated": time.time() - updated_ago, "children": {
        name: {"running": running, "pid": pid, "worker": name != "web", "restarts": 2, "down_since": None,
               "last_exit": None} for name, (running, pid) in children.items()}}))
    return path


@pytest.mark.django_db
def test_healthz_under_make_run_reports_a_process_being_started_again(client, settings, broker, tmp_path):
    from core.models import WorkerBeat

    WorkerBeat.objects.create(hostname="default@here", queues="default", pid=4242)
    settings.IMOGEN_SERVE_STATUS_FILE = str(tmp_path / "serve-status.json")
    serve_status(tmp_path / "serve-status.json", web=(True, 1), worker=(True, 4242))
    assert client.get("/healthz").status_code == 200

    serve_status(tmp_path / "serve-status.json", web=(True, 1), worker=(False, None))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["processes"]["error"] == "not running, being started again: worker"
    assert body["processes"]["restarts"] == {"web": 2, "worker": 2}

    serve_status(tmp_path / "serve-status.json", web=(True, 1), worker=(True, 5555))  # started, not ready yet
    assert "started, not ready yet: worker" in client.get("/healthz").json()["processes"]["error"]

    serve_status(tmp_path / "serve-status.json", updated_ago=60, web=(True, 1), worker=(True, 4242))
    response = client.get("/healthz")  # nobody would start again what dies
    assert response.status_code == 503 and "has not written its status" in response.json()["processes"]["error"]
