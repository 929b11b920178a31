"""Each HTTP provider against a local server that speaks its documented protocol.

Asserted: method, path, headers and body of what Imogen sends; and how every kind of answer ends — pictures
(base64 and URL forms), 401, 400, quota, 429 then success, 500 then success, timeout, malformed JSON."""
import base64
import json

import pytest

from text2image.providers import GenerationRequest, ProviderError, get_provider

from .conftest import no_progress
from .servers import png_b64

pytestmark = pytest.mark.usefixtures("fast_http")


def request(samples=2, seeds=(11, 12), prompt="a lighthouse at sunset", negative="people", size=(1280, 720)):
    return GenerationRequest(prompt=prompt, negative_prompt=negative, width=size[0], height=size[1],
                             samples=samples, seeds=list(seeds))


# --- Karlo ------------------------------------------------------------------------------------------
def karlo_ok(fake_server, form="base64"):
    def answer(record):
        images = []
        for i, seed in enumerate(record["body"]["seed"]):
            if form == "url":
                fake_server.files[f"k{i}.png"] = base64.b64decode(png_b64(color=(200, 10 * i, 0)))
                image = f"{fake_server.url}/files/k{i}.png"
            else:
                image = png_b64(color=(10 * i, 200, 0))
            images.append({"id": f"img-{i}", "seed": seed, "image": image, "nsfw_content_detected": None})
        return 200, {"id": "job-1", "model_version": "v2.1", "images": images}
    return answer


@pytest.fixture
def karlo(settings, fake_server):
    settings.IMOGEN_T2I_KARLO_URL = fake_server.url
    settings.IMOGEN_T2I_KARLO_KEY = "test-rest-key"
    return get_provider("karlo")


@pytest.mark.parametrize("form", ["base64", "url"])
def test_karlo_sends_the_documented_request_and_reads_both_answer_forms(karlo, fake_server, form):
    fake_server.answer((200, karlo_ok(fake_server, form)))
    pictures = karlo.generate(request(), no_progress)
    assert len(fake_server.requests) == 1
    sent = fake_server.requests[0]
    assert sent["method"] == "POST" and sent["path"] == "/v2/inference/karlo/t2i"
    assert sent["headers"]["Authorization"] == "KakaoAK test-rest-key"
    assert sent["headers"]["Content-Type"] == "application/json"
    assert sent["body"] == {"version": "v2.1", "prompt": "a lighthouse at sunset", "negative_prompt": "people",
                            "width": 1280, "height": 720, "samples": 2, "image_format": "png",
                            "return_type": "base64_string", "seed": [11, 12], "nsfw_checker": True}
    assert [p.seed for p in pictures] == [11, 12]
    assert pictures[0].image.size == (64, 40)
    expected = (200, 0, 0) if form == "url" else (0, 200, 0)
    assert pictures[0].image.getpixel((0, 0)) == expected


@pytest.mark.parametrize("status,body,words", [
    (401, {"code": -401, "msg": "invalid app key"}, "refused the API key"),
    (400, {"code": -2, "msg": "width must be a multiple of 8"}, "width must be a multiple of 8"),
    (429, {"code": -10, "msg": "API limit has been exceeded"}, "quota"),
    (400, {"code": -10, "msg": "quota exceeded"}, "quota"),
    (403, {"code": -9798, "msg": "API terminated"}, "has ended"),
])
def test_karlo_errors_that_cannot_succeed_are_not_retried(karlo, fake_server, status, body, words):
    fake_server.answer((status, body))
    with pytest.raises(ProviderError, match=words):
        karlo.generate(request(), no_progress)
    assert len(fake_server.requests) == 1


@pytest.mark.parametrize("status", [429, 500, 503])
def test_karlo_retries_busy_and_server_errors_then_succeeds(karlo, fake_server, status):
    fake_server.answer((status, {"code": -1, "msg": "busy"}), (200, karlo_ok(fake_server)))
    pictures = karlo.generate(request(), no_progress)
    assert len(pictures) == 2 and len(fake_server.requests) == 2
    assert fake_server.requests[0]["body"] == fake_server.requests[1]["body"]


def test_karlo_gives_up_after_the_retries(karlo, fake_server, settings):
    fake_server.answer((500, "oops"))
    with pytest.raises(ProviderError, match="having trouble"):
        karlo.generate(request(), no_progress)
    assert len(fake_server.requests) == settings.IMOGEN_T2I_RETRIES + 1


def test_karlo_timeout_ends_with_a_plain_message(karlo, fake_server, settings):
    settings.IMOGEN_T2I_TIMEOUT = 0.3
    fake_server.answer((200, karlo_ok(fake_server), 1.0))
    with pytest.raises(ProviderError, match="did not answer within 0.3 seconds"):
        karlo.generate(request(), no_progress)
    assert len(fake_server.requests) == 1  # not re-sent: Karlo may still be drawing (and charging)


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", {"id": "x", "images": []}, {"images": [{"seed": 1}]}])
def test_karlo_malformed_answers_fail_cleanly(karlo, fake_server, body):
    fake_server.answer((200, body))
    with pytest.raises(ProviderError, match="could not read|without pictures"):
        karlo.generate(request(), no_progress)


