"""The `instant` preset and the feed-forward first preview, through the API and the job's work in-process."""
import pytest
from PIL import Image

from gallery.models import Creation
from styletransfer.models import StyleTransferJob
from styletransfer.tasks import run_style_transfer

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/style-transfer/jobs/"


@pytest.fixture(autouse=True)
def one_thread(settings):
    settings.IMOGEN_TORCH_THREADS = 1


def submit(client, **data):
    response = client.post(URL, {"content_sample": "content-03", "style_sample": "style-01", **data})
    assert response.status_code == 202, response.content
    return response.json()["id"]


def test_instant_job_paints_a_wallpaper_in_one_pass(client):
    job_id = submit(client, preset="instant", width="96", height="54")
    run_style_transfer(job_id)  # what the worker runs, in this process
    job = StyleTransferJob.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    creation = Creation.objects.get(pk=job.result_id)
    assert (creation.width, creation.height) == (96, 54) and creation.metadata["preset"] == "instant"
    with creation.image.open("rb") as handle:
        assert Image.open(handle).size == (96, 54)


def test_first_preview_of_a_gatys_job_is_the_feedforward_picture(client, monkeypatch):
    writes = []
    real_update = StyleTransferJob.update_progress

    def recording_update(self, progress=None, stage=None, **fields):
        writes.append((stage, bool(fields.get("preview"))))
        return real_update(self, progress, stage, **fields)

    monkeypatch.setattr(StyleTransferJob, "update_progress", recording_update)
    job_id = submit(client, preset="preview", width="48", height="32")
    run_style_transfer(job_id)  # what the worker runs, in this process
    assert StyleTransferJob.objects.get(pk=job_id).status == "succeeded"
    first_preview = next(stage for stage, preview in writes if preview)
    assert first_preview == "Painting a first version"
    stages = [stage for stage, _ in writes if stage]
    assert stages.index("Painting a first version") < min(i for i, s in enumerate(stages) if s.startswith("Painting:"))


def test_create_page_offers_instant_with_honest_words_in_both_languages(client):
    page = client.get("/style/").content.decode()
    assert 'value="instant"' in page and "a few seconds" in page
    korean = client.get("/style/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "즉시 (몇 초)" in korean and "몇 분 동안" in korean


def test_instant_phone_wallpaper_is_painted_at_the_working_size_and_delivered_at_full_size(client, monkeypatch):
    from styletransfer.engine import feedforward

    painted, real = [], feedforward.FeedForward.stylize

    def recording(self, content, vector, size):
        painted.append(size)
        return real(self, content, vector, size)

    monkeypatch.setattr(feedforward.FeedForward, "stylize", recording)
    job_id = submit(client, preset="instant", width="1080", height="2400")
    run_style_transfer(job_id)  # what the worker runs, in this process
    job = StyleTransferJob.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    creation = Creation.objects.get(pk=job.result_id)
    assert (creation.width, creation.height) == (1080, 2400)
    assert max(w * h for w, h in painted) <= feedforward.DETAIL_PIXELS < 1080 * 2400
