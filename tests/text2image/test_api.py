"""The API contract, validation (400, nothing queued), ownership, and what a finished job stores."""
import io
import json

import pytest
from PIL import Image

from core.pngmeta import read_metadata
from gallery.models import Creation
from text2image.models import TextToImageJob
from text2image.providers.offline import render
from text2image.tasks import run_text2image

from .servers import png_b64
from .test_translation import ENGLISH, KOREAN, translate_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    return client


def post(client, **data):
    return client.post("/api/text2image/jobs/", data=json.dumps(data), content_type="application/json")


@pytest.fixture
def no_broker(monkeypatch):
    """Record what would be sent to the broker (right away: the test's transaction never commits)."""
    sent = []
    monkeypatch.setattr("core.models.send_job", lambda model, pk: sent.append(pk) or True)
    monkeypatch.setattr("django.db.transaction.on_commit", lambda fn, *args, **kwargs: fn())
    return sent


@pytest.mark.parametrize("data,field,words", [
    ({"prompt": ""}, "prompt", "Write what you want"),
    ({"prompt": "   "}, "prompt", "Write what you want"),
    ({"prompt": "x" * 1001}, "prompt", "1000 characters"),
    ({"prompt": "sea", "samples": 5}, "samples", "between 1 and 4"),
    ({"prompt": "sea", "samples": 0}, "samples", "between 1 and 4"),
    ({"prompt": "sea", "width": 1000, "height": 1000}, "width", "not a size"),
    ({"prompt": "sea", "width": 1920}, "width", "both"),
    ({"prompt": "sea", "seed": -1}, "seed", "0 to"),
    ({"prompt": "sea", "samples": "many"}, "samples", "valid integer"),
])
def test_bad_input_is_a_400_with_a_field_message_and_nothing_is_queued(api, no_broker, data, field, words):
    response = post(api, **data)
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert TextToImageJob.objects.count() == 0 and not no_broker


