"""Translation through the real google-cloud-translate client library, talking to a local server that
emulates the Cloud Translation v2 REST API (POST /language/translate/v2 and /language/translate/v2/detect)."""
import pytest

from text2image.providers import get_provider
from text2image.translation import TranslationError, get_translator, prepare_prompts

KOREAN = "노을 지는 바다 위의 작은 섬"
ENGLISH = "A small island on the sea at sunset"


def translate_api(record):
    body = record["body"]
    if record["path"].startswith("/language/translate/v2/detect"):
        detections = [[{"language": "en" if q.isascii() else "ko", "confidence": 1, "isReliable": False}]
                      for q in body["q"]]
        return 200, {"data": {"detections": detections}}
    table = {KOREAN: ENGLISH, "사람, 글자": "people, letters"}
    return 200, {"data": {"translations": [{"translatedText": table.get(q, "?"), "detectedSourceLanguage": "ko"}
                                           for q in body["q"]]}}


@pytest.fixture
def google(settings, fake_server):
    settings.IMOGEN_TRANSLATE_PROVIDER = "google"
    settings.IMOGEN_TRANSLATE_API = "v2"
    settings.IMOGEN_TRANSLATE_ENDPOINT = fake_server.url
    settings.IMOGEN_TRANSLATE_ANONYMOUS = True
    settings.IMOGEN_TRANSLATE_TIMEOUT = 0.5
    return get_translator()


def test_korean_prompt_is_detected_and_translated_through_the_client_library(google, fake_server):
    fake_server.answer((200, translate_api))
    prepared = prepare_prompts(KOREAN, "사람, 글자", get_provider("karlo"), google)
    assert prepared.prompt == ENGLISH and prepared.negative_prompt == "people, letters"
    assert prepared.source_language == "ko" and not prepared.notice
    detect, translate = fake_server.requests
    assert detect["method"] == "POST" and detect["path"] == "/language/translate/v2/detect"
    assert detect["body"] == {"q": [KOREAN, "사람, 글자"]} and detect["query"] == "prettyPrint=false"
    assert translate["method"] == "POST" and translate["path"] == "/language/translate/v2"
    assert translate["body"]["q"] == [KOREAN, "사람, 글자"] and translate["body"]["target"] == "en"
    assert translate["body"]["format"] == "text"
    assert "gccl/" in translate["headers"]["User-Agent"]  # sent by the real client library
    assert translate["headers"]["Content-Type"] == "application/json"
    assert "Authorization" not in translate["headers"]  # anonymous credentials for the local server


def test_english_prompt_is_detected_and_not_translated(google, fake_server):
    fake_server.answer((200, translate_api))
    prepared = prepare_prompts("a red sunset", "", get_provider("karlo"), google)
    assert prepared.prompt == "a red sunset"
    assert [r["path"] for r in fake_server.requests] == ["/language/translate/v2/detect"]


def test_mixed_prompt_translates_only_the_foreign_part(google, fake_server):
    fake_server.answer((200, translate_api))
    prepared = prepare_prompts(KOREAN, "blurry, text", get_provider("karlo"), google)
    assert prepared.prompt == ENGLISH and prepared.negative_prompt == "blurry, text"
    assert fake_server.requests[1]["body"]["q"] == [KOREAN]


@pytest.mark.parametrize("status,body,words", [
    (403, {"error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}},
     "refused"),
    (429, {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}, "quota"),
    (500, {"error": {"code": 500, "message": "Internal error", "status": "INTERNAL"}}, "could not translate"),
    (200, "{nope", "could not translate"),
])
def test_translation_failures_refuse_korean_for_karlo(google, fake_server, status, body, words):
    fake_server.answer((status, body))
    with pytest.raises(TranslationError, match=words):
        prepare_prompts(KOREAN, "", get_provider("karlo"), google)


def test_translation_timeout_is_short_and_plain(google, fake_server):
    fake_server.answer((200, translate_api, 2.0))
    with pytest.raises(TranslationError, match="could not translate"):
        prepare_prompts(KOREAN, "", get_provider("karlo"), google)


def test_translation_failure_sends_the_original_where_the_provider_accepts_it(google, fake_server, settings):
    fake_server.answer((500, {"error": {"code": 500, "message": "x"}}))
    prepared = prepare_prompts(KOREAN, "", get_provider("automatic1111"), google)
    assert prepared.prompt == KOREAN and "sent as written" in prepared.notice


def test_without_translation_karlo_refuses_korean_and_others_send_it_as_written(settings):
    settings.IMOGEN_TRANSLATE_PROVIDER = "none"
    translator = get_translator()
    assert not translator.configured
    with pytest.raises(TranslationError, match="English only"):
        prepare_prompts(KOREAN, "", get_provider("karlo"), translator)
    assert prepare_prompts("a red sunset", "", get_provider("karlo"), translator).prompt == "a red sunset"
    sent = prepare_prompts(KOREAN, "", get_provider("openai"), translator)
    assert sent.prompt == KOREAN and "not set up" in sent.notice
    offline = prepare_prompts(KOREAN, "", get_provider("offline"), translator)
    assert offline.prompt == KOREAN and offline.source_language == "ko" and not offline.notice


def translate_api_v3(record):
    body = record["body"]
    if record["path"].endswith(":detectLanguage"):
        language = "en" if body["content"].isascii() else "ko"
        return 200, {"languages": [{"languageCode": language, "confidence": 1}]}
    table = {KOREAN: ENGLISH}
    return 200, {"translations": [{"translatedText": table.get(q, "?"), "detectedLanguageCode": "ko"}
                                  for q in body["contents"]]}


def test_v3_client_over_rest(settings, fake_server):
    settings.IMOGEN_TRANSLATE_PROVIDER = "google"
    settings.IMOGEN_TRANSLATE_API = "v3"
    settings.IMOGEN_TRANSLATE_PROJECT = "imogen-test"
    settings.IMOGEN_TRANSLATE_ENDPOINT = fake_server.url
    settings.IMOGEN_TRANSLATE_ANONYMOUS = True
    settings.IMOGEN_TRANSLATE_TIMEOUT = 0.5
    fake_server.answer((200, translate_api_v3))
    prepared = prepare_prompts(KOREAN, "", get_provider("karlo"), get_translator())
    assert prepared.prompt == ENGLISH and prepared.source_language == "ko"
    detect, translate = fake_server.requests
    assert detect["method"] == "POST"
    assert detect["path"] == "/v3/projects/imogen-test/locations/global:detectLanguage"
    assert detect["body"]["content"] == KOREAN
    assert translate["path"] == "/v3/projects/imogen-test/locations/global:translateText"
    assert translate["body"]["contents"] == [KOREAN] and translate["body"]["targetLanguageCode"] == "en"

    fake_server.answer((403, {"error": {"code": 403, "message": "denied", "status": "PERMISSION_DENIED"}}))
    with pytest.raises(TranslationError, match="refused"):
        prepare_prompts(KOREAN, "", get_provider("karlo"), get_translator())
