"""Item 7 of issue 15: slow request bodies starved the web server (40 connections sending 1 byte a second made
/healthz time out). The production recipe puts nginx in front (deploy/nginx-imogen.conf, buffering whole requests)
and runs gunicorn with deploy/gunicorn.conf.py. This starts both, exactly as shipped (ports, certificate and
temporary paths aside), and replays the attack through nginx and, for comparison, straight at gunicorn.

Skipped where nginx is not installed (Debian: apt-get install nginx-light)."""
import shutil
import socket
import ssl
import subprocess
import threading

import pytest
import requests

from tests.conftest import ARTIFACTS, ROOT, ChildProcess, free_port, port_open
from tests.reliability.conftest import Gunicorn

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if shutil.os.path.exists("/usr/sbin/nginx") else None)
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not NGINX, reason="nginx is not installed (apt-get install nginx-light)")]
SLOW_CLIENTS = 12  # three times the threads of the one gunicorn worker below


class Nginx(ChildProcess):
    kind = "nginx"

    def __init__(self, folder, upstream_port):
        self.http_port, self.https_port = free_port(), free_port()
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o777)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=localhost", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                       check=True, capture_output=True)
        site = (ROOT / "deploy" / "nginx-imogen.conf").read_text()
        for old, new in [("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
                         ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
                         ("listen 443 ssl;", f"listen 127.0.0.1:{self.https_port} ssl;"),
                         ("/etc/letsencrypt/live/imogen.example.com/fullchain.pem", str(folder / "cert.pem")),
                         ("/etc/letsencrypt/live/imogen.example.com/privkey.pem", str(folder / "key.pem"))]:
            assert old in site, old
            site = site.replace(old, new)
        (folder / "site.conf").write_text(site)
        temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                             "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n    access_log off;\n{temp}\n"
            f"    include {folder / 'site.conf'};\n}}\n")
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"nginx-{self.http_port}.log"
        self.command = [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)]
        self.env = {"PATH": "/usr/sbin:/usr/bin:/bin"}

    def ready(self):
        return port_open(self.http_port) and port_open(self.https_port)


class SlowClients:
    """Connections that send a request's headers at once, then its body one byte a second."""

    def __init__(self, port, count, tls=False):
        self.stop = threading.Event()
        self.connected = threading.Barrier(count + 1, timeout=30)
        self.threads = [threading.Thread(target=self.trickle, args=(port, tls), daemon=True) for _ in range(count)]

    def trickle(self, port, tls):
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        if tls:
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            raw = context.wrap_socket(raw)
        try:
            raw.sendall(b"POST /api/uploads/inspect/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                        b"multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n")
            self.connected.wait()
            while not self.stop.wait(1):
                raw.sendall(b"-")
        except (OSError, threading.BrokenBarrierError):
            pass
        finally:
            raw.close()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        self.connected.wait()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)


def healthz_answers(url, **kwargs):
    try:
        return requests.get(url + "/healthz", timeout=8, **kwargs).status_code in (200, 503)
    except requests.RequestException:
        return False


@pytest.fixture
def web(broker, tmp_path):
    server = Gunicorn(broker, workers=1)
    # As shipped (gthread, 4 threads, the timeouts), with one worker so that a dozen slow clients are enough.
    server.command[server.command.index("-w"):server.command.index("-w") + 2] = ["-w", "1"]
    server.command[3:3] = ["-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    server.start()
    proxy = Nginx(tmp_path / "nginx", server.port).start()
    yield server, proxy
    proxy.stop()
    server.stop()


def test_slow_clients_do_not_starve_the_web_server_behind_nginx(web):
    server, proxy = web
    https = f"https://127.0.0.1:{proxy.https_port}"
    assert healthz_answers(f"http://127.0.0.1:{proxy.http_port}")  # plain http: the health check, no redirect
    assert requests.get(f"http://127.0.0.1:{proxy.http_port}/", allow_redirects=False, timeout=8).status_code == 301
    with SlowClients(proxy.https_port, SLOW_CLIENTS, tls=True):
        assert healthz_answers(https, verify=False), "nginx passed the slow bodies on to gunicorn"
        assert requests.get(https + "/api/csrf/", verify=False, timeout=8).ok
    # The same attack straight at gunicorn (no nginx): the threads are all busy waiting for the slow bodies.
    with SlowClients(server.port, SLOW_CLIENTS):
        assert not healthz_answers(server.url)


def test_the_shipped_config_passes_nginx_own_check(tmp_path, broker):
    proxy = Nginx(tmp_path / "nginx", free_port())
    result = subprocess.run([*proxy.command, "-t"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_over_nginx_connection_limit_is_429_with_retry_after(web):
    """Issue 21, item 12: `limit_conn` answered 503, which monitors read as the site being down."""
    server, proxy = web
    plain = f"http://127.0.0.1:{proxy.http_port}/healthz"
    with SlowClients(proxy.https_port, 32, tls=True):  # the recipe's limit_conn: 32 at once from one address
        over = requests.get(plain, timeout=8)
        assert over.status_code == 429 and int(over.headers["Retry-After"]) > 0, over.text
        assert "Too many connections" in over.text
    assert requests.get(plain, timeout=8).status_code in (200, 503)  # 503: no worker in this test
