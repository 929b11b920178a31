"""The fair queue knows no feature: the caps, their words, the progress convention and the ready mail's creation
come from the job model (FairQueued's hooks), so another job model can queue fairly as it is."""
import pytest
from django.utils import timezone

from core.models import JobStatus
from fairqueue import estimate
from fairqueue.models import FairQueued
from fairqueue.notify import send_ready_mail
from mailer.models import Delivery
from styletransfer.models import StyleTransferJob
from tests.factories import make_creation
from text2image.models import TextToImageJob

from .conftest import TINY, URL

pytestmark = pytest.mark.django_db
STYLE_CAPS = StyleTransferJob.cap_settings


def test_the_caps_and_their_words_are_the_models(settings, visitors, monkeypatch):
    settings.IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS = 1
    (a,) = visitors("a")
    a.submit()
    refused = a.client.post(URL, {"content_sample": "content-01", "style_sample": "style-01", **TINY})
    assert refused.status_code == 429 and "1 wallpaper waiting" in refused.json()["detail"]  # style's words
    monkeypatch.setattr(StyleTransferJob, "cap_words", FairQueued.__dict__["cap_words"])  # a model without its own
    refused = a.client.post(URL, {"content_sample": "content-01", "style_sample": "style-01", **TINY})
    assert refused.status_code == 429 and "1 job waiting" in refused.json()["detail"]
    monkeypatch.setattr(StyleTransferJob, "cap_settings", FairQueued.cap_settings)  # a model naming no cap
    a.submit()
    assert StyleTransferJob.objects.filter(status=JobStatus.QUEUED).count() == 2
    assert STYLE_CAPS["anonymous"] == "IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS"


def test_the_progress_convention_is_the_models():
    assert estimate.work_fraction(StyleTransferJob(progress=0.49)) == pytest.approx(0.5)  # style keeps 2 % to save
    assert estimate.work_fraction(TextToImageJob(progress=0.49)) == pytest.approx(0.49)


def test_the_ready_mail_sends_the_creation_the_job_names(visitors, monkeypatch):
    (a,) = visitors("a")
    job = StyleTransferJob.objects.get(pk=a.submit())
    own, named = make_creation(kind="style"), make_creation(kind="style")
    StyleTransferJob.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, finished_at=timezone.now(),
                                                      result=own, notify_email="me@example.com")
    job.refresh_from_db()
    monkeypatch.setattr(StyleTransferJob, "made_creation_id", lambda self: None)  # nothing made (yet)
    assert send_ready_mail(job) is None
    job.refresh_from_db()
    assert job.notified_at is None  # so it is still sent once there is something
    monkeypatch.setattr(StyleTransferJob, "made_creation_id", lambda self: named.pk)  # e.g. a job with no `result`
    delivery = send_ready_mail(job)
    assert delivery.creation_id == named.pk and delivery.recipient == "me@example.com"
    assert send_ready_mail(job) is None and Delivery.objects.count() == 1  # once
