"""Clients of the live server that each come from their own loopback address (127.x.y.z), so the server tells
them apart by the socket's address (REMOTE_ADDR) as it would tell apart visitors, not by a forwarded header."""
from requests.adapters import HTTPAdapter

from tests.conftest import HttpClient


class SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class LoopbackClient(HttpClient):
    """An HttpClient (CSRF like a browser) whose connections leave from `source`, e.g. "127.0.0.2"."""

    def __init__(self, base_url, source):
        super().__init__(base_url)
        self.source = source
        adapter = SourceAddressAdapter(source)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
