"""Issue 21 item 7: a stranger with the link to a creation whose owner keeps the settings private sees none of them.

The attack: the creation page put `creation.title|default:creation.file_title` (the prompt of a text-to-image
picture) into the "Save to Photos" button's data-title for every viewer. Here every page and API answer a stranger
can reach for such a creation is fetched, unpublished and on the board, and searched for each private setting."""
import pytest
from django.test import Client
from django.utils import timezone

from gallery.models import CreationKind
from tests.factories import make_creation, make_user

PROMPT = "secret lighthouse above a stormy sea"
NEGATIVE = "hidden negative words"
JOB_ID = "6f1c0b7e-0000-4000-8000-123456789abc"
STYLE_TITLE = "Private sample words"


def stranger_pages(creation):
    """Every URL a stranger can open for `creation` (the board's only once it is published)."""
    pk = creation.pk
    urls = [f"/gallery/c/{pk}/", f"/editor/?creation={pk}", f"/style/?remix={pk}", f"/style/?style_creation={pk}",
            f"/gallery/c/{pk}/download/", f"/text2image/download/{pk}/", f"/api/board/{pk}/", f"/mail/send/{pk}/",
            f"/style/c/{pk}/input/content.jpg", f"/api/creations/{pk}/"]
    if creation.published_at:
        urls += ["/gallery/", "/gallery/?kind=" + creation.kind, "/api/board/"]
    return urls


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.django_db
@pytest.mark.parametrize("published", [False, True], ids=["by link", "on the board"])
def test_no_page_a_stranger_reaches_shows_a_private_prompt(published):
    owner = make_user("owner@example.com", "Owner")
    text = make_creation(owner=owner, kind=CreationKind.TEXT2IMAGE, metadata={
        "prompt": PROMPT, "negative_prompt": NEGATIVE, "seed": 987654, "job_id": JOB_ID})
    style = make_creation(owner=owner, kind=CreationKind.STYLE, metadata={"job_id": JOB_ID, "seed": 987654})
    for creation, words in ((text, PROMPT), (style, STYLE_TITLE)):
        creation.file_title = words
        creation.show_settings = False
        creation.published_at = timezone.now() if published else None
        creation.title = "Night light" if published else ""
        creation.save()

    stranger = Client()
    stranger.force_login(make_user("stranger@example.com", "Stranger"))
    anonymous = Client()
    for visitor in (stranger, anonymous):
        for creation in (text, style):
            for url in stranger_pages(creation):
                response = visitor.get(url)
                assert response.status_code in (200, 404), (url, response.status_code)
                seen = body(response)
                for secret in (PROMPT, "lighthouse", NEGATIVE, JOB_ID, "987654", STYLE_TITLE):
                    assert secret.encode() not in seen, (url, secret)
    # The owner still gets the words (the page is the same template).
    owner_client = Client()
    owner_client.force_login(owner)
    assert PROMPT.encode() in owner_client.get(f"/gallery/c/{text.pk}/").content
