"""The editor page in headless Chromium: open a creation, move sliders, presets, undo, reset, before/after,
download at full resolution with the filters baked in, email the server rendering (real worker, real SMTP
server), share; uploads by file picker and drag-and-drop; a phone with touch."""
import io
import re

import numpy as np
import pytest
from PIL import Image

from editor.filters import apply_filters
from gallery.models import Creation, CreationKind
from tests.conftest import image_bytes, screenshot, wait_for, wait_in_page
from tests.mailer.conftest import SmtpServer, attachments, worker_env

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def source_creation(size=(300, 200)):
    image = Image.open(io.BytesIO(image_bytes("PNG", size=size, color=(180, 90, 40)))).convert("RGB")
    return Creation.objects.create_from_image(image, kind=CreationKind.STYLE, title="Starry night",
                                              session_key="someone-else"), image


def preview_filter(page):
    return page.locator("#editor-preview").evaluate("el => el.style.filter")


def slide(page, name, value):
    page.locator(f"#f-{name}").fill(str(value))


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


def test_edit_a_creation_download_email_and_share(page, worker_factory, smtp_server):
    worker_factory(queues="default", extra_env=worker_env(smtp_server.port))
    source, original = source_creation()
    page.goto(f"/editor/?creation={source.pk}")
    expect_ready = page.locator("#editor-download")
    expect_ready.wait_for(state="visible")
    wait_in_page(page, "!document.getElementById('editor-download').disabled")
    # someone else's picture: a neutral file name, no words from its title (issue 15, item 5)
    assert "imogen-style-300x200.png" in page.locator("#editor-source-name").inner_text()
    assert preview_filter(page) == "none"

    # sliders and the numeric boxes move together and drive the live CSS preview
    slide(page, "brightness", 1.3)
    slide(page, "sepia", 0.4)
    page.locator("#n-hue_rotate").fill("-30")
    page.locator("#n-hue_rotate").press("Enter")
    assert page.locator("#n-brightness").input_value() == "1.3"
    assert page.locator("#f-hue_rotate").input_value() == "-30"
    assert preview_filter(page) == "brightness(1.3) sepia(0.4) hue-rotate(-30deg)"

    # out-of-range numbers are held to the shared range
    page.locator("#n-contrast").fill("9")
    page.locator("#n-contrast").press("Enter")
    assert page.locator("#n-contrast").input_value() == "3"
    page.get_by_role("button", name="Undo").click()
    assert page.locator("#n-contrast").input_value() == "1"

    # before/after shows the original without touching the values
    page.get_by_role("button", name="Before / after").click()
    assert preview_filter(page) == "none"
    assert page.locator("#editor-compare-badge").is_visible()
    page.get_by_role("button", name="Before / after").click()
    assert "sepia(0.4)" in preview_filter(page)

    # a preset replaces the values; undo brings the previous ones back; reset clears everything
    page.get_by_role("button", name="Vintage").click()
    assert preview_filter(page) == "brightness(1.1) contrast(0.85) saturate(0.8) sepia(0.6)"
    page.get_by_role("button", name="Undo").click()
    assert preview_filter(page) == "brightness(1.3) sepia(0.4) hue-rotate(-30deg)"
    page.get_by_role("button", name="Reset").click()
    assert preview_filter(page) == "none"
    assert page.locator("#n-sepia").input_value() == "0"
    page.get_by_role("button", name="Undo").click()
    assert preview_filter(page) == "brightness(1.3) sepia(0.4) hue-rotate(-30deg)"
    screenshot(page, "editor-desktop")

    # download: full resolution, filters baked in, a name that says what it is
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename == "imogen-edit-style-brightness1.3-sepia0.4-huerotate-30-300x200.png"
    saved = Image.open(download.path())
    assert saved.format == "PNG" and saved.size == (300, 200)
    expected = np.asarray(apply_filters(original, {"brightness": 1.3, "sepia": 0.4, "hue_rotate": -30})).astype(int)
    assert np.abs(np.asarray(saved.convert("RGB")).astype(int) - expected).mean() <= 2
    page.locator("#editor-format").select_option("jpeg")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    assert info.value.suggested_filename.endswith("-300x200.jpg")
    assert Image.open(info.value.path()).format == "JPEG"

    # email: the server renders the same edit as a new creation, then the mailer sends it over SMTP
    page.get_by_role("button", name="Email").click()
    form = page.locator("#editor-email-box form.email-form")
    form.wait_for(state="visible")
    wait_for(lambda: form.get_attribute("data-creation-id"), message="rendered creation id", timeout=20)
    edited = Creation.objects.get(pk=form.get_attribute("data-creation-id"))
    assert edited.kind == "edit" and edited.metadata["source"]["id"] == str(source.pk)
    assert edited.metadata["filters"] == {"brightness": 1.3, "sepia": 0.4, "hue_rotate": -30.0}
    form.locator("input[name=to]").fill("friend@example.org")
    form.get_by_role("button", name="Send").click()
    page.locator(".toast.success", has_text="Email sent to friend@example.org").wait_for(timeout=60000)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message.rcpt_tos == ["friend@example.org"]
    files = attachments(message.message)
    assert files and files[0][0] == edited.file_name
    mailed = np.asarray(Image.open(io.BytesIO(files[0][2])).convert("RGB")).astype(int)
    assert np.abs(mailed - expected).max() <= 1

    # changing the edit closes the email form (it would send the old rendering)
    slide(page, "blur", 1)
    assert not form.is_visible()
    slide(page, "blur", 0)

    # share reuses that rendering (the edit is the same again) and opens its page
    count = Creation.objects.count()
    page.get_by_role("button", name="Share").click()
    page.wait_for_url(re.compile(rf"/gallery/c/{edited.pk}/$"))
    assert Creation.objects.count() == count


