import itertools

import pytest
from django.test import Client

TINY = {"width": "48", "height": "32", "preset": "preview"}
URL = "/api/style-transfer/jobs/"


_addresses = itertools.count(1)


class Visitor:
    """One browser (its own session, from its own address: the queue serves addresses in turn) submitting and
    following style jobs through the API."""

    def __init__(self, name, client=None):
        self.name = name
        n = next(_addresses)
        self.client = client or Client(REMOTE_ADDR=f"127.1.{n // 256 % 256}.{n % 256}")
        self.jobs = []

    def submit(self, **extra):
        data = {"content_sample": "content-01", "style_sample": "style-01", **TINY, **extra}
        response = self.client.post(URL, data)
        assert response.status_code == 202, response.content
        self.jobs.append(response.json()["id"])
        return response.json()["id"]

    def get(self, job_id):
        return self.client.get(f"{URL}{job_id}/").json()


@pytest.fixture
def visitors(db):
    return lambda *names: [Visitor(n) for n in names]
