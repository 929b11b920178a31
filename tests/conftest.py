"""Shared test fixtures: real Redis, real Celery worker processes, headless Chromium, test images.

Nothing here is a mock: the broker is a Redis server over TCP, workers are `celery worker` processes
that share the test database, and browser tests drive Debian's Chromium through Playwright.
"""
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow") or os.environ.get("IMOGEN_RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with `make test-slow`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port, host="127.0.0.1"):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


# --- images -----------------------------------------------------------------------------------------
def image_bytes(fmt="PNG", size=(64, 48), color=(200, 60, 30), mode="RGB"):
    """A real encoded image with a gradient (so it is not trivially compressible)."""
    image = Image.new(mode, size, color if mode == "RGB" else None)
    if mode == "RGB":
        pixels = image.load()
        for x in range(size[0]):
            for y in range(0, size[1], max(1, size[1] // 8)):
                pixels[x, y] = ((color[0] + x) % 256, (color[1] + y) % 256, color[2])
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def png_bytes():
    return image_bytes("PNG")


@pytest.fixture
def jpeg_bytes():
    return image_bytes("JPEG")


# --- Korean ------------------------------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """Compile every Korean catalogue once per run (.mo files are build output; `make test` compiles them too),
    so a test run straight after editing a .po file sees the new words."""
    if not shutil.which("msgfmt"):
        return False
    for po in [ROOT / "locale/ko/LC_MESSAGES/django.po", *ROOT.glob("*/locale/ko/LC_MESSAGES/django.po")]:
        subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    from django.utils.translation import trans_real

    trans_real._translations = {}  # forget catalogues loaded before the files existed
    trans_real._active = trans_real.Local()
    return True


@pytest.fixture(scope="session")
def korean(compiled_catalogues):
    if not compiled_catalogues:
        pytest.skip("msgfmt (gettext) is not installed")
    return True


# --- Redis ------------------------------------------------------------------------------------------
class RedisServer:
    """A redis-server process of our own (so fault tests can stop and restart it)."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        binary = shutil.which("redis-server")
        if not binary:
            pytest.skip("redis-server is not installed (make test installs it with apt-get when it can)")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 10
        while not port_open(self.port):
            if time.time() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture(scope="session")
def redis_url():
    """A real Redis: the machine's own on 6379 (database 15) when running, else one we start."""
    if port_open(6379) and not os.environ.get("IMOGEN_TEST_OWN_REDIS"):
        import redis

        url = "redis://127.0.0.1:6379/15"
        redis.Redis.from_url(url).flushdb()
        yield url
        return
    server = RedisServer().start()
    yield server.url
    server.stop()


def use_broker(url):
    """Point this (web) process's Celery app at `url`."""
    from django.conf import settings

    from imogen.celery import app

    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    app._pool = None  # connections to the previous broker are simply dropped
    app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_url):
    use_broker(redis_url)
    return redis_url


# --- Child processes: Celery workers (and, in tests/reliability, gunicorn) -------------------------------
class ChildProcess:
    """A process of the app started by a test, in its own process group, logging to test-artifacts/."""

    kind = "process"
    command: list
    env: dict
    log_path: Path
    proc = None

    def ready(self):
        raise NotImplementedError

    def start(self, timeout=60):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early:\n{self.output()[-3000:]}")
            if self.ready():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} not ready in {timeout}s:\n{self.output()[-3000:]}")

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """SIGTERM: a graceful stop (workers and gunicorn finish what they are doing), SIGKILL after `timeout`."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def kill(self):
        """SIGKILL the process and its children: the 'dead worker' fault."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def output(self):
        return self.log_path.read_text(errors="replace")


class Worker(ChildProcess):
    """A real `celery worker` process on the test database."""

    kind = "worker"

    def __init__(self, broker_url, db_name, queues="default,style", extra_env=None, name=None):
        self.name = name or f"test-{uuid.uuid4().hex[:6]}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"worker-{self.name}.log"
        env = dict(os.environ)
        env.update({
            "DJANGO_SETTINGS_MODULE": "imogen.test_settings",
            "IMOGEN_TEST_DB_NAME": db_name,
            "CELERY_BROKER_URL": broker_url,
            "IMOGEN_VISIBILITY_TIMEOUT": "8",
            "PYTHONUNBUFFERED": "1",
        })
        env.update(extra_env or {})
        self.command = [sys.executable, "-m", "celery", "-A", "imogen", "worker", "-P", "solo", "-Q", queues,
                        "-n", f"{self.name}@%h", "-l", "INFO", "--without-gossip", "--without-mingle",
                        "--without-heartbeat"]
        self.env = env

    def ready(self):
        return b" ready." in self.log_path.read_bytes()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        super().stop(sig, timeout)


