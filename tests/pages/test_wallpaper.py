"""Wallpaper-app touches on a phone: "Save to Photos" hands the full-resolution PNG to the share sheet (or downloads
it where the browser cannot share files), the lock-screen preview, Remix sends the seed and the same images, the
custom-size error marks its fields, and the phone editor keeps the picture in view with the chosen preset lit.

navigator.share is the browser's own API (a system sheet no test can press), so the page gets a stand-in for it
through add_init_script that records what it was given; everything else is the real page."""
from pathlib import Path

import pytest
from django.utils import timezone

from styletransfer.models import StyleTransferJob
from tests.conftest import ARTIFACTS, screenshot
from tests.factories import make_user
from tests.pages.test_sweep import PHONE, signed_in, wallpaper, watched

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARE_STUB = """
window.__shared = [];
navigator.canShare = (data) => !!(data && data.files && data.files.length);
navigator.share = async (data) => {
  const file = data.files[0];
  const bitmap = await createImageBitmap(file);
  window.__shared.push({name: file.name, type: file.type, size: file.size, width: bitmap.width,
                        height: bitmap.height, title: data.title});
};
"""
NO_FILE_SHARING = "Object.defineProperty(Navigator.prototype, 'canShare', {value: undefined, configurable: true});"


@pytest.fixture
def post(db):
    from styletransfer import samples

    owner = make_user("painter@example.com", "Painter")
    creation = wallpaper(owner, (1080, 1920), "Tall", published_at=timezone.now(), show_settings=True)
    options = {"preset": "preview", "width": 1080, "height": 1920, "size": None, "size_preset": "",
               "style_strength": 2.0, "preserve_colors": False, "seed": 4242}
    content, style = samples.by_kind("content")[2], samples.by_kind("style")[3]
    job = StyleTransferJob.objects.create(owner=owner, content_sample=content.id, style_sample=style.id,
                                          options=options, status="succeeded", progress=1, result=creation)
    creation.metadata = {"job_id": str(job.pk), **options}
    creation.save(update_fields=["metadata"])
    return {"creation": creation, "job": job, "owner": owner, "content": content, "style": style}


def phone(browser_context_factory, script=None):
    context = browser_context_factory(viewport=PHONE, is_mobile=True, has_touch=True)
    if script:
        context.add_init_script(script)
    return context


def test_save_to_photos_shares_the_full_png_and_falls_back_to_a_download(browser_context_factory, post):
    creation = post["creation"]
    page = watched(phone(browser_context_factory, SHARE_STUB))
    page.goto(creation.get_absolute_url())
    page.get_by_role("button", name="Save to Photos / Set as wallpaper").click()
    page.wait_for_function("() => window.__shared.length === 1")
    shared = page.evaluate("window.__shared[0]")
    assert shared["name"] == creation.file_name and shared["name"].endswith(".png")
    assert shared["type"] == "image/png" and shared["size"] > 20000
    assert (shared["width"], shared["height"]) == (1080, 1920)  # the full resolution, not the thumbnail

    # The lock-screen preview: a clock and status bar over the picture, toggled with CSS only.
    lock = page.locator(".lock-screen")
    assert not lock.is_visible()
    page.get_by_text("Preview on a lock screen").click()
    assert lock.is_visible() and page.locator(".lock-time").inner_text() == "9:41"
    box, picture = lock.bounding_box(), page.locator(".lock-stage img").bounding_box()
    assert abs(box["width"] - picture["width"]) <= 1 and abs(box["height"] - picture["height"]) <= 1
    screenshot(page, "lock-screen-preview-phone")
    page.get_by_text("Hide the lock screen").click()
    assert not lock.is_visible()

    # Where the browser cannot share files: the same button downloads the picture under its name.
    fallback = watched(phone(browser_context_factory, NO_FILE_SHARING))
    fallback.goto(creation.get_absolute_url())
    with fallback.expect_download() as download:
        fallback.get_by_role("button", name="Save to Photos / Set as wallpaper").click()
    assert download.value.suggested_filename == creation.file_name
    assert Path(download.value.path()).stat().st_size == shared["size"]  # the same file the share sheet got
    assert not page.problems and not fallback.problems


def test_remix_sends_the_seed_and_the_same_images_and_size_errors_mark_their_fields(
        browser_context_factory, live_server, post):
    context = phone(browser_context_factory)
    signed_in(context, make_user("fan@example.com", "Fan"), live_server.url)
    page = watched(context)
    page.goto(post["creation"].get_absolute_url())
    assert page.locator(".made-with-thumb").count() == 2 and page.locator(".like-button").count() == 1
    page.get_by_role("link", name="Remix").click()
    page.wait_for_url("**/style/?remix=*")
    sent = []
    page.route("**/api/style-transfer/jobs/", lambda route: (sent.append(route.request.post_data_buffer),
                                                             route.fulfill(status=400, json={"width": ["x"]})))
    page.get_by_role("button", name="Paint my wallpaper").click()
    page.locator("#st-size-error").wait_for()
    body = sent[0].decode("latin-1")

    def field(name):
        return body.split(f'name="{name}"\r\n\r\n', 1)[1].split("\r\n", 1)[0]

    assert field("seed") == "4242" and field("style_strength") == "2"
    assert (field("width"), field("height"), field("preset")) == ("1080", "1920", "preview")
    assert field("content_sample") == post["content"].id and field("style_sample") == post["style"].id
    # The refused size: the field is marked and the words sit under it, not only in a popup.
    assert page.locator("#st-width").get_attribute("aria-invalid") == "true"
    assert page.locator("#st-height").get_attribute("aria-invalid") is None
    page.unroute("**/api/style-transfer/jobs/")

    # The owner cannot like their own post; "Run again" from the result opens the same form.
    owner = phone(browser_context_factory)
    signed_in(owner, post["owner"], live_server.url)
    mine = watched(owner)
    mine.goto(post["creation"].get_absolute_url())
    assert mine.locator(".like-button").count() == 0 and mine.locator(".like-own").count() == 1
    mine.goto(f"/style/jobs/{post['job'].pk}/")
    mine.get_by_role("link", name="Run again with these settings").click()
    mine.wait_for_url(f"**/style/?remix={post['creation'].pk}")
    assert mine.locator("#st-seed").input_value() == "4242"
    assert not page.problems and not mine.problems


def test_phone_editor_keeps_the_picture_in_view_and_lights_the_chosen_preset(
        browser_context_factory, live_server, post):
    context = phone(browser_context_factory)
    signed_in(context, post["owner"], live_server.url)
    page = watched(context)
    page.goto(f"/editor/?creation={post['creation'].pk}")
    preview = page.locator("#editor-preview")
    preview.wait_for()
    page.wait_for_function("() => document.getElementById('editor-preview').complete")
    assert "×" not in page.locator(".editor-controls").inner_text()
    warm = page.locator('.editor-preset[data-preset="warm"]')
    warm.click()
    assert warm.get_attribute("aria-pressed") == "true" and "active" in warm.get_attribute("class")
    last = page.locator(".editor-slider input[type=range]").last
    last.scroll_into_view_if_needed()
    last.fill("5")  # moving a slider leaves the preset
    box = preview.bounding_box()
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
    assert box["y"] >= header - 1 and box["y"] + box["height"] <= PHONE["height"], f"the picture scrolled away: {box}"
    assert warm.get_attribute("aria-pressed") == "false"
    ARTIFACTS.mkdir(exist_ok=True)  # the screen as the person sees it (a full-page capture would unstick it)
    page.screenshot(path=str(ARTIFACTS / "editor-phone-adjusting.png"))
    assert not page.problems
