import io

import pytest
from django.utils import timezone
from PIL import Image

from core.models import EchoJob, JobStatus
from core.retention import purge
from gallery.models import Creation

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_oversized_request_is_refused_before_reading_the_body(client, settings):
    settings.IMOGEN_MAX_REQUEST_BYTES = 1000
    response = client.generic("POST", "/api/uploads/inspect/", b"x" * 5000, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def make_creation(age_days, **fields):
    creation = Creation.objects.create_from_image(Image.new("RGB", (32, 32), "red"), kind="edit", **fields)
    Creation.objects.filter(pk=creation.pk).update(created_at=timezone.now() - timezone.timedelta(days=age_days))
    return Creation.objects.get(pk=creation.pk)


def test_retention_deletes_old_anonymous_work_and_keeps_the_rest(django_user_model):
    user = django_user_model.objects.create_user("a@example.com", "a@example.com", "pw-123456789")
    old_anonymous = make_creation(10, session_key="s1")
    recent_anonymous = make_creation(1, session_key="s1")
    old_account = make_creation(10, owner=user)
    old_published = make_creation(10, session_key="s2")
    Creation.objects.filter(pk=old_published.pk).update(published_at=timezone.now())
    old_job = EchoJob.objects.create(status=JobStatus.SUCCEEDED, created_at=timezone.now() - timezone.timedelta(days=9))
    running_job = EchoJob.objects.create(status=JobStatus.RUNNING, created_at=timezone.now() - timezone.timedelta(days=9))
    image_path = old_anonymous.image.path

    counts = purge(days=7)

    assert counts == {"creations": 1, "jobs": 1}
    remaining = set(Creation.objects.values_list("pk", flat=True))
    assert remaining == {recent_anonymous.pk, old_account.pk, old_published.pk}
    assert not EchoJob.objects.filter(pk=old_job.pk).exists()
    assert EchoJob.objects.filter(pk=running_job.pk).exists()
    import os

    assert not os.path.exists(image_path), "the image file is deleted with its creation"


def test_retention_can_include_accounts_when_asked(django_user_model):
    user = django_user_model.objects.create_user("b@example.com", "b@example.com", "pw-123456789")
    make_creation(10, owner=user)
    assert purge(days=7, include_accounts=True)["creations"] == 1


def test_thumbnail_is_generated_once_as_a_file():
    creation = make_creation(0, session_key="s")
    thumb = Image.open(io.BytesIO(creation.thumbnail.read()))
    assert max(thumb.size) <= 480 and thumb.format == "JPEG"
