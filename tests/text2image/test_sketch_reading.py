"""The offline engine's reading of a prompt reaches the API, not only the page (issue 24): the words it understood
and the ones it could not draw, and, for every provider, what happened to the negative prompt."""
import json

import pytest

from tests.factories import make_text2image_job, session_client

pytestmark = pytest.mark.django_db
URL = "/api/text2image/jobs/"
FOX = "a red fox in a snowy forest at night"


def submit(client, prompt, negative="", **extra):
    return client.post(URL, data=json.dumps({"prompt": prompt, "negative_prompt": negative, "width": 1920,
                                             "height": 1080}), content_type="application/json", **extra)


def test_the_api_lists_the_words_understood_the_words_not_drawn_and_what_the_negative_prompt_took_away(
        client, broker):
    response = submit(client, FOX, "moon")
    assert response.status_code == 202, response.content
    for answer in (response.json(), client.get(f"{URL}{response.json()['id']}/").json()):
        sketch = answer["sketch"]
        assert sketch["understood"] == ["red", "snowy", "forest", "night"]
        assert sketch["missing"] == ["fox"]  # "a", "in", "at" are filler: in neither list
        assert {"forest", "snow", "night sky", "red"} <= set(sketch["motifs"]) and "moon" not in sketch["motifs"]
        assert sketch["removed"] == ["moon"]  # a night sky has a moon unless the negative prompt says no
        assert answer["negative_prompt_note"] == "The negative prompt took away: moon."


def test_a_negative_prompt_with_nothing_to_take_away_says_so_and_none_says_nothing(client, broker):
    answer = submit(client, "a quiet lake at night", "people, text").json()
    assert answer["sketch"]["removed"] == []
    assert answer["negative_prompt_note"] == ("The negative prompt took nothing away: the sketch would not have "
                                              "drawn what it names.")
    answer = submit(client, "a quiet lake at night").json()
    assert answer["sketch"]["removed"] == [] and answer["negative_prompt_note"] == ""


def test_clouds_the_sketch_adds_unasked_can_be_taken_away(client, broker):
    answer = submit(client, "a blue lake", "clouds").json()
    assert answer["sketch"]["removed"] == ["clouds"]


def test_in_korean_the_reading_and_the_note_are_korean(client, broker, korean):
    answer = submit(client, "밤의 눈 덮인 숲과 여우", "달빛", HTTP_ACCEPT_LANGUAGE="ko").json()
    assert answer["sketch"]["understood"] == ["밤의", "눈", "숲과"] and answer["sketch"]["missing"] == ["여우"]
    assert answer["sketch"]["removed"] == ["달"]
    assert answer["negative_prompt_note"] == "네거티브 프롬프트에 따라 뺀 것: 달."


@pytest.mark.parametrize("provider,words", [
    ("automatic1111", "The negative prompt was sent to Stable Diffusion web UI (AUTOMATIC1111), which leaves out"),
    ("openai", "takes no negative prompt: it was added to the prompt as “Avoid: …”."),
])
def test_another_providers_job_has_no_sketch_and_says_where_the_negative_prompt_went(provider, words):
    client, key = session_client()
    job = make_text2image_job(session_key=key, negative_prompt="people")
    job.provider = provider
    job.save(update_fields=["provider"])
    answer = client.get(f"{URL}{job.pk}/").json()
    assert answer["sketch"] is None and words in answer["negative_prompt_note"]
    page = client.get(f"/text2image/jobs/{job.pk}/").content.decode()
    assert page.count('id="t2i-negative-note"') == 1 and words.replace("“", "&ldquo;")[:40] in page.replace(
        "“", "&ldquo;")
    job.negative_prompt = ""
    job.save(update_fields=["negative_prompt"])
    assert client.get(f"{URL}{job.pk}/").json()["negative_prompt_note"] == ""
    assert 'id="t2i-negative-note"' not in client.get(f"/text2image/jobs/{job.pk}/").content.decode()


def test_the_pages_say_what_the_negative_prompt_took_away_in_korean(korean):
    client, key = session_client()
    job = make_text2image_job(session_key=key, prompt=FOX, negative_prompt="moon")
    page = client.get(f"/text2image/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert page.count('id="t2i-negative-note"') == 1 and "네거티브 프롬프트에 따라 뺀 것: 달." in page
    fragment = client.get("/text2image/understand/", {"prompt": FOX, "negative_prompt": "people"},
                          HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "네거티브 프롬프트로 뺀 것은 없습니다" in fragment


def test_the_schema_documents_the_sketch_and_the_negative_prompt_note(client):
    components = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    job = components["TextToImageJob"]["properties"]
    assert "could not draw" in job["sketch"]["description"] and "sent" in job["negative_prompt_note"]["description"]
    reading = next(schema for name, schema in components.items() if name.startswith("SketchReading"))
    assert set(reading["properties"]) == {"understood", "missing", "motifs", "removed"}
