"""Fetching a URL that someone else chose (an image link in a provider's answer) without becoming a proxy into
the server's own network (SSRF).

`fetch(url, trusted_origin=..., allowed_hosts=...)`:
- only http and https;
- only the trusted origin's host (the provider's configured URL) or a host in `allowed_hosts` (exact names or
  `*.example.com`);
- every address the host resolves to must be public (no loopback, private, link-local, shared, multicast or
  reserved address), checked on the address actually connected to (a DNS answer that changes between the check and
  the connection cannot slip through). Only the configured origin itself (scheme, host and port of the provider
  URL that the administrator set, e.g. a local ComfyUI) is exempt: it is trusted, the links it answers with are not;
- redirects are followed (at most `max_redirects`) only to the same host, and checked again;
- at most `max_bytes` are read, within `timeout` seconds in all;
- no proxies from the environment.

Every refusal or failure raises `FetchError`, whose text is for the log; callers show users one generic message,
so an answer never tells an open port from a closed one.
"""
import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection

REDIRECTS = {301, 302, 303, 307, 308}
BLOCK = 64 * 1024


class FetchError(Exception):
    """Refused or failed; `status` is the HTTP status when the server answered with a non-200 code."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


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


def _pool(scheme, host, port, timeout, check_addresses):
    timeouts = urllib3.Timeout(connect=min(10.0, timeout), read=min(10.0, timeout))
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(host, port, timeout=timeouts, retries=False, maxsize=1,
                                           cert_reqs="CERT_REQUIRED", ca_certs=certifi.where())
        if check_addresses:
            pool.ConnectionCls = _PublicHTTPSConnection
    else:
        pool = urllib3.HTTPConnectionPool(host, port, timeout=timeouts, retries=False, maxsize=1)
        if check_addresses:
            pool.ConnectionCls = _PublicHTTPConnection
    return pool


def fetch(url, *, trusted_origin, allowed_hosts=(), max_bytes=32 * 1024 * 1024, timeout=30.0, max_redirects=3,
          headers=None):
    """The body of `url` (status 200), fetched under the rules above; FetchError otherwise."""
    deadline = time.monotonic() + timeout
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
        try:
            response = pool.urlopen("GET", path, headers=headers or {}, redirect=False, preload_content=False,
                                    assert_same_host=False, release_conn=False)
        except FetchError:
            pool.close()
            raise
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            pool.close()
            raise FetchError(f"{host}: {exc}") from None
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location", "")
                following = urljoin(current, location)
                if _origin(following)[1] != host:
                    raise FetchError(f"redirect to another host refused: {following[:200]}")
                current = following
                continue
            if response.status != 200:
                raise FetchError(f"{host} answered HTTP {response.status}", status=response.status)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{host} announced {declared} bytes, more than {max_bytes}")
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"{host} took longer than {timeout:g} s")
                try:
                    block = response.read1(BLOCK)  # what has arrived: a slow sender meets the deadline
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    raise FetchError(f"{host}: {exc}") from None
                if not block:
                    return b"".join(chunks)
                size += len(block)
                if size > max_bytes:
                    raise FetchError(f"{host} sent more than {max_bytes} bytes")
                chunks.append(block)
        finally:
            response.release_conn()
            pool.close()
    raise FetchError(f"more than {max_redirects} redirects")