def test_bad_input_message_in_korean(api, no_broker):
    response = api.post("/api/text2image/jobs/", data=json.dumps({"prompt": "바다", "samples": 9}),
                        content_type="application/json", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    assert "1" in response.json()["samples"][0] and "장" in response.json()["samples"][0]


def test_karlo_without_translation_refuses_korean_at_submit(api, no_broker, settings):
    settings.IMOGEN_T2I_PROVIDER = "karlo"
    settings.IMOGEN_TRANSLATE_PROVIDER = "none"
    response = post(api, prompt=KOREAN, width=1280, height=720)
    assert response.status_code == 400 and "English only" in response.json()["prompt"][0]
    assert post(api, prompt="x" * 257, width=1280, height=720).status_code == 400
    assert not no_broker


@pytest.mark.django_db(transaction=True)
def test_create_returns_202_with_the_job_then_the_worker_fills_it(api, no_broker):
    response = post(api, prompt="밤하늘 아래 산", negative_prompt="구름", width=1080, height=1920, samples=2, seed=42)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["provider"] == "offline" and body["images"] == []
    for key in ("id", "status", "progress", "error", "provider", "prompt", "negative_prompt", "translated_prompt",
                "images"):
        assert key in body
    assert no_broker == [TextToImageJob.objects.get().pk]

    run_text2image(body["id"])  # what the worker does, in this process
    done = api.get(f"/api/text2image/jobs/{body['id']}/").json()
    assert done["status"] == "succeeded", done["error"]
    assert done["progress"] == 1.0 and done["translated_prompt"] == "밤하늘 아래 산"
    assert [i["seed"] for i in done["images"]] == [42, 43]
    creation = Creation.objects.get(pk=done["images"][0]["creation_id"])
    assert creation.kind == "text2image" and (creation.width, creation.height) == (1080, 1920)
    assert creation.metadata | {} == {**creation.metadata, "prompt": "밤하늘 아래 산", "negative_prompt": "구름",
                                      "translated_prompt": "밤하늘 아래 산", "provider": "offline", "width": 1080,
                                      "height": 1920, "seed": 42}
    png = Image.open(creation.image.open("rb"))
    assert png.format == "PNG"
    meta = read_metadata(png)  # one JSON chunk (core.pngmeta), the same for every feature
    assert meta["prompt"] == "밤하늘 아래 산" and meta["seed"] == 42
    assert meta["provider"] == "offline" and meta["negative_prompt"] == "구름"
    assert "Negative prompt: 구름" in png.text["parameters"]
    assert "Seed: 42, Size: 1080x1920, Provider: offline" in png.text["parameters"]
    # Each result says what it was made with (seed, size, steps, provider), for the page and "Run again".
    image = done["images"][0]
    assert (image["width"], image["height"], image["seed"], image["provider"]) == (1080, 1920, 42, "offline")
    assert image["provider_label"] == "Offline engine (built in)" and image["steps"] is None
    assert creation.metadata["samples"] == 2 and creation.metadata["steps"] is None
    # The same seed gives the same picture.
    again = render("밤하늘 아래 산", "구름", 1080, 1920, 42)
    assert list(again.getdata())[:5000] == list(png.convert("RGB").getdata())[:5000]
    # Running the task again (a redelivery) changes nothing.
    run_text2image(body["id"])
    assert Creation.objects.count() == 2


def test_jobs_belong_to_their_browser_session(api, no_broker, client):
    job_id = post(api, prompt="sea").json()["id"]
    from django.test import Client

    stranger = Client()
    assert stranger.get(f"/api/text2image/jobs/{job_id}/").status_code == 404
    assert stranger.get(f"/text2image/jobs/{job_id}/").status_code == 404
    assert api.get(f"/text2image/jobs/{job_id}/").status_code == 200
    assert api.get("/api/text2image/jobs/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_cancel_before_start(api, no_broker):
    job_id = post(api, prompt="sea").json()["id"]
    assert api.post(f"/api/text2image/jobs/{job_id}/cancel/").json()["status"] == "canceled"


@pytest.mark.django_db(transaction=True)
def test_karlo_job_translates_then_stores_pictures(api, no_broker, settings, fake_server, fast_http):
    """Korean prompt → Cloud Translation (local v2 server) → Karlo protocol (same local server) → creations."""
    settings.IMOGEN_T2I_PROVIDER = "karlo"
    settings.IMOGEN_T2I_KARLO_URL = fake_server.url
    settings.IMOGEN_T2I_KARLO_KEY = "k"
    settings.IMOGEN_TRANSLATE_PROVIDER = "google"
    settings.IMOGEN_TRANSLATE_ENDPOINT = fake_server.url
    settings.IMOGEN_TRANSLATE_ANONYMOUS = True

    def answer(record):
        if record["path"].startswith("/language/"):
            return translate_api(record)
        return 200, {"id": "r", "model_version": "v2.1",
                     "images": [{"id": "i", "seed": s, "image": png_b64()} for s in record["body"]["seed"]]}

    fake_server.answer((200, answer))
    job_id = post(api, prompt=KOREAN, width=1280, height=720, seed=7).json()["id"]
    run_text2image(job_id)
    done = api.get(f"/api/text2image/jobs/{job_id}/").json()
    assert done["status"] == "succeeded", done["error"]
    assert done["translated_prompt"] == ENGLISH and done["source_language"] == "ko"
    karlo_call = [r for r in fake_server.requests if r["path"] == "/v2/inference/karlo/t2i"][0]
    assert karlo_call["body"]["prompt"] == ENGLISH and karlo_call["body"]["seed"] == [7]
    creation = Creation.objects.get()
    assert creation.metadata["translated_prompt"] == ENGLISH and creation.metadata["prompt"] == KOREAN
    assert creation.file_name.startswith("imogen-text2image-a-small-island")
    page = api.get(done["url"]).content.decode()  # the result page shows the prompt as it was sent
    assert f'<p class="t2i-prompt" id="t2i-translated">{ENGLISH}</p>' in page


@pytest.mark.django_db(transaction=True)
def test_provider_failure_ends_the_job_failed_with_a_plain_message(api, no_broker, settings, fake_server, fast_http):
    settings.IMOGEN_T2I_PROVIDER = "karlo"
    settings.IMOGEN_T2I_KARLO_URL = fake_server.url
    settings.IMOGEN_T2I_KARLO_KEY = "bad"
    fake_server.answer((401, {"code": -401, "msg": "invalid"}))
    job_id = post(api, prompt="a red sunset", width=1280, height=720).json()["id"]
    run_text2image(job_id)
    job = TextToImageJob.objects.get(pk=job_id)
    assert job.status == "failed" and "refused the API key" in job.error and not job.images


def test_pages_render_and_say_which_provider_is_active(api, settings):
    page = api.get("/text2image/").content.decode()
    assert "Offline engine" in page and 'value="1920x1080"' in page
    assert "IMOGEN_T2I_PROVIDER" not in page  # how to configure it is for staff only (issue 17)
    settings.IMOGEN_T2I_PROVIDER = "karlo"
    page = api.get("/text2image/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kakao Karlo" in page and 'value="2048x1152"' in page and "English only" in page


def test_offline_engine_is_deterministic_and_reads_the_words():
    # Its speed is measured by bench/text2image_offline.py, not here.
    image = render("노을 지는 바다", "", 1920, 1080, 3)
    assert image.size == (1920, 1080)
    assert render("노을 지는 바다", "", 320, 180, 3).tobytes() == render("노을 지는 바다", "", 320, 180, 3).tobytes()
    assert render("노을 지는 바다", "", 320, 180, 3).tobytes() != render("노을 지는 바다", "", 320, 180, 4).tobytes()

    def mean(prompt):
        pixels = render(prompt, "", 320, 180, 1).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
        return pixels

    sunset, night, snow = mean("sunset"), mean("밤하늘"), mean("눈 내리는 겨울")
    assert sunset[0] > sunset[2]  # warm
    assert sum(night) < sum(sunset) and night[2] > night[0]  # dark and blue
    assert sum(snow) > sum(sunset)  # bright
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 100_000  # a real picture, not a flat colour


@pytest.mark.django_db
def test_use_this_prompt_link_prefills_the_form(client):
    response = client.get("/text2image/", {"prompt": "노을 지는 바다", "negative_prompt": "people"})
    assert response.status_code == 200
    html = response.content.decode()
    assert ">노을 지는 바다</textarea>" in html and ">people</textarea>" in html


def test_sketch_mode_page_says_what_it_is_and_which_words_it_cannot_draw(client, no_broker):
    page = client.get("/text2image/").content.decode()
    assert "Sketch mode" in page and "It cannot draw things such as a lighthouse" in page
    reading = client.get("/text2image/understand/", {"prompt": "lighthouse on a rocky cliff above a stormy sea"})
    html = reading.content.decode()
    assert '<s class="t2i-word t2i-word-missing">lighthouse</s>' in html
    assert '<s class="t2i-word t2i-word-missing">rocky</s>' in html
    for word, motif in [("cliff", "mountains"), ("stormy", "rain"), ("sea", "sea or lake")]:
        assert f'title="{motif}">{word}</mark>' in html
    assert "above" not in html and ">on<" not in html  # function words are neither understood nor missing
    # The job page of a sketch says the same about the words it was made from.
    job = post(client, prompt="노을 지는 바다 위의 등대", negative_prompt="바다").json()
    html = client.get(job["url"], HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "키워드로 그린 스케치" in html and '<s class="t2i-word t2i-word-missing">등대</s>' in html
    assert 'class="t2i-word t2i-word-ok t2i-word-removed" title="바다나 호수">바다</mark>' in html  # taken away


def test_a_connected_provider_is_named_and_no_sketch_is_promised(client, settings):
    settings.IMOGEN_T2I_PROVIDER = "comfyui"
    page = client.get("/text2image/").content.decode()
    assert "administrator has connected ComfyUI" in page and "ComfyUI draws it at wallpaper size" in page
    assert "Sketch mode" not in page and 'value="1344x768"' in page and 'id="t2i-steps"' in page


@pytest.mark.parametrize("size,status", [((1000, 1000), 202), ((2048, 1152), 202), ((1004, 1000), 400),
                                         ((1536, 864), 400)])
def test_karlo_takes_its_own_sizes_and_upscaled_wallpaper_sizes(api, no_broker, settings, size, status):
    settings.IMOGEN_T2I_PROVIDER = "karlo"
    response = post(api, prompt="a quiet harbour", width=size[0], height=size[1])
    assert response.status_code == status
    if status == 400:
        assert "steps of 8" in response.json()["width"][0]


def test_run_again_and_use_this_prompt_fill_in_every_parameter(api, no_broker, settings):
    settings.IMOGEN_T2I_PROVIDER = "comfyui"
    job = post(api, prompt="a lighthouse", negative_prompt="people", width=768, height=1344, samples=3, seed=99,
               steps=31).json()
    assert (job["steps"], job["seed"], job["samples"]) == (31, 99, 3)
    html = api.get(f"/text2image/?from={job['id']}").content.decode()
    assert ">a lighthouse</textarea>" in html and ">people</textarea>" in html
    assert 'value="768x1344" selected' in html and 'value="3" selected' in html
    assert 'value="99"' in html and 'id="t2i-steps"' in html and 'value="31"' in html
    # A shared picture's "Use this prompt" link (text2image.describe.use_prompt_url) carries its parameters too.
    from tests.factories import make_creation
    from text2image.describe import use_prompt_url

    shared = make_creation(metadata={"prompt": "a lighthouse", "negative_prompt": "", "width": 768, "height": 1344,
                                     "seed": 5, "steps": 12, "provider": "comfyui"})
    link = use_prompt_url(shared, mine=True)
    assert link == "/text2image/?prompt=a+lighthouse&width=768&height=1344&seed=5&steps=12"
    html = api.get(link).content.decode()
    assert 'value="768x1344" selected' in html and 'value="5"' in html and 'value="12"' in html
    # A long shared prompt is never cut: it is shown whole and the counter says it is over the limit.
    settings.IMOGEN_T2I_PROVIDER = "karlo"
    html = api.get("/text2image/", {"prompt": "sea " * 100}).content.decode()
    assert ("sea " * 100).strip() in html and 'data-max-chars="256"' in html


@pytest.mark.django_db(transaction=True)
def test_karlo_protocol_pictures_through_the_jobs_task(settings, fake_server):
    """What a worker runs (run_text2image), in this process, against a local server speaking Karlo's protocol."""
    fake_server.answer((200, lambda record: (200, {
        "id": "r1", "model_version": "v2.1",
        "images": [{"id": f"i{n}", "seed": seed, "image": png_b64((96, 54))} for n, seed in
                   enumerate(record["body"]["seed"])]})))
    settings.IMOGEN_T2I_KARLO_URL, settings.IMOGEN_T2I_KARLO_KEY = fake_server.url, "e2e-key"
    settings.IMOGEN_TRANSLATE_PROVIDER, settings.IMOGEN_T2I_RETRIES, settings.IMOGEN_T2I_BACKOFF = "none", 1, 0.01

    def run(**fields):
        job = TextToImageJob.objects.create(**{"negative_prompt": "", "width": 1280, "height": 720, "samples": 2,
                                               "provider": "karlo", **fields})
        run_text2image(job.pk)
        return TextToImageJob.objects.get(pk=job.pk)

    done = run(prompt="a quiet harbour at dawn", seed=100)
    assert done.status == "succeeded", done.error
    sent = fake_server.requests[0]
    assert sent["headers"]["Authorization"] == "KakaoAK e2e-key"
    assert sent["body"]["prompt"] == "a quiet harbour at dawn" and sent["body"]["seed"] == [100, 101]
    assert [i["seed"] for i in done.images] == [100, 101]
    assert Creation.objects.get(pk=done.images[0]["creation_id"]).metadata["provider"] == "karlo"

    fake_server.answer((401, {"code": -401, "msg": "invalid key"}))
    failed = run(prompt="a quiet harbour", samples=1)
    assert failed.status == "failed" and "refused the API key" in failed.error

