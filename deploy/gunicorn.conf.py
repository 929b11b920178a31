"""gunicorn for Imogen behind nginx (deploy/nginx-imogen.conf; docs/deployment.md).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py imogen.wsgi:application

Command-line options override these (e.g. `--workers 2`), and so does GUNICORN_CMD_ARGS.
"""
import multiprocessing

bind = "127.0.0.1:8000"  # nginx on the same host; nothing else should reach gunicorn
workers = multiprocessing.cpu_count() + 1
worker_class = "gthread"
threads = 4
# nginx hands over complete requests only, so a request that takes long is slow work, not a slow client.
timeout = 60  # a worker silent this long is restarted; the slowest inline request (an editor render) takes ~6 s
graceful_timeout = 30
keepalive = 5  # longer than nginx's upstream keepalive_timeout (4 s)
backlog = 2048
forwarded_allow_ips = "127.0.0.1"  # X-Forwarded-Proto is trusted from nginx only
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
