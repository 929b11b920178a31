"""Phone photos on the create page, in headless Chromium at 390 px in Korean: a 14 MB photo is shrunk in the page
and sent with a progress bar; the framing chooser's frame is moved by a touch drag and the result shows that part;
a refused file clears the choice and the button says what is missing."""
import io

import numpy as np
import pytest
from PIL import Image

from styletransfer.models import StyleTransferJob
from tests.conftest import screenshot, wait_in_page

from .test_framing import nearest_quadrant, run_in_process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "ko-KR"}


@pytest.fixture
def phone_page(browser_context_factory, korean):
    context = browser_context_factory(**PHONE)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and (
        "Content Security" in m.text or "Refused to" in m.text) else None)
    page.cdp = context.new_cdp_session(page)
    yield page
    assert not problems, problems


@pytest.fixture(autouse=True)
def fast_engine(settings, tmp_path):
    settings.IMOGEN_TORCH_THREADS = 1
    settings.IMOGEN_STYLE_PROGRESS_SECONDS = 30
    settings.MEDIA_ROOT = str(tmp_path / "media")


def big_phone_photo(path):
    """A 4032×3024 JPEG of about 14 MB (grainy, like a phone photo in low light)."""
    rng = np.random.default_rng(0)
    grain = np.tile(rng.integers(-60, 60, (756, 1008, 3), dtype=np.int16), (4, 4, 1))
    ramp = np.linspace(40, 215, 4032, dtype=np.float32)[None, :, None]
    Image.fromarray((grain + ramp).clip(0, 255).astype(np.uint8)).save(path, "JPEG", quality=98)
    return path


def content_picker(page):
    picker = page.locator(".st-picker[data-side=content]")
    picker.get_by_role("tab", name="업로드").click()
    return picker


def frame_for_64x32(page):
    """An instant 64×32 wallpaper keeping the photo's colours; the chooser's frame once it shows."""
    page.select_option("#st-size", "custom")
    page.fill("#st-width", "64")
    page.fill("#st-height", "32")
    page.locator("#st-height").dispatch_event("change")
    page.select_option("#st-preset", "instant")
    page.check("#st-colors")
    frame = page.locator(".framing-box")
    frame.wait_for(state="visible")
    return frame


def thumb_colour(page):
    return page.evaluate("""() => { const c = document.querySelector('.framing-thumb');
        return Array.from(c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data.slice(0, 3)); }""")


def paint_the_bottom_quarter(page, button):
    """Submit and run the job in process: the box sent is the bottom quarter of the 200×400 red-over-blue photo,
    and the result is blue (the "top-right" quadrant's colour)."""
    page.get_by_role("button", name=button).click()
    page.wait_for_url("**/style/jobs/*/", timeout=30000)
    job = StyleTransferJob.objects.get()
    assert job.options["crop"] == {"x": 0, "y": 300, "width": 200, "height": 100}
    creation = run_in_process(job.pk)
    with creation.image.open("rb") as handle:
        result = Image.open(io.BytesIO(handle.read()))
    assert result.size == (64, 32) and nearest_quadrant(result) == "top-right"


