"""Every outbound call to a provider (its API, and the links it answers with) without becoming a proxy into the
server's own network (SSRF) or being held by a server that never ends its answer.

`request(method, url, origin=...)`, for a provider's own API: only the configured origin (scheme, host, port); a
redirect elsewhere is refused, and only a GET follows one (a POST's body is never sent on); the whole answer at
most `max_bytes`, within `timeout` seconds in all (headers included: a server trickling a byte at a time meets
the deadline); the job's stop check (`stop_check`, set by core.jobs: cancel, time limit, stall) runs a few times
a second while it waits, and cuts the connection.

`fetch(url, trusted_origin=..., allowed_hosts=...)`:
- only http and https;
- only the trusted origin's host (the provider's configured URL) or a host in `allowed_hosts` (exact names or
  `*.example.com`);
- every address the host resolves to must be public (no loopback, private, link-local, shared, multicast or
  reserved address), checked on the address actually connected to (a DNS answer that changes between the check and
  the connection cannot slip through). Only the configured origin itself (scheme, host and port of the provider
  URL that the administrator set, e.g. a local ComfyUI) is exempt: it is trusted, the links it answers with are not;
- redirects are followed (at most `max_redirects`) only to the same host, and checked again;
- at most `max_bytes` are read, within `timeout` seconds in all, the stop check as above;
- no proxies from the environment.

Every refusal or failure raises `FetchError`, whose text is for the log; callers show users one generic message,
so an answer never tells an open port from a closed one.
"""
import contextlib
import contextvars
import ipaddress
import json
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

import certifi
import requests
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection

REDIRECTS = {301, 302, 303, 307, 308}
BLOCK = 64 * 1024
STOP_EVERY = 0.25  # seconds between the deadline and stop checks of a call that is waiting


class FetchError(Exception):
    """Refused or failed; `status` is the HTTP status when the server answered with a non-200 code."""

    def __init__(self, message, status=None, reason="failed"):
        super().__init__(message)
        self.status = status
        self.reason = reason  # failed (unreachable, cut), timeout, too_big or refused (origin, redirect)


def _origin(url):
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower().rstrip("."), port


def host_allowed(host, trusted_host, allowed_hosts):
    if host and host == trusted_host:
        return True
    for pattern in allowed_hosts:
        pattern = pattern.strip().lower().rstrip(".")
        if not pattern:
            continue
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def public_address(address):
    """True for an address on the public internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def checked_address(host, port):
    """The address to connect to: every address `host` resolves to must be public, else FetchError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    addresses = [info[4][0] for info in infos]
    refused = [a for a in addresses if not public_address(a)]
    if not addresses or refused:
        raise FetchError(f"{host} resolves to a non-public address {refused or addresses}")
    return addresses[0]


class _PublicOnly:
    """Mixin for urllib3 connections: resolve and check the host, then connect to the checked address."""

    def _new_conn(self):
        self._dns_host = checked_address(self._dns_host, self.port)
        return super()._new_conn()


class _PublicHTTPConnection(_PublicOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicOnly, HTTPSConnection):
    pass


class _Pool:
    """Pool mixin that remembers its connections, so that another thread can cut one while it waits."""

    def _new_conn(self):
        conn = super()._new_conn()
        self.made.append(conn)
        return conn

    def cut(self):
        for conn in self.made:
            sock = getattr(conn, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self.close()


class _HTTPPool(_Pool, urllib3.HTTPConnectionPool):
    pass


class _HTTPSPool(_Pool, urllib3.HTTPSConnectionPool):
    pass


def _pool(scheme, host, port, timeout, check_addresses):
    # A read may wait as long as the whole call: the calling thread enforces the deadline and cuts the socket.
    timeouts = urllib3.Timeout(connect=min(10.0, timeout), read=timeout)
    if scheme == "https":
        pool = _HTTPSPool(host, port, timeout=timeouts, retries=False, maxsize=1, cert_reqs="CERT_REQUIRED",
                          ca_certs=certifi.where())
        if check_addresses:
            pool.ConnectionCls = _PublicHTTPSConnection
    else:
        pool = _HTTPPool(host, port, timeout=timeouts, retries=False, maxsize=1)
        if check_addresses:
            pool.ConnectionCls = _PublicHTTPConnection
    pool.made = []
    return pool


# --- stopping a call from outside: the job's cancel, time limit or stall (core.jobs sets the check) -----------
_stop_check = contextvars.ContextVar("imogen_fetch_stop_check", default=None)


@contextlib.contextmanager
def stop_check(check):
    """While inside, every call checks `check()` (which raises to stop) a few times a second."""
    token = _stop_check.set(check)
    try:
        yield
    finally:
        _stop_check.reset(token)


@dataclass
class Answer:
    status: int
    headers: object  # urllib3's HTTPHeaderDict
    body: bytes

    @property
    def status_code(self):  # the name requests uses, which the providers' error readers expect
        return self.status

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        """The decoded body (ValueError when it is not JSON)."""
        return json.loads(self.body)


def _exchange(pool, method, path, *, body, headers, max_bytes, deadline, timeout, check, host):
    """One request and its whole (capped) answer, waited for in this thread while another one does the I/O: a
    server that trickles its headers or body meets the deadline, and `check` stops it between waits."""
    outcome, done = {}, threading.Event()

    def talk():
        try:
            response = pool.urlopen(method, path, body=body, headers=headers, redirect=False, preload_content=False,
                                    assert_same_host=False, release_conn=False, retries=False)
            try:
                answer = Answer(response.status, response.headers, b"")  # headers: case-insensitive
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"{host} announced {declared} bytes, more than {max_bytes}", reason="too_big")
                chunks, size = [], 0
                while not done.is_set() and response.status not in REDIRECTS:
                    block = response.read1(BLOCK)  # what has arrived, so the loop comes round often
                    if not block:
                        break
                    size += len(block)
                    if size > max_bytes:
                        raise FetchError(f"{host} sent more than {max_bytes} bytes", reason="too_big")
                    chunks.append(block)
                answer.body = b"".join(chunks)
                outcome["answer"] = answer
            finally:
                response.release_conn()
        except FetchError as exc:
            outcome["error"] = exc
        except urllib3.exceptions.ReadTimeoutError:  # its read timeout is the rest of the deadline
            outcome["error"] = FetchError(f"{host} took longer than {timeout:g} s", reason="timeout")
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            outcome["error"] = FetchError(f"{host}: {exc}")
        finally:
            done.set()

    worker = threading.Thread(target=talk, daemon=True, name=f"fetch-{host}")
    worker.start()
    try:
        while not done.wait(STOP_EVERY):
            if check is not None:
                check()  # raises: the job was canceled or ran out of time
            if time.monotonic() > deadline:
                raise FetchError(f"{host} took longer than {timeout:g} s", reason="timeout")
    except BaseException:
        done.set()
        pool.cut()  # the talking thread's socket closes, so it ends at once
        raise
    finally:
        if done.is_set() and "answer" not in outcome:
            pool.cut()
    worker.join(1.0)
    pool.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["answer"]


