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
