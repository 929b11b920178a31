"""Who is asking, and how often: the one client-address helper and the counter behind every rate limit.

- `client_ip(request)`: the visitor's address. The socket's address (REMOTE_ADDR) unless
  `IMOGEN_TRUSTED_PROXIES` = N > 0 proxies stand in front, in which case the address the outermost trusted proxy
  saw: N entries from the right of `X-Forwarded-For` (what visitors put to the left of it is never trusted).
- `client_key(request)`: the same, with IPv6 addresses grouped by their /64 (one household or one server).
- `hit(key, rate)`: count one request against a rate such as "20/hour"; None when allowed, else the seconds to
  wait. An atomic counter (Redis INCR through the `throttle` cache where Redis is present; a serialized
  read-and-write in the database cache otherwise) in a sliding window (the previous window's count, weighted by how
  much of it still overlaps, plus this window's).
- `RateThrottle` / `ScopedRateThrottle` / `LoginRateThrottle`: DRF throttles on top of `hit`.
- `check_rate(request, scope, action)`: the same for plain Django views (log-in page, sign-up, password reset,
  admin log-in).

Rates are read from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at call time (tests and settings overrides apply at
once). docs/security.md lists every limit and its setting.
"""
import ipaddress
import logging
import math
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.db import router, transaction
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

log = logging.getLogger(__name__)

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
           "d": 86400, "day": 86400}
CACHE_ALIAS = "throttle"


def client_ip(request):
    """The visitor's IP address as a string ("" if unknown). Accepts a Django or a DRF request."""
    request = getattr(request, "_request", request)
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.IMOGEN_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [item for item in forwarded if item]
        if forwarded:
            candidate = forwarded[-min(proxies, len(forwarded))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                log.warning("Unusable X-Forwarded-For entry %r; counting the proxy's address", candidate[:60])
    return remote


def client_key(request):
    """The identity a rate limit counts for an anonymous client: its IPv4 address, or its IPv6 /64."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def parse_rate(rate):
    """'20/hour' → (20, 3600); '5/10m' → (5, 600). None or '' or a count of 0 → None (no limit)."""
    if not rate:
        return None
    count, _sep, period = str(rate).partition("/")
    count = int(count)
    if count <= 0:
        return None
    match = re.match(r"^(\d*)\s*([a-z]+?)s?$", period.strip().lower() or "hour")
    if not match or match.group(2) not in PERIODS:
        raise ValueError(f"bad rate {rate!r}: use N/second|minute|hour|day")
    return count, int(match.group(1) or 1) * PERIODS[match.group(2)]


def _counter_cache():
    return caches[CACHE_ALIAS] if CACHE_ALIAS in settings.CACHES else caches["default"]


def _is_redis(cache):
    return type(cache).__module__.startswith("django.core.cache.backends.redis")


def _database_of(cache):
    model = getattr(cache, "cache_model_class", None)  # the database cache's table
    return router.db_for_write(model) if model is not None else "default"


def _add_one(cache, key, timeout):
    """Atomically add 1 to the counter `key` (created with `timeout` seconds to live); returns the new value."""
    if _is_redis(cache):
        cache.add(key, 0, timeout)  # SET NX EX
        try:
            return cache.incr(key)  # INCR keeps the expiry
        except ValueError:  # expired between the two calls
            cache.add(key, 0, timeout)
            return cache.incr(key)
    # Database (or local-memory) cache: read and write in one transaction. On SQLite (immediate transactions)
    # that serialises the writers; on PostgreSQL use Redis for exact counts under concurrency.
    with transaction.atomic(using=_database_of(cache)):
        value = (cache.get(key) or 0) + 1
        cache.set(key, value, timeout)
    return value


def _take_back(cache, key, timeout):
    """Un-count a refused request (so that a client that waits as told gets in)."""
    try:
        if _is_redis(cache):
            cache.decr(key)
            return
        with transaction.atomic(using=_database_of(cache)):
            value = cache.get(key)
            if value:
                cache.set(key, value - 1, timeout)
    except Exception:
        log.exception("Could not take back a refused request from %s", key)


def hit(key, rate, now=None):
    """Count one request for `key` under `rate`. None when it is allowed, else whole seconds until it would be.

    Refused requests are not counted, so a client that waits as told gets in. Never raises for cache trouble:
    when the throttle cache (Redis) is unreachable the database cache counts instead.
    """
    limit = parse_rate(rate)
    if limit is None:
        return None
    count, period = limit
    now = time.time() if now is None else now
    window = int(now // period)
    elapsed = now - window * period
    current_key = f"rate:{key}:{period}:{window}"
    previous_key = f"rate:{key}:{period}:{window - 1}"
    cache = _counter_cache()
    try:
        current = _add_one(cache, current_key, 2 * period + 5)
        previous = cache.get(previous_key) or 0
    except Exception as exc:
        if cache is caches["default"]:
            raise
        log.warning("Throttle cache unavailable (%s); counting in the default cache", exc)
        cache = caches["default"]
        current = _add_one(cache, current_key, 2 * period + 5)
        previous = cache.get(previous_key) or 0
    weight = 1 - elapsed / period
    if current + previous * weight <= count:
        return None
    _take_back(cache, current_key, 2 * period + 5)
    return _wait_seconds(count, period, elapsed, current - 1, previous)


def _wait_seconds(count, period, elapsed, current, previous):
    """Seconds until one more request fits: the previous window's weight shrinks, then this window's does."""
    if current + 1 <= count and previous:
        # previous * (1 - (elapsed + t) / period) + current + 1 <= count
        t = period * (1 - (count - current - 1) / previous) - elapsed
        return max(1, math.ceil(t))
    # This window alone is full: wait for it to end, then for its weight to shrink enough in the next one.
    t = (period - elapsed) + (period * (1 - (count - 1) / current) if current else 0)
    return max(1, math.ceil(t))


def rate_for(scope):
    return api_settings.DEFAULT_THROTTLE_RATES.get(scope)


def check_rate(request, scope, action=""):
    """For plain Django views: None if allowed, else the seconds to wait. Counts per client address."""
    return hit(f"{scope}:{action}:ip:{client_key(request)}", rate_for(scope))  # the key RateThrottle uses


class RateThrottle(BaseThrottle):
    """A DRF throttle counting `scope`'s rate per account (signed in) or per client address (anonymous)."""

    scope = None
    action = ""
    per_account = True

    def __init__(self, scope=None, action=None):
        if scope:
            self.scope = scope
        if action is not None:
            self.action = action
        self._wait = None

    def get_ident(self, request):
        return client_key(request)

    def get_scope(self, view):
        return self.scope

    def identity(self, request):
        user = getattr(request, "user", None)
        if self.per_account and user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{self.get_ident(request)}"

    def allow_request(self, request, view):
        scope = self.get_scope(view)
        if not scope:
            return True
        self._wait = hit(f"{scope}:{self.action}:{self.identity(request)}", rate_for(scope))
        return self._wait is None

    def wait(self):
        return self._wait


class ScopedRateThrottle(RateThrottle):
    """Like DRF's ScopedRateThrottle: the rate named by the view's `throttle_scope`."""

    def get_scope(self, view):
        return self.scope or getattr(view, "throttle_scope", None)
