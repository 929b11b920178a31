"""Item 11 of issue 15: concurrent requests cannot walk through a limit (80 submissions passed a limit of 60).

The counter is an atomic increment: Redis INCR through the `throttle` cache where Redis is present, a serialized
read-and-write in the database cache otherwise."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.django_db(transaction=True)


def burst(url, n, limit):
    barrier = threading.Barrier(n)

    def one(_):
        session = requests.Session()
        token = session.get(url + "/api/csrf/", timeout=30).json()["csrftoken"]
        barrier.wait(timeout=30)
        return session.post(url + "/api/accounts/login/", json={"email": "x@example.com", "password": "x"},
                            headers={"X-CSRFToken": token, "Referer": url + "/"}, timeout=60).status_code

    with ThreadPoolExecutor(n) as pool:
        answers = list(pool.map(one, range(n)))
    return answers


@pytest.fixture
def redis_counter(settings, redis_url):
    caches = dict(settings.CACHES)
    caches["throttle"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
                          "KEY_PREFIX": "imogen-rate-test"}
    settings.CACHES = caches
    from django.core.cache import caches as handler

    handler["throttle"].clear()
    return redis_url


@pytest.mark.parametrize("counter", ["database", "redis"])
def test_concurrent_attempts_do_not_pass_the_limit(live_server, rates, counter, request):
    if counter == "redis":
        request.getfixturevalue("redis_counter")
    rates("login", "10/hour")
    answers = burst(live_server.url, 24, 10)
    assert answers.count(400) == 10 and answers.count(429) == 14, answers


def test_refused_requests_are_not_counted_and_the_wait_is_honest(rates):
    from core.throttling import hit

    rates("login", "2/minute")
    now = 1_000_000 * 60.0  # the start of a window
    assert hit("t:a", "2/minute", now) is None
    assert hit("t:a", "2/minute", now + 1) is None
    wait = hit("t:a", "2/minute", now + 2)
    # The window ends in 58 s, and its two requests weigh enough for 30 s more (a sliding window).
    assert 85 <= wait <= 90
    for _ in range(5):
        hit("t:a", "2/minute", now + 3)  # refused, not counted
    # Half-way through the next window the two earlier requests weigh 1: one more fits, a second does not.
    assert hit("t:a", "2/minute", now + 90) is None
    assert hit("t:a", "2/minute", now + 91) is not None
    assert hit("t:b", "2/minute", now + 2) is None  # another client has its own budget


def test_an_unreachable_redis_falls_back_to_the_database_counter(rates, settings):
    from core.throttling import hit
    from tests.conftest import free_port

    caches = dict(settings.CACHES)
    caches["throttle"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
                          "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}
    settings.CACHES = caches
    assert hit("t:c", "1/minute") is None
    assert hit("t:c", "1/minute") is not None
