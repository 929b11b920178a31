import json
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, ""
    except Exception as exc:
        return False, str(exc)


def broker_ok(url=None, timeout=1.5):
    url = url or settings.CELERY_BROKER_URL
    try:
        with Connection(url, connect_timeout=timeout, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
            if url.startswith("redis"):
                conn.default_channel.client.ping()
        return True, ""
    except Exception as exc:
        return False, str(exc) or type(exc).__name__


def broker_name(url=None):
    url = url or settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return "embedded (filesystem)"
    return url.split("://", 1)[0]


# `manage.py serve` rewrites its status file every 5 s; older than this, nobody restarts what dies.
SUPERVISOR_SILENT_SECONDS = 20


def processes_state(live_worker_pids, path=None):
    """Under `make run` (IMOGEN_SERVE_STATUS_FILE, set by `manage.py serve` for its children): whether every process
    it keeps is running (a worker: running and ready, i.e. among `live_worker_pids` of the WorkerBeat rows), and how
    often each was started again. None when nothing supervises this web server."""
    path = path if path is not None else settings.IMOGEN_SERVE_STATUS_FILE
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text())
        children, age = data["children"], time.time() - float(data["updated"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return {"ok": False, "error": f"the status of manage.py serve is unreadable: {exc}", "restarts": {}}
    restarts = {name: child.get("restarts", 0) for name, child in children.items()}
    down = sorted(name for name, child in children.items() if not child.get("running"))
    starting = sorted(name for name, child in children.items()
                      if child.get("running") and child.get("worker") and child.get("pid") not in live_worker_pids)
    problems = []
    if age > SUPERVISOR_SILENT_SECONDS:
        problems.append(f"manage.py serve has not written its status for {age:.0f} s")
    if down:
        problems.append("not running, being started again: " + ", ".join(down))
    if starting:
        problems.append("started, not ready yet: " + ", ".join(starting))
    return {"ok": not problems, "error": "; ".join(problems), "restarts": restarts}
