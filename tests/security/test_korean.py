"""The refusals of issue 15 (items 2, 3, 4) in Korean for Korean visitors."""
import pytest
from PIL import Image

from gallery.models import Creation

pytestmark = pytest.mark.django_db


def hangul(text):
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def test_refusals_are_in_korean(client, settings, korean):
    from styletransfer import samples

    settings.IMOGEN_STYLE_MEMORY_BUDGET_MB = 2867
    body = {"content_sample": samples.by_kind("content")[0].id, "style_sample": samples.by_kind("style")[0].id,
            "preset": "high", "size_preset": "4k"}
    words = client.post("/api/style-transfer/jobs/", body, HTTP_ACCEPT_LANGUAGE="ko").json()["size_preset"][0]
    assert hangul(words) and "7.6 GB" in words and "“preview”" in words, words

    fields = {f"f{n}": "x" for n in range(1001)}
    answer = client.post("/api/uploads/inspect/", fields, HTTP_ACCEPT_LANGUAGE="ko")
    assert answer.status_code == 400 and hangul(answer.json()["detail"]) and "1000" in answer.json()["detail"]

    settings.IMOGEN_STORAGE_QUOTA_ANONYMOUS_MB = 1
    client.get("/")
    creation = Creation.objects.create_from_image(Image.new("RGB", (8, 8)), kind="edit",
                                                  session_key=client.session.session_key)
    Creation.objects.filter(pk=creation.pk).update(byte_size=2 * 2**20)
    answer = client.post("/api/editor/renders/", {"creation": str(creation.pk)}, HTTP_ACCEPT_LANGUAGE="ko")
    assert answer.status_code == 403 and hangul(answer.json()["detail"]), answer.json()