def test_open_an_upload_by_picker_and_by_drag_and_drop(page):
    page.goto("/editor/")
    assert page.locator("#editor-download").is_disabled()
    assert page.locator("#f-brightness").is_disabled()
    page.locator("#editor-file").set_input_files(
        files=[{"name": "beach.png", "mimeType": "image/png", "buffer": image_bytes("PNG", size=(120, 80))}])
    wait_in_page(page, "!document.getElementById('editor-download').disabled")
    assert "beach.png · 120×80" in page.locator("#editor-source-name").inner_text()
    slide(page, "grayscale", 1)
    # the server rendering of an upload sends the file along (Share → its page)
    page.get_by_role("button", name="Share").click()
    page.wait_for_url(re.compile(r"/gallery/c/[0-9a-f-]+/$"))
    edited = Creation.objects.get()
    assert edited.metadata["filters"] == {"grayscale": 1.0} and (edited.width, edited.height) == (120, 80)

    page.goto("/editor/")
    jpeg = list(image_bytes("JPEG", size=(90, 60)))
    page.evaluate("""(bytes) => {
        const file = new File([new Uint8Array(bytes)], "dropped.jpg", {type: "image/jpeg"});
        const data = new DataTransfer();
        data.items.add(file);
        const zone = document.getElementById("editor-drop");
        zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
    }""", jpeg)
    wait_in_page(page, "!document.getElementById('editor-download').disabled")
    assert "dropped.jpg · 90×60" in page.locator("#editor-source-name").inner_text()
    # a file that is not PNG/JPEG is refused with a popup
    page.locator("#editor-file").set_input_files(
        files=[{"name": "anim.gif", "mimeType": "image/gif", "buffer": b"GIF89a" + b"\0" * 40}])
    page.locator(".toast.error", has_text="PNG, JPEG, WebP or AVIF").wait_for()


def test_unknown_creation_link_says_so(page):
    page.goto("/editor/?creation=00000000-0000-0000-0000-000000000000")
    assert "does not exist" in page.locator(".message.error").inner_text()
    page.goto("/editor/?creation=nonsense")
    assert page.locator(".message.error").is_visible()


def test_phone_with_touch(browser_context_factory):
    context = browser_context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    source, _ = source_creation(size=(800, 1200))
    page.goto(f"/editor/?creation={source.pk}")
    wait_in_page(page, "!document.getElementById('editor-download').disabled")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Mono").tap()
    assert preview_filter(page) == "contrast(1.2) grayscale(1)"
    # drag the saturation slider with a finger: a tap on the track moves it (scrolled to first: the page settles a
    # slider below the pinned picture)
    page.locator("#f-saturate").scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    box = page.locator("#f-saturate").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    assert float(page.locator("#n-saturate").input_value()) > 2
    page.get_by_role("button", name="Before / after").tap()
    assert preview_filter(page) == "none"
    for selector in ("#editor-download", "#f-blur", ".editor-preset >> nth=0"):
        box = page.locator(selector).bounding_box()
        assert box["height"] >= 36 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(page, "editor-phone")
    assert not errors


def test_korean_page(browser_context_factory, korean):
    page = browser_context_factory(locale="ko-KR").new_page()
    page.goto("/editor/")
    assert page.locator("h1").inner_text() == "편집기"
    assert page.get_by_text("밝기", exact=True).count() == 1
    assert page.get_by_role("button", name="빈티지").count() == 1


def test_phone_pinned_picture_never_hides_a_slider_label(browser_context_factory):
    """On a phone the picture stays pinned while the sliders scroll: a slider reached with Tab, or where a scroll
    comes to rest, shows its label below the picture, not under it."""
    context = browser_context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    source, _ = source_creation(size=(1080, 1920))
    page.goto(f"/editor/?creation={source.pk}")
    wait_in_page(page, "!document.getElementById('editor-download').disabled")
    # A slider whose track shows below the picture while its label is under the picture: what the person must not meet.
    hidden = """() => { const f = document.querySelector('.editor-frame').getBoundingClientRect();
        return [...document.querySelectorAll('.editor-slider')].filter(s => {
          const label = s.querySelector('label').getBoundingClientRect();
          const track = s.querySelector('input[type=range]').getBoundingClientRect();
          return track.top >= f.bottom && label.top < f.bottom; }).map(s => s.dataset.filter); }"""
    for name in ("contrast", "sepia", "blur"):
        page.locator(f"#n-{name}").focus()
        page.wait_for_timeout(150)
        assert page.evaluate(hidden) == [], name
    met = {}
    for distance in range(600, 1400, 20):  # wherever a scroll comes to rest
        page.evaluate("window.scrollTo(0, 0)")
        page.mouse.wheel(0, distance)
        page.wait_for_timeout(400)  # the scroll settles (snaps)
        if found := page.evaluate(hidden):
            met[distance] = found
    assert met == {}