def test_db_name():
    from django.db import connection

    return connection.settings_dict["NAME"]


test_db_name.__test__ = False  # a helper, not a test (its name starts with test_)


@pytest.fixture
def worker_factory(broker, transactional_db):
    """Start extra workers (e.g. to kill one). All are stopped at the end of the test."""
    started = []

    def start(queues="default,style", extra_env=None):
        worker = Worker(broker, test_db_name(), queues=queues, extra_env=extra_env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def celery_worker(worker_factory):
    """One real worker consuming every queue."""
    return worker_factory()


def wait_for(predicate, timeout=60, interval=0.2, message="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def wait_in_page(page, expression, arg=None, timeout=20, message=None):
    """Poll a JavaScript expression in the page until it is truthy.

    Playwright's wait_for_function evaluates a string predicate with eval() inside the page, which our content
    security policy forbids (and the CSP watcher reports as a script error); page.evaluate goes through the
    DevTools protocol instead."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = page.evaluate(expression, arg)
        except PlaywrightError as exc:  # the page is navigating (e.g. it reloads after an action): ask again
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
            value = None
        if value:
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out after {timeout}s waiting for {message or expression}")


# --- HTTP clients against a live server -------------------------------------------------------------
class HttpClient(requests.Session):
    """requests.Session bound to a base URL that sends the CSRF token like a browser does."""

    def __init__(self, base_url):
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base_url + url
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):
            if "csrftoken" not in self.cookies:
                super().request("GET", self.base_url + "/api/csrf/")
            headers = kwargs.pop("headers", None) or {}
            headers.setdefault("X-CSRFToken", self.cookies.get("csrftoken", ""))
            headers.setdefault("Referer", self.base_url + "/")
            kwargs["headers"] = headers
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def http(live_server):
    client = HttpClient(live_server.url)
    yield client
    client.close()


# --- Browser ----------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def playwright_browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make test installs it with apt-get when it can)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context_factory(playwright_browser, live_server):
    contexts = []

    def make(locale="en-US", viewport=None, **kwargs):
        context = playwright_browser.new_context(
            base_url=live_server.url, locale=locale, accept_downloads=True,
            viewport=viewport or {"width": 1280, "height": 900}, **kwargs,
        )
        context.set_default_timeout(20000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser_context_factory):
    """A page that fails the test if the content security policy blocked anything or a script crashed."""
    context = browser_context_factory()
    pg = context.new_page()
    problems = []
    pg.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" and (
        "Content Security Policy" in msg.text or "Refused to" in msg.text) else None)
    pg.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    yield pg
    assert not problems, f"browser reported problems: {problems}"


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- people and creations (tests/factories.py makes them) -------------------------------------------------------
@pytest.fixture
def media_root(settings, tmp_path):
    """Files of this test in a folder of its own (in-process tests only: a worker process would not see it)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def people(db):
    """owner, other, staff accounts plus their logged-in clients, and an anonymous client."""
    from django.core.cache import cache
    from django.test import Client

    from tests.factories import make_user

    cache.clear()  # login throttle counts
    owner = make_user("owner@example.com", "Owner Artist")
    other = make_user("other@example.com", "Someone Else")
    staff = make_user("staff@example.com", "Moderator", staff=True)
    clients = {"anonymous": Client()}
    for name, user in (("owner", owner), ("other", other), ("staff", staff)):
        clients[name] = Client()
        clients[name].force_login(user)
    return {"owner": owner, "other": other, "staff": staff, "clients": clients}


@pytest.fixture
def private(people):
    from tests.factories import make_creation

    return make_creation(owner=people["owner"])


@pytest.fixture
def published(people):
    from django.utils import timezone

    from tests.factories import make_creation

    return make_creation(owner=people["owner"], title="Lake at dawn", published_at=timezone.now(),
                         show_settings=True, color=(200, 40, 40))


@pytest.fixture
def hidden(people):
    from django.utils import timezone

    from tests.factories import make_creation

    return make_creation(owner=people["owner"], title="Hidden one", published_at=timezone.now(), is_hidden=True)
