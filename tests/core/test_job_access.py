"""The one access rule: every job type answers 404 to anyone but its owner, on its API, page, preview, download
and cancel (sharing goes through the creation page). Four identities: anonymous, another browser session,
another account, the owner; the job made by an account or by an anonymous browser session."""
import pytest
from django.test import Client
from django.urls import reverse

from core.models import JobStatus
from tests.factories import JOB_FACTORIES, account_client, make_user, session_client

# job type -> (what, method, url name) for each of its routes
ROUTES = {
    "style transfer": [("API", "get", "styletransfer-job"), ("cancel", "post", "styletransfer-job-cancel"),
                       ("page", "get", "styletransfer:job"), ("preview", "get", "styletransfer:preview"),
                       ("download", "get", "styletransfer:download")],
    "text to image": [("API", "get", "text2image-job"), ("cancel", "post", "text2image-job-cancel"),
                      ("page", "get", "text2image:job"), ("preview", "get", "text2image-job-preview")],
    "email delivery": [("API", "get", "delivery")],
}
CASES = [(kind, *route) for kind, routes in ROUTES.items() for route in routes]
IDENTITIES = ["anonymous", "other session", "other account", "owner"]


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


def identity_client(identity, owner_client):
    if identity == "owner":
        return owner_client
    if identity == "other session":
        return session_client()[0]
    if identity == "other account":
        return account_client(make_user("other@example.com"))[0]
    return Client()


@pytest.mark.django_db
@pytest.mark.parametrize("made_by", ["account", "session"])
@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(("kind", "what", "method", "name"), CASES, ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_a_job_answers_only_its_owner(kind, what, method, name, identity, made_by):
    owner = make_user("owner@example.com") if made_by == "account" else None
    owner_client, key = account_client(owner) if owner else session_client()
    job = JOB_FACTORIES[kind](owner=owner, session_key=key, finished=what != "cancel")

    url = reverse(name, args=[job.pk])
    response = getattr(identity_client(identity, owner_client), method)(url)

    job.refresh_from_db()
    if identity == "owner":
        assert response.status_code == 200, response.content[:300]
        if what == "cancel":
            assert job.status == JobStatus.CANCELED
        if what == "preview":
            assert response["Content-Type"] == "image/jpeg"
        if what == "download":
            assert response["Content-Disposition"].startswith("attachment")
    else:
        assert response.status_code == 404, response.content[:300]
        # The page may echo the address the visitor typed (the language switch returns there); nothing else
        # of the job may show.
        body = response.content.decode(errors="replace").replace(f'value="{url}"', "")
        assert str(job.pk) not in body
        assert job.status != JobStatus.CANCELED
