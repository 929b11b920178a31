"""What goes into the style-transfer API comes out the same (issue 24): the `crop` box is an object both ways,
old jobs' stored lists still read, paint and remix; the documented quality presets are the engine's."""
import json
import re
from pathlib import Path

import pytest

from gallery.models import CreationKind
from gallery.sharing import described_settings
from styletransfer.engine.transfer import PRESETS
from styletransfer.models import StyleTransferJob
from styletransfer.remix import initial_options
from styletransfer.serializers import JobCreateSerializer
from styletransfer.tasks import engine_options
from tests.factories import make_creation, make_style_job, session_client

URL = "/api/style-transfer/jobs/"
BOX = {"x": 0, "y": 8, "width": 64, "height": 48}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "styletransfer.md"


@pytest.mark.django_db
@pytest.mark.parametrize("as_json", [True, False], ids=["json-body", "multipart-string"])
def test_a_crop_box_comes_back_as_the_object_it_went_in_as(client, as_json):
    body = {"content_sample": "content-01", "style_sample": "style-01", "preset": "preview", "width": 64,
            "height": 48}
    if as_json:
        response = client.post(URL, json.dumps({**body, "crop": BOX}), content_type="application/json")
    else:
        response = client.post(URL, {**body, "crop": json.dumps(BOX)})
    assert response.status_code == 202, response.content
    assert response.json()["options"]["crop"] == BOX
    assert client.get(f"{URL}{response.json()['id']}/").json()["options"]["crop"] == BOX
    job = StyleTransferJob.objects.get(pk=response.json()["id"])
    assert job.options["crop"] == BOX  # stored as it came (the picture's metadata copies the options)
    assert engine_options(job).crop == (0, 8, 64, 48)


@pytest.mark.django_db
def test_a_job_without_a_crop_box_answers_null():
    client, key = session_client()
    job = make_style_job(session_key=key)
    job.options = {**job.options, "crop": None}
    job.save(update_fields=["options"])
    assert client.get(f"{URL}{job.pk}/").json()["options"]["crop"] is None
    assert engine_options(job).crop is None and initial_options(job)["crop"] == ""


@pytest.mark.django_db
def test_a_job_stored_with_the_old_list_still_answers_an_object_paints_and_remixes_its_box():
    client, key = session_client()
    job = make_style_job(session_key=key)
    job.options = {**job.options, "crop": [0, 8, 64, 48], "fit": "cover"}
    job.save(update_fields=["options"])
    assert client.get(f"{URL}{job.pk}/").json()["options"]["crop"] == BOX
    assert engine_options(job).crop == (0, 8, 64, 48)
    assert json.loads(initial_options(job)["crop"]) == BOX  # the create form's data-remix-crop


def test_the_schema_documents_the_jobs_options_with_crop_as_an_object(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    job = components["StyleTransferJob"] if "StyleTransferJob" in components else components["Job"]
    options = job["properties"]["options"]
    options = components[options["allOf"][0]["$ref"].rsplit("/", 1)[1] if "allOf" in options
                         else options["$ref"].rsplit("/", 1)[1]]
    crop = options["properties"]["crop"]
    assert crop["type"] == "object" and set(crop["properties"]) == set(BOX)


def documented_presets():
    """The `preset` choices the job API's row in docs/styletransfer.md lists."""
    row = next(line for line in DOCS.read_text().splitlines() if line.startswith("| `POST /api/style-transfer/jobs/`"))
    return re.findall(r"`(\w+)`", re.search(r"`preset` \(([^)]*)\)", row).group(1))


def test_the_documented_quality_presets_are_the_engines():
    assert documented_presets() == list(PRESETS)
    # The schema's words for the field (written without importing the engine, which loads torch) say the same.
    help_text = str(JobCreateSerializer().fields["preset"].help_text)
    assert re.findall(r"\w+", help_text.split(".")[0]) == [*list(PRESETS)[:-1], "or", list(PRESETS)[-1]]


@pytest.mark.django_db
def test_the_create_page_offers_and_a_shared_picture_names_every_engine_preset(client, media_root):
    page = client.get("/style/").content.decode()
    select = re.search(r'<select id="st-preset".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w+)"', select) == list(PRESETS)
    for name in PRESETS:
        creation = make_creation(kind=CreationKind.STYLE, metadata={"preset": name})
        quality = next(row["value"] for row in described_settings(creation) if row["label"] == "Quality")
        assert quality != "Other", name