def test_karlo_expired_image_link_is_a_clear_failure(karlo, fake_server):
    answer = {"id": "j", "images": [{"id": "i", "seed": 1, "image": f"{fake_server.url}/files/gone.png"}]}
    fake_server.answer((200, answer))
    with pytest.raises(ProviderError, match="could not download"):
        karlo.generate(request(samples=1, seeds=[1]), no_progress)


def test_karlo_21_wallpaper_sizes_are_drawn_at_half_size_and_upscaled(karlo, fake_server):
    fake_server.answer((200, karlo_ok(fake_server)))
    pictures = karlo.generate(request(size=(2048, 1152)), no_progress)
    sent = fake_server.requests[0]["body"]
    assert (sent["width"], sent["height"], sent["upscale"], sent["scale"]) == (1024, 576, True, 2)
    assert sent["version"] == "v2.1" and sent["seed"] == [11, 12]
    assert pictures[0].extra == {"model_version": "v2.1", "upscaled_from": "1024x576"}


def test_karlo_safety_check_holds_back_flagged_pictures_and_says_so(karlo, fake_server):
    def answer(record):
        status, body = karlo_ok(fake_server)(record)
        body["images"][0]["nsfw_content_detected"] = True
        return status, body
    fake_server.answer((200, answer))
    notices = []
    pictures = karlo.generate(request(), lambda f, stage=None, notice=None, **extra: notices.append(notice))
    assert [p.seed for p in pictures] == [12] and "held back 1 of the pictures" in " ".join(filter(None, notices))

    fake_server.answer((200, lambda record: (200, {"id": "j", "images": [
        {"id": "i", "seed": 1, "image": png_b64(), "nsfw_content_detected": True}]})))
    with pytest.raises(ProviderError, match="safety check held back the pictures"):
        karlo.generate(request(samples=1, seeds=[1]), no_progress)


@pytest.mark.parametrize("prompt,size,words", [
    ("x" * 257, (1280, 720), "at most 256 characters; this one has 257"),
    ("노을 지는 바다", (1280, 720), "English only"),
    ("a sea", (1536, 864), "256 to 1280 px a side in steps of 8"),
    ("a sea", (1284, 720), "steps of 8"),
])
def test_karlo_limits_are_checked_before_the_call(karlo, fake_server, prompt, size, words):
    with pytest.raises(ProviderError, match=words):
        karlo.generate(request(prompt=prompt, size=size), no_progress)
    assert fake_server.requests == []


# --- OpenAI-compatible -------------------------------------------------------------------------------
@pytest.fixture
def openai(settings, fake_server):
    settings.IMOGEN_T2I_OPENAI_URL = fake_server.url
    settings.IMOGEN_T2I_OPENAI_KEY = "sk-test"
    settings.IMOGEN_T2I_OPENAI_MODEL = "local-sd"
    settings.IMOGEN_T2I_OPENAI_SIZES = ["1792x1024", "1024x1024"]
    return get_provider("openai")


def openai_ok(fake_server, form="b64"):
    def answer(record):
        data = []
        for i in range(record["body"]["n"]):
            if form == "url":
                fake_server.files[f"o{i}.png"] = base64.b64decode(png_b64())
                data.append({"url": f"{fake_server.url}/files/o{i}.png", "revised_prompt": "x"})
            else:
                data.append({"b64_json": png_b64(), "revised_prompt": "x"})
        return 200, {"created": 1700000000, "data": data}
    return answer


@pytest.mark.parametrize("form", ["b64", "url"])
def test_openai_sends_the_documented_request(openai, fake_server, form):
    fake_server.answer((200, openai_ok(fake_server, form)))
    pictures = openai.generate(request(size=(1792, 1024)), no_progress)
    sent = fake_server.requests[0]
    assert sent["method"] == "POST" and sent["path"] == "/v1/images/generations"
    assert sent["headers"]["Authorization"] == "Bearer sk-test"
    assert sent["body"] == {"model": "local-sd", "prompt": "a lighthouse at sunset. Avoid: people.", "n": 2,
                            "size": "1792x1024", "response_format": "b64_json"}
    assert len(pictures) == 2 and pictures[0].seed is None


def test_openai_dalle3_draws_one_picture_per_request(openai, fake_server, settings):
    settings.IMOGEN_T2I_OPENAI_MODEL = "dall-e-3"
    fake_server.answer((200, openai_ok(fake_server)))
    assert len(openai.generate(request(samples=3, seeds=[None] * 3), no_progress)) == 3
    assert [r["body"]["n"] for r in fake_server.requests] == [1, 1, 1]


