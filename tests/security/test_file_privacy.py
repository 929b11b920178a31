"""Item 5: a public visitor's copy of a creation carries only what its owner chose to show.

A text-to-image PNG is written with the prompt, negative prompt, job id and A1111 `parameters` chunks, and its
download name is built from the prompt. Visitors fetch it by the image link (/media/…) and by the Download
buttons (gallery and text-to-image): none of them may carry the prompt when "show the settings" is off."""
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from gallery.models import Creation, CreationKind
from tests.factories import PASSWORD, make_user
from text2image.tasks import png_metadata

from .conftest import log_in

PROMPT = "secret lighthouse above a stormy sea"
JOB_ID = "6f1c0b7e-0000-4000-8000-123456789abc"


def t2i_creation(owner, show_settings):
    metadata = {"prompt": PROMPT, "negative_prompt": "hidden negative words", "translated_prompt": PROMPT,
                "translated_negative_prompt": "", "provider": "offline", "width": 64, "height": 40, "seed": 7,
                "job_id": JOB_ID}
    image = Image.new("RGB", (64, 40), (30, 90, 160))
    creation = Creation.objects.create_from_image(image, kind=CreationKind.TEXT2IMAGE, owner=owner, title=PROMPT,
                                                  metadata=metadata, pnginfo=png_metadata(metadata))
    creation.title, creation.published_at, creation.show_settings = "Night light", timezone.now(), show_settings
    creation.save()
    return creation


def text_chunks(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, dict(image.text)


def fetched(response, attribute_name=None):
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return SimpleNamespace(status=response.status_code, content=content, name=attribute_name,
                           disposition=response.headers.get("Content-Disposition", ""))


def visitor_files(http, creation):
    """Every copy a visitor can get: the image on the page, its Download button, the text-to-image download."""
    page = http.get(f"/gallery/c/{creation.pk}/")
    assert page.status_code == 200
    src = re.search(r'<img class="result-image" src="([^"]+)"', page.text).group(1)
    button = re.search(r'<a class="button primary" href="([^"]+)" download="([^"]*)"', page.text)
    # Django's live server answers /media/ itself (its media handler) where gunicorn reaches core.views.media:
    # the image link goes through the site's own route with the test client.
    files = {"image link": fetched(Client().get(src)),
             "download button": fetched(http.get(button.group(1)), button.group(2)),
             "text-to-image download": fetched(http.get(f"/text2image/download/{creation.pk}/"))}
    for name, item in files.items():
        assert item.status == 200, name
    return files, page.text


@pytest.mark.django_db(transaction=True)
def test_visitor_gets_no_prompt_job_id_or_prompt_name_when_settings_are_hidden(http):
    owner = make_user("owner@example.com", "Owner")
    creation = t2i_creation(owner, show_settings=False)
    files, page = visitor_files(http, creation)
    assert PROMPT not in page
    for name, item in files.items():
        assert b"lighthouse" not in item.content and JOB_ID.encode() not in item.content, name
        image, chunks = text_chunks(item.content)
        assert set(chunks) <= {"Software"}, (name, chunks)
        assert image.size == (64, 40) and image.getpixel((3, 3)) == (30, 90, 160), name
        assert "lighthouse" not in item.disposition and "lighthouse" not in (item.name or ""), name
    assert files["download button"].name == "imogen-text2image-64x40.png"
    assert "imogen-text2image-64x40.png" in files["text-to-image download"].disposition


@pytest.mark.django_db(transaction=True)
def test_shown_settings_travel_without_the_job_id_and_the_owner_keeps_everything(http, live_server):
    owner = make_user("owner@example.com", "Owner")
    creation = t2i_creation(owner, show_settings=True)
    files, _page = visitor_files(http, creation)
    _image, chunks = text_chunks(files["download button"].content)
    assert PROMPT in chunks["parameters"] and json.loads(chunks["imogen"])["prompt"] == PROMPT
    assert not any("job" in key for key in chunks) and JOB_ID.encode() not in files["download button"].content
    assert "lighthouse" in files["download button"].name

    from tests.conftest import HttpClient

    mine = log_in(HttpClient(live_server.url), "owner@example.com", PASSWORD)
    response = mine.get(f"/gallery/c/{creation.pk}/download/")
    _image, chunks = text_chunks(response.content)
    assert json.loads(chunks["imogen"])["job_id"] == JOB_ID and "lighthouse" in response.headers["Content-Disposition"]
    mine.close()


@pytest.mark.django_db(transaction=True)
def test_the_editor_does_not_hand_a_visitor_the_prompt_words(http):
    owner = make_user("owner@example.com", "Owner")
    creation = t2i_creation(owner, show_settings=False)
    page = http.get(f"/editor/?creation={creation.pk}")
    assert page.status_code == 200 and "lighthouse" not in page.text
    http.get("/api/csrf/")
    render = http.post("/api/editor/renders/", data={"creation": str(creation.pk), "brightness": "1.2",
                                                      "format": "png"})
    assert render.status_code in (200, 201), render.text
    made = Creation.objects.exclude(pk=creation.pk).get()
    assert "lighthouse" not in made.file_title and "lighthouse" not in render.text
