"""Item 10: deleting a creation deletes every file made for it (the job's preview and the uploaded originals), so
their links answer 404; and "delete my account" removes the account with all its work and files."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.utils import timezone

from gallery.models import Creation, Like
from styletransfer.models import StyleTransferJob
from tests.conftest import HttpClient
from tests.factories import PASSWORD, make_creation, make_style_job, make_text2image_job, make_user, stored_jpeg
from text2image.models import TextToImageJob

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def style_job_with_uploads(owner):
    job = make_style_job(owner=owner)
    job.content_image.name = stored_jpeg("style/uploads")
    job.style_image.name = stored_jpeg("style/uploads")
    job.save()
    return job


def files_of(job):
    return [job.preview.name, job.content_image.name, job.style_image.name, job.result.image.name,
            job.result.thumbnail.name]


def test_deleting_a_creation_takes_its_preview_and_uploads_with_it(live_server):
    owner = make_user("owner@example.com")
    job = style_job_with_uploads(owner)
    job.result.published_at = timezone.now()
    job.result.save()
    names = files_of(job)
    visitor = HttpClient(live_server.url)
    for name in names:
        assert visitor.get(f"/media/{name}").status_code == 200, name
    mine = log_in(HttpClient(live_server.url), "owner@example.com", PASSWORD)
    assert mine.get(f"/api/style-transfer/jobs/{job.pk}/").json()["preview_url"]
    assert mine.delete(f"/api/creations/{job.result.pk}/").status_code == 204
    for name in names:
        assert visitor.get(f"/media/{name}").status_code == 404, name
        assert not default_storage.exists(name), name
    assert mine.get(f"/api/style-transfer/jobs/{job.pk}/").status_code == 404
    assert not StyleTransferJob.objects.filter(pk=job.pk).exists()
    visitor.close()
    mine.close()


def test_delete_my_account_removes_all_its_work_and_files(live_server):
    user = make_user("leaving@example.com", "Leaving")
    other = make_user("stays@example.com", "Stays")
    theirs = make_creation(owner=other, published_at=timezone.now())
    Like.objects.create(user=user, creation=theirs)
    theirs.refresh_like_count()
    job = style_job_with_uploads(user)
    shared = make_creation(owner=user, published_at=timezone.now(), title="Shared")
    drawn = make_text2image_job(owner=user)
    names = files_of(job) + [shared.image.name, shared.thumbnail.name]
    keep = [theirs.image.name]
    browser = log_in(HttpClient(live_server.url), "leaving@example.com", PASSWORD)
    page = browser.get("/accounts/")
    assert "/accounts/delete/" in page.text
    form = browser.get("/accounts/delete/")
    assert "3 pictures" in form.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    wrong = browser.post("/accounts/delete/", data={"password": "not-it", "csrfmiddlewaretoken": token})
    assert wrong.status_code == 200 and "not the password" in wrong.text
    assert get_user_model().objects.filter(pk=user.pk).exists()
    done = browser.post("/accounts/delete/", data={"password": PASSWORD, "csrfmiddlewaretoken": token})
    assert done.status_code == 200 and done.url.rstrip("/") == live_server.url
    assert "deleted" in done.text
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Creation.objects.filter(owner_id=user.pk).exists()
    assert not StyleTransferJob.objects.filter(pk=job.pk).exists()
    assert not TextToImageJob.objects.filter(pk=drawn.pk).exists()
    for name in names:
        assert not default_storage.exists(name), name
        assert browser.get(f"/media/{name}").status_code == 404, name
    assert all(default_storage.exists(name) for name in keep)
    assert Creation.objects.get(pk=theirs.pk).like_count == 0, "the deleted account's like no longer counts"
    assert browser.get("/api/accounts/me/").json()["authenticated"] is False
    again = browser.post("/api/accounts/login/", json={"email": "leaving@example.com", "password": PASSWORD})
    assert again.status_code == 400
    browser.close()
