"""The engine's progress → the job row: what the page and the estimate read while a job runs."""
import pytest

from styletransfer.models import StyleTransferJob
from styletransfer.tasks import run_style_transfer

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_finished_picture_is_not_encoded_as_a_preview(client, settings):
    """Saving is the part of the wait the page cannot watch: it only stores the result, which replaces the preview."""
    settings.IMOGEN_TORCH_THREADS = 1
    settings.IMOGEN_STYLE_PREVIEW_SECONDS = 0  # every preview the engine hands over would be written
    response = client.post("/api/style-transfer/jobs/", {"content_sample": "content-03", "style_sample": "style-01",
                                                         "preset": "instant", "width": "96", "height": "54"})
    assert response.status_code == 202, response.content
    run_style_transfer(response.json()["id"])  # what the worker runs, in this process
    job = StyleTransferJob.objects.get(pk=response.json()["id"])
    assert job.status == "succeeded" and job.result_id
    assert not job.preview  # `instant` hands over only the finished picture
    assert job.work_started_at and job.work_seconds is not None  # the estimate's measurements are there
