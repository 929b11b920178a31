"""In Chromium: write a Korean prompt, watch the job, get the pictures, download one."""
import io

import pytest
from PIL import Image

from core.pngmeta import read_metadata
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_korean_prompt_to_downloaded_wallpaper(page, celery_worker):
    page.goto("/text2image/")
    assert "Offline engine" in page.locator("#t2i-provider").inner_text()
    page.fill("#t2i-prompt", "밤하늘 아래 눈 덮인 산과 호수")
    page.fill("#t2i-negative", "구름")
    page.select_option("#t2i-samples", "2")
    page.fill("#t2i-seed", "2024")
    screenshot(page, "text2image-create")
    page.get_by_role("button", name="Draw").click()
    page.wait_for_url("**/text2image/jobs/*/")
    results = page.locator(".t2i-result")
    results.nth(1).wait_for(timeout=90000)
    assert page.locator("#t2i-status").inner_text() == "Done"
    assert page.locator("#t2i-translated").inner_text() == "밤하늘 아래 눈 덮인 산과 호수"
    assert page.locator(".toast.success").count() == 1
    first = results.first
    creation_id = first.get_attribute("data-creation-id")
    assert first.locator(".t2i-edit").get_attribute("href") == f"/editor/?creation={creation_id}"
    assert first.locator(".t2i-share").get_attribute("href") == f"/gallery/c/{creation_id}/"
    assert first.locator("form.email-form").get_attribute("data-creation-id") == creation_id
    screenshot(page, "text2image-job")

    with page.expect_download() as info:
        first.locator(".t2i-download").click()
    download = info.value
    assert download.suggested_filename.startswith("imogen-text2image-") and download.suggested_filename.endswith(
        "1920x1080.png")
    image = Image.open(io.BytesIO(open(download.path(), "rb").read()))
    assert image.size == (1920, 1080) and read_metadata(image)["prompt"] == "밤하늘 아래 눈 덮인 산과 호수"

    page.get_by_role("link", name="Run again with these settings").click()
    assert page.locator("#t2i-prompt").input_value() == "밤하늘 아래 눈 덮인 산과 호수"
    assert page.locator("#t2i-seed").input_value() == "2024"


def test_phone_layout_and_korean_page(browser_context_factory):
    context = browser_context_factory(locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto("/text2image/")
    assert page.locator("h1").inner_text() == "원하는 배경화면을 글로 써 보세요"
    page.get_by_role("button", name="그리기").click()  # empty prompt: told, nothing sent
    assert page.locator("[data-error-for=prompt]").inner_text() == "보고 싶은 장면을 적어 주세요."
    # The live counter shows the provider's limit; over it, it says by how much and nothing is sent (or cut).
    page.fill("#t2i-prompt", "바다" * 501)
    counter = page.locator("#t2i-prompt-count")
    assert counter.locator(".t2i-count-now").inner_text() == "1002"
    assert counter.locator(".t2i-count-over").inner_text() == "오프라인 엔진 (내장)의 한도보다 2자 깁니다. 보내려면 프롬프트를 줄여 주세요."
    page.get_by_role("button", name="그리기").click()
    assert page.url.endswith("/text2image/") and len(page.input_value("#t2i-prompt")) == 1002
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "text2image-phone-ko")


def test_korean_sketch_mode_explains_and_marks_the_words_it_understood(browser_context_factory):
    """No provider connected: the page says, in Korean, that Imogen makes keyword sketches, and marks as one types
    which words it understood and which it cannot draw (the lighthouse is not silently left out)."""
    context = browser_context_factory(locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto("/text2image/")
    sketch = page.locator("#t2i-sketch")
    assert sketch.locator("h2").inner_text() == "스케치 모드"
    assert "키워드로 ‘스케치’ 풍경을 만듭니다" in sketch.inner_text() and "등대" in sketch.inner_text()
    assert "키워드로 풍경을 그린 스케치" in page.locator(".lead").inner_text()
    page.fill("#t2i-prompt", "노을 지는 바다 위의 등대")
    understood = page.locator("#t2i-understood mark.t2i-word-ok")
    understood.nth(1).wait_for()
    assert understood.all_inner_texts() == ["노을", "바다"]
    assert understood.first.get_attribute("title") == "노을 진 하늘"
    assert page.locator("#t2i-missing s.t2i-word-missing").all_inner_texts() == ["등대"]
    assert page.locator("#t2i-understood .t2i-words-label").inner_text() == "알아들은 단어:"
    assert page.locator("#t2i-missing .t2i-words-label").inner_text() == "그릴 수 없는 단어:"
    assert page.locator("#t2i-motifs").inner_text() == "그릴 것: 노을 진 하늘, 바다나 호수"
    page.fill("#t2i-negative", "구름")  # the sketch adds clouds unasked: the negative prompt takes them away
    note = page.locator("#t2i-negative-note")
    note.wait_for()
    assert note.inner_text() == "네거티브 프롬프트에 따라 뺀 것: 구름."
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "text2image-sketch-mode-ko")