def request(method, url, *, origin, body=None, json_body=None, headers=None, params=None, max_bytes, timeout,
            max_redirects=3, stop=None):
    """A call to a provider's own API at `origin` (its configured base URL) under the rules of the module doc, for
    every status: an `Answer` with the whole body; FetchError when refused, cut off or failed.

    Only that origin (scheme, host and port): a redirect to anywhere else is refused, and a redirect is followed
    only for GET (a POST is never sent again, to anyone). `stop=False`: no stop check (cleanup calls that must go
    out after a cancel)."""
    deadline = time.monotonic() + timeout
    check = None if stop is False else (stop or _stop_check.get())
    home = _origin(origin)
    headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers.setdefault("Content-Type", "application/json")
    if params:
        url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
    current = url
    for _hop in range(max_redirects + 1):
        if not isinstance(current, str) or len(current) > 8192:
            raise FetchError("not a usable URL")
        if _origin(current) != home:
            raise FetchError(f"not the provider's own address: {current[:200]}", reason="refused")
        scheme, host, port = home
        parts = urlsplit(current)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pool = _pool(scheme, host, port, max(0.1, deadline - time.monotonic()), False)
        answer = _exchange(pool, method, path, body=body, headers=headers, max_bytes=max_bytes, deadline=deadline,
                           timeout=timeout, check=check, host=host)
        if answer.status not in REDIRECTS:
            return answer
        following = urljoin(current, answer.headers.get("Location", ""))
        if method.upper() not in ("GET", "HEAD"):
            raise FetchError(f"{host} answered {method} with a redirect to {following[:200]}; not sent again",
                             reason="refused")
        if _origin(following) != home:
            raise FetchError(f"redirect to another origin refused: {following[:200]}", reason="refused")
        current = following
    raise FetchError(f"more than {max_redirects} redirects")


def fetch(url, *, trusted_origin, allowed_hosts=(), max_bytes=32 * 1024 * 1024, timeout=30.0, max_redirects=3,
          headers=None, stop=None):
    """The body of `url` (status 200), fetched under the rules above; FetchError otherwise."""
    deadline = time.monotonic() + timeout
    check = None if stop is False else (stop or _stop_check.get())
    trusted = _origin(trusted_origin) if trusted_origin else None
    current = url
    for _hop in range(max_redirects + 1):
        if not isinstance(current, str) or len(current) > 4096:
            raise FetchError("not a usable URL")
        scheme, host, port = _origin(current)
        if scheme not in ("http", "https") or not host:
            raise FetchError(f"scheme or host refused: {current[:200]}")
        if not host_allowed(host, trusted[1] if trusted else "", allowed_hosts):
            raise FetchError(f"host {host} is not the provider's own or a configured image host")
        parts = urlsplit(current)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pool = _pool(scheme, host, port, max(0.1, deadline - time.monotonic()), (scheme, host, port) != trusted)
        answer = _exchange(pool, "GET", path, body=None, headers=headers or {}, max_bytes=max_bytes,
                           deadline=deadline, timeout=timeout, check=check, host=host)
        if answer.status in REDIRECTS:
            following = urljoin(current, answer.headers.get("Location", ""))
            if _origin(following)[1] != host:
                raise FetchError(f"redirect to another host refused: {following[:200]}")
            current = following
            continue
        if answer.status != 200:
            raise FetchError(f"{host} answered HTTP {answer.status}", status=answer.status)
        return answer.body
    raise FetchError(f"more than {max_redirects} redirects")


class FetchAdapter(requests.adapters.BaseAdapter):
    """A `requests` transport that sends through `request()` under its rules, for client libraries built on
    requests (mount it on their session for http:// and https://)."""

    def __init__(self, origin, *, max_bytes, timeout):
        super().__init__()
        self.origin, self.max_bytes, self.timeout = origin, max_bytes, timeout

    def send(self, prepared, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        try:
            answer = request(prepared.method, prepared.url, origin=self.origin, body=body,
                             headers=dict(prepared.headers), max_bytes=self.max_bytes, timeout=self.timeout)
        except FetchError as exc:
            kind = requests.Timeout if exc.reason == "timeout" else requests.ConnectionError
            raise kind(str(exc), request=prepared) from None
        response = requests.Response()
        response.status_code, response.reason, response.url = answer.status, "", prepared.url
        response.headers = requests.structures.CaseInsensitiveDict(answer.headers)
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response._content, response.request = answer.body, prepared
        return response

    def close(self):
        pass