def test_a_14_mb_phone_photo_is_shrunk_in_the_page_and_sent_with_a_progress_bar(phone_page, broker, tmp_path):
    page = phone_page
    photo = big_phone_photo(tmp_path / "IMG_4032.jpg")
    assert photo.stat().st_size > 13 * 2**20
    page.goto("/style/")
    assert page.locator("#st-size").input_value() == "phone"  # phone-sized screen: the phone wallpaper
    picker = content_picker(page)
    assert picker.locator(".st-for-touch").inner_text() == "눌러서 사진 고르기"
    assert picker.locator(".st-for-touch").is_visible() and not picker.locator(".st-for-mouse").is_visible()
    picker.locator("input[type=file]").set_input_files(str(photo))
    note = picker.locator("[data-note-for=content]")
    wait_in_page(page, "() => document.querySelector('[data-note-for=content]').textContent.includes('줄였습니다')",
                 timeout=60)
    text = note.inner_text()
    assert "4032×3024" in text and "3840×2880" in text and "MB" in text, text
    page.select_option("#st-preset", "instant")
    # Slow the upload down to 3 MB/s, as on mobile data, so the bar is seen moving.
    page.cdp.send("Network.enable")
    page.cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                       "uploadThroughput": 3 * 2**20})
    page.get_by_role("button", name="배경화면 그리기").click()
    bar = page.locator(".st-upload-bar")
    wait_in_page(page, "() => { const w = parseFloat(document.querySelector('.st-upload-bar').style.width);"
                       " return w > 0 && w < 100; }", timeout=30)
    assert "보내는 중" in page.locator(".st-upload-text").inner_text()
    assert bar.is_visible()
    screenshot(page, "style-upload-progress-phone")
    page.wait_for_url("**/style/jobs/*/", timeout=60000)
    job = StyleTransferJob.objects.get()
    with job.content_image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert stored.size == (3840, 2880) and stored.format == "JPEG"  # the JPEG the page sent, kept as it came


def test_touch_drag_moves_the_frame_and_the_result_shows_that_part(phone_page, broker, tmp_path):
    page = phone_page
    photo = Image.new("RGB", (200, 400), (220, 40, 40))  # top half red ("top-left" colour)
    photo.paste((40, 60, 220), (0, 200, 200, 400))  # bottom half blue ("top-right" colour)
    path = tmp_path / "tall.png"
    photo.save(path)
    page.goto("/style/")
    picker = content_picker(page)
    picker.locator("input[type=file]").set_input_files(str(path))
    frame = frame_for_64x32(page)
    frame.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the chooser fits the phone
    stage = page.locator(".framing-stage").bounding_box()
    box = frame.bounding_box()
    assert abs(box["width"] - stage["width"]) < 2 and abs(box["height"] - stage["height"] / 4) < 2  # 2:1, centred

    # A finger on the frame's middle, dragged down past the photo's bottom edge.
    x, y = box["x"] + box["width"] / 3, box["y"] + box["height"] / 2
    page.cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        page.cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                                   "touchPoints": [{"x": x, "y": y + step * stage["height"] / 10}]})
    page.cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    moved = frame.bounding_box()
    assert abs(moved["y"] + moved["height"] - (stage["y"] + stage["height"])) < 2  # at the bottom now
    red, green, blue = thumb_colour(page)
    assert blue > 150 and red < 100, (red, green, blue)  # the live thumbnail shows the bottom half
    screenshot(page, "style-framing-phone")
    paint_the_bottom_quarter(page, "배경화면 그리기")
    page.locator(".st-result").wait_for(state="visible", timeout=30000)


def test_a_refused_file_clears_the_choice_and_the_button_says_what_is_missing(phone_page, tmp_path):
    page = phone_page
    page.goto("/style/")
    names = page.locator(".st-picker[data-side=content] .st-sample-name")
    assert names.first.is_visible() and names.first.inner_text()  # names under thumbnails, no hover needed
    page.locator(".st-picker[data-side=content] .st-sample").nth(2).click()
    picker = content_picker(page)
    picker.locator("input[type=file]").set_input_files(
        {"name": "anim.gif", "mimeType": "image/gif", "buffer": b"GIF89a" + b"\0" * 40})
    error = picker.locator("[data-error-for=content]")
    error.wait_for(state="visible")
    assert "HEIC" in error.inner_text() and "형식" in error.inner_text()
    assert picker.locator(".st-chosen-title").inner_text() == "선택한 이미지 없음"
    assert picker.locator(".st-sample.selected").count() == 0
    submit = page.locator(".st-submit")
    assert submit.inner_text() == "사진을 먼저 고르세요"
    submit.click()
    assert "/style/jobs/" not in page.url and not StyleTransferJob.objects.exists()
    screenshot(page, "style-refused-file-phone")
    picker.get_by_role("tab", name="샘플").click()
    picker.locator(".st-sample").nth(1).click()
    assert submit.inner_text() == "배경화면 그리기"
