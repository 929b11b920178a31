""""Remix" from a public post and "Run again" from a result: the style tool opens with the same images, every
setting and the seed, and painting it unchanged gives the same picture, pixel for pixel (CPU, in process)."""
import re

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from gallery.models import Creation
from styletransfer.models import StyleTransferJob
from styletransfer.tasks import paint
from tests.factories import make_user
from tests.styletransfer.test_api import URL, noisy_png, upload

OPTIONS = {"preset": "preview", "width": "48", "height": "32", "style_strength": "1.7", "preserve_colors": "true",
           "seed": "4242"}


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMOGEN_TORCH_THREADS = 1
    settings.IMOGEN_STYLE_PROGRESS_SECONDS = 30


def painted(job_id):
    """Run the job's work in this process (what the worker calls) and return its creation's pixels."""
    job = StyleTransferJob.objects.get(pk=job_id)
    job.result = paint(job)["result"]
    job.save(update_fields=["result"])
    with job.result.image.open("rb") as handle:
        return job, np.asarray(Image.open(handle).convert("RGB"))


def form_values(html):
    """What the create page's form will send, read from its HTML (the page's own JS sends exactly these)."""
    def selected(select_id):
        block = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
        return re.search(r'<option value="([^"]+)" selected>', block).group(1)

    def value(input_id):
        return re.search(rf'id="{input_id}"[^>]*value="([^"]*)"', html).group(1)

    sides = {}
    for side in ("content", "style"):
        picker = re.search(rf'<section class="card st-picker" data-side="{side}"[^>]*>', html).group(0)
        source = re.search(r'data-from="([^"]+)"', picker)
        chosen = re.search(rf'data-side="{side}".*?class="st-sample selected" data-sample-id="([^"]+)"', html, re.S)
        sides[side] = ({f"{side}_from": source.group(1)} if source else {f"{side}_sample": chosen.group(1)})
    checked = re.search(r'id="st-colors" name="preserve_colors"( checked)?', html).group(1)
    values = {"preset": selected("st-preset"), "style_strength": value("st-strength"), "seed": value("st-seed"),
              "preserve_colors": "true" if checked else "false", **sides["content"], **sides["style"]}
    if selected("st-size") == "custom":
        values.update(width=value("st-width"), height=value("st-height"))
    else:
        values["size_preset"] = selected("st-size")
    return values


@pytest.mark.django_db
def test_remix_and_run_again_paint_the_same_picture_pixel_for_pixel(client):
    # The owner paints their own upload in a bundled style, then shares it with its settings.
    owner = make_user("painter@example.com", "Painter")
    client.force_login(owner)
    made = client.post(URL, {"content_image": upload(noisy_png(60, 40)), "style_sample": "style-05", **OPTIONS})
    assert made.status_code == 202, made.content
    first, pixels = painted(made.json()["id"])
    creation = first.result
    Creation.objects.filter(pk=creation.pk).update(published_at=timezone.now(), title="Noise", show_settings=True)

    # The public post says what made it in plain words, with the two inputs as thumbnails and a Remix link.
    visitor = Client()
    visitor.force_login(make_user("fan@example.com", "Fan"))
    post = visitor.get(creation.get_absolute_url()).content.decode()
    for raw in ("style_strength", "preserve_colors", "size_preset", "job_id", "seed:", "preview"):
        assert raw not in post.split('<dl class="made-with">')[1].split("</dl>")[0]
    assert "Style strength" in post and "1.7" in post and "4242" in post and "Fast draft" in post
    assert post.count('class="made-with-thumb"') == 2
    remix = re.search(r'<a class="button" id="remix" href="([^"]+)">Remix</a>', post).group(1).replace("&amp;", "&")

    # Remix: the create page comes filled in; sending it unchanged paints the very same pixels.
    page = visitor.get(remix).content.decode()
    values = form_values(page)
    assert values == {"preset": "preview", "style_strength": "1.7", "seed": "4242", "preserve_colors": "true",
                      "content_from": str(creation.pk), "style_sample": "style-05", "width": "48", "height": "32"}
    again = visitor.post(URL, values)
    assert again.status_code == 202, again.content
    second, remixed = painted(again.json()["id"])
    assert second.content_image.name != first.content_image.name  # the remixer's own copy of the upload
    assert remixed.shape == pixels.shape == (32, 48, 3)
    assert np.array_equal(remixed, pixels)

    # Run again (the owner, from the result): the same pixels again.
    values = form_values(client.get(f"/style/?remix={creation.pk}").content.decode())
    assert values["seed"] == "4242" and values["content_from"] == str(creation.pk)
    _, rerun = painted(client.post(URL, values).json()["id"])
    assert np.array_equal(rerun, pixels)


@pytest.mark.django_db
def test_nobody_else_remixes_a_private_or_settings_hidden_picture(client):
    owner = make_user("quiet@example.com", "Quiet")
    client.force_login(owner)
    made = client.post(URL, {"content_image": upload(noisy_png(60, 40)), "style_sample": "style-02", **OPTIONS})
    job = StyleTransferJob.objects.get(pk=made.json()["id"])
    creation = Creation.objects.create_from_image(Image.new("RGB", (48, 32)), kind="style", owner=owner,
                                                  metadata={"job_id": str(job.pk), **job.options})
    stranger = Client()
    for published, shown in ((None, True), (timezone.now(), False)):
        Creation.objects.filter(pk=creation.pk).update(published_at=published, show_settings=shown)
        page = stranger.get(f"/style/?remix={creation.pk}").content.decode()
        assert "data-from=" not in page and 'id="st-remix-note"' not in page
        refused = stranger.post(URL, {"content_from": str(creation.pk), "style_sample": "style-02", **OPTIONS})
        assert refused.status_code == 400 and "content_from" in refused.json()
        post = stranger.get(creation.get_absolute_url())
        if published:
            assert 'id="remix"' not in post.content.decode() and "made-with-thumb" not in post.content.decode()
    assert StyleTransferJob.objects.count() == 1