@pytest.mark.parametrize("status,body,words,tries", [
    (401, {"error": {"message": "Incorrect API key", "type": "invalid_request_error", "code": "invalid_api_key"}},
     "refused the API key", 1),
    (400, {"error": {"message": "size must be one of ...", "type": "invalid_request_error", "code": None}},
     "size must be one of", 1),
    (400, {"error": {"message": "blocked", "type": "invalid_request_error", "code": "content_policy_violation"}},
     "content rules", 1),
    (429, {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota",
                     "code": "insufficient_quota"}}, "quota", 1),
    (429, {"error": {"message": "Rate limit", "type": "requests", "code": "rate_limit_exceeded"}}, "busy", 3),
    (200, "<html>proxy error</html>", "could not read", 1),
])
def test_openai_errors(openai, fake_server, status, body, words, tries):
    fake_server.answer((status, body))
    with pytest.raises(ProviderError, match=words):
        openai.generate(request(), no_progress)
    assert len(fake_server.requests) == tries


@pytest.mark.parametrize("status", [429, 500])
def test_openai_retry_then_success(openai, fake_server, status):
    fake_server.answer((status, {"error": {"message": "later"}}), (200, openai_ok(fake_server)))
    assert len(openai.generate(request(), no_progress)) == 2


def test_openai_timeout(openai, fake_server, settings):
    settings.IMOGEN_T2I_TIMEOUT = 0.3
    fake_server.answer((200, openai_ok(fake_server), 1.0))
    with pytest.raises(ProviderError, match="did not answer"):
        openai.generate(request(), no_progress)


# --- AUTOMATIC1111 -----------------------------------------------------------------------------------
@pytest.fixture
def a1111(settings, fake_server):
    settings.IMOGEN_T2I_A1111_URL = fake_server.url
    settings.IMOGEN_T2I_A1111_USER = "imogen"
    settings.IMOGEN_T2I_A1111_PASSWORD = "s3cret"
    settings.IMOGEN_T2I_A1111_STEPS = 20
    settings.IMOGEN_T2I_A1111_CFG_SCALE = 6.5
    return get_provider("automatic1111")


def a1111_ok(record):
    body = record["body"]
    seeds = [body["seed"] + i for i in range(body["batch_size"])]
    return 200, {"images": [png_b64() for _ in seeds], "parameters": body,
                 "info": json.dumps({"all_seeds": seeds, "seed": seeds[0]})}


def test_a1111_sends_the_documented_request_with_basic_auth_and_reports_progress(a1111, fake_server, monkeypatch):
    import text2image.providers.automatic1111 as module

    monkeypatch.setattr(module, "PROGRESS_INTERVAL", 0.1)
    fake_server.routes["/sdapi/v1/progress"] = lambda record: (200, {"progress": 0.5, "eta_relative": 1.0})
    fake_server.answer((200, a1111_ok, 0.5))
    seen = []
    pictures = a1111.generate(request(size=(1344, 768)), lambda f, stage=None: seen.append(f))
    sent = fake_server.requests[0]
    assert sent["method"] == "POST" and sent["path"] == "/sdapi/v1/txt2img"
    assert sent["headers"]["Authorization"] == "Basic " + base64.b64encode(b"imogen:s3cret").decode()
    assert sent["body"] == {"prompt": "a lighthouse at sunset", "negative_prompt": "people", "width": 1344,
                            "height": 768, "batch_size": 2, "n_iter": 1, "seed": 11, "steps": 20, "cfg_scale": 6.5}
    assert [p.seed for p in pictures] == [11, 12]
    assert any(0.4 < f < 0.6 for f in seen), seen  # the web UI's own progress was passed on


@pytest.mark.parametrize("status,body,words,tries", [
    (401, {"detail": "Not authenticated"}, "user name or password", 1),
    (422, {"detail": [{"loc": ["body", "width"], "msg": "value is not a valid integer"}]}, "did not accept", 1),
    (404, {"detail": "Not Found"}, "--api", 1),
    (500, {"error": "OutOfMemoryError", "detail": "CUDA out of memory"}, "having trouble", 3),
    (200, "{broken", "could not read", 1),
])
def test_a1111_errors(a1111, fake_server, status, body, words, tries):
    fake_server.answer((status, body))
    with pytest.raises(ProviderError, match=words):
        a1111.generate(request(), no_progress)
    assert len(fake_server.requests) == tries


@pytest.mark.parametrize("status", [429, 500])
def test_a1111_retry_then_success(a1111, fake_server, status):
    fake_server.answer((status, {"detail": "busy"}), (200, a1111_ok))
    assert len(a1111.generate(request(), no_progress)) == 2


def test_a1111_timeout(a1111, fake_server, settings):
    settings.IMOGEN_T2I_TIMEOUT = 0.3
    fake_server.answer((200, a1111_ok, 1.0))
    with pytest.raises(ProviderError, match="did not answer"):
        a1111.generate(request(), no_progress)


def test_unreachable_provider_is_a_plain_failure(settings):
    settings.IMOGEN_T2I_KARLO_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.IMOGEN_T2I_KARLO_KEY = "k"
    with pytest.raises(ProviderError, match="could not reach"):
        get_provider("karlo").generate(request(), no_progress)
