"""Who is asking, and how often: the one client-address helper and the counter behind every rate limit.

- `client_ip(request)`: the visitor's address. The socket's address (REMOTE_ADDR) unless
  `IMOGEN_TRUSTED_PROXIES` = N > 0 proxies stand in front, in which case the address the outermost trusted proxy
  saw: N entries from the right of `X-Forwarded-For` (what visitors put to the left of it is never trusted).
- `client_key(request)`: the same, with IPv6 addresses grouped by their /64 (one household or one server).
- `client_identities(request)`: every budget a request counts against: its client (`client_of`: a confirmed account
  is its own client, an unconfirmed account or an anonymous session counts as its address), its account and its
  session. Limits that hold "per client" count all of them, so new cookies or new accounts gain nothing.
- `hit(key, rate, cost=1)`: count one request (or `cost` units of work) against a rate such as "20/hour"; None
  when allowed, else the seconds to wait. `hit_all(keys, rate, cost)`: the same against several budgets at once. An atomic counter (Redis INCR through the `throttle` cache where Redis is present; a serialized
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
from django.db import connections, router, transaction
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


# Whether a signed-in account is a client of its own (the accounts app registers "its address is confirmed"): core
# imports no feature, and an unconfirmed account costs nothing to make, so until then it counts as its address.
_account_is_confirmed = None


def count_accounts_alone_when(check):
    """Register `check(user) -> bool`: which accounts `client_of` counts as a client of their own."""
    global _account_is_confirmed
    _account_is_confirmed = check


def client_of(user, address, session_key=""):
    """The one client a job or a request belongs to, for fairness and per-client limits: `user:<pk>` for a
    confirmed account, else `ip:<address>` (an IPv4 address or IPv6 /64, `client_key`), else the session."""
    if user is not None and getattr(user, "is_authenticated", False) and _account_is_confirmed is not None \
            and _account_is_confirmed(user):
        return f"user:{user.pk}"
    if address:
        return f"ip:{address}"
    return f"session:{session_key}"


def client_identities(request):
    """The budgets this request counts against: its client, its account and its browser session (no repeats)."""
    user = getattr(request, "user", None)
    session = getattr(getattr(request, "session", None), "session_key", None) or ""
    keys = [client_of(user, client_key(request), session)]
    if user is not None and user.is_authenticated:
        keys.append(f"user:{user.pk}")
    if session:
        keys.append(f"session:{session}")
    return list(dict.fromkeys(keys))


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


def _add(cache, key, amount, timeout):
    """Atomically add `amount` to the counter `key` (created with `timeout` seconds to live); returns the new value."""
    if _is_redis(cache):
        cache.add(key, 0, timeout)  # SET NX EX
        try:
            return cache.incr(key, amount)  # INCRBY keeps the expiry
        except ValueError:  # expired between the two calls
            cache.add(key, 0, timeout)
            return cache.incr(key, amount)
    # Database (or local-memory) cache: read and write in one transaction. On SQLite (immediate transactions)
    # that serialises the writers; on PostgreSQL use Redis for exact counts under concurrency.
    with transaction.atomic(using=_database_of(cache)):
        value = (cache.get(key) or 0) + amount
        cache.set(key, value, timeout)
    return value


def _take_back(cache, key, amount, timeout):
    """Un-count a refused request (so that a client that waits as told gets in)."""
    try:
        if _is_redis(cache):
            cache.decr(key, amount)
            return
        with transaction.atomic(using=_database_of(cache)):
            value = cache.get(key)
            if value:
                cache.set(key, max(0, value - amount), timeout)
    except Exception:
        log.exception("Could not take back a refused request from %s", key)


class _Count:
    """One counted request in one key's window, so that it can be taken back (refused elsewhere)."""

    def __init__(self, key, period, now):
        window = int(now // period)
        self.elapsed = now - window * period
        self.key = f"rate:{key}:{period}:{window}"
        self.previous_key = f"rate:{key}:{period}:{window - 1}"
        self.timeout = 2 * period + 5
        self.cache = _counter_cache()

    def add(self, amount):
        """(this window's count with `amount`, the previous window's count)."""
        try:
            return _add(self.cache, self.key, amount, self.timeout), self.cache.get(self.previous_key) or 0
        except Exception as exc:
            if self.cache is caches["default"]:
                raise
            log.warning("Throttle cache unavailable (%s); counting in the default cache", exc)
            self.cache = caches["default"]
            return _add(self.cache, self.key, amount, self.timeout), self.cache.get(self.previous_key) or 0

    def take_back(self, amount):
        _take_back(self.cache, self.key, amount, self.timeout)


def _count(key, limit, cost, now):
    """Count `cost` for `key`; (the _Count, None) when within the limit, else (None, seconds to wait), uncounted."""
    count, period = limit
    counted = _Count(key, period, now)
    current, previous = counted.add(cost)
    weight = 1 - counted.elapsed / period
    if current + previous * weight <= count:
        return counted, None
    counted.take_back(cost)
    return None, _wait_seconds(count, period, counted.elapsed, current - cost, previous, cost)


def hit(key, rate, now=None, cost=1):
    """Count one request (`cost` units of it) for `key` under `rate`. None when it is allowed, else whole seconds
    until it would be.

    Refused requests are not counted, so a client that waits as told gets in. Never raises for cache trouble:
    when the throttle cache (Redis) is unreachable the database cache counts instead.
    """
    return hit_all([key], rate, now=now, cost=cost)


def hit_all(keys, rate, now=None, cost=1):
    """`hit` for several budgets at once (a client, its account, its session): allowed only when every one has
    room; a refusal counts against none of them. `cost` (whole units, at least 1) is what this request weighs: a
    costlier request uses more of the rate. A cost above the whole rate counts as the whole rate, so the largest
    request still fits into an unused budget."""
    limit = parse_rate(rate)
    if limit is None:
        return None
    cost = max(1, min(int(math.ceil(cost)), limit[0]))
    now = time.time() if now is None else now
    counted = []
    for key in keys:
        done, wait = _count(key, limit, cost, now)
        if wait is not None:
            for earlier in counted:
                earlier.take_back(cost)
            return wait
        counted.append(done)
    return None


def _wait_seconds(count, period, elapsed, current, previous, cost=1):
    """Seconds until `cost` more fits: the previous window's weight shrinks, then this window's does."""
    if current + cost <= count and previous:
        # previous * (1 - (elapsed + t) / period) + current + cost <= count
        t = period * (1 - (count - current - cost) / previous) - elapsed
        return max(1, math.ceil(t))
    # This window alone is full: wait for it to end, then for its weight to shrink enough in the next one.
    t = (period - elapsed) + (period * (1 - (count - cost) / current) if current else 0)
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

    def identities(self, request):
        return [self.identity(request)]

    def allow_request(self, request, view):
        scope = self.get_scope(view)
        if not scope:
            return True
        self._wait = hit_all([f"{scope}:{self.action}:{key}" for key in self.identities(request)], rate_for(scope))
        return self._wait is None

    def wait(self):
        return self._wait


class ScopedRateThrottle(RateThrottle):
    """Like DRF's ScopedRateThrottle: the rate named by the view's `throttle_scope`."""

    def get_scope(self, view):
        return self.scope or getattr(view, "throttle_scope", None)


class ClientRateThrottle(ScopedRateThrottle):
    """The view's `throttle_scope` rate per client, per account and per session at once (`client_identities`):
    neither new cookies nor new unconfirmed accounts from one address get a new budget."""

    def identities(self, request):
        return client_identities(request)


def charge_work(request, scope, cost):
    """Count `cost` units of work against `scope`'s rate for every budget of this request (`client_identities`).
    None when it fits, else the seconds to wait."""
    return hit_all([f"{scope}::{key}" for key in client_identities(request)], rate_for(scope), cost=cost)


def lock_client(client, using="default"):
    """Serialise, until the surrounding transaction ends, whatever counts-then-writes for one client or one name
    (queue caps and turns, a recipient's mail budget). PostgreSQL: a transaction-scoped advisory lock on the client's name. SQLite needs none: its immediate
    transactions already let one writer in at a time."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"imogen-client:{client}"])
