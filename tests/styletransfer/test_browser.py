"""The style transfer pages in headless Chromium with a real worker: samples and uploads, live progress, result."""
import io

import pytest
from PIL import Image

from tests.conftest import image_bytes, screenshot, wait_in_page

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def choose_tiny_size(page):
    page.select_option("#st-size", "custom")
    page.fill("#st-width", "48")
    page.fill("#st-height", "32")
    page.select_option("#st-preset", "preview")


def follow_job_to_the_result(page, name):
    """On the job page: the bar moves, the preview updates, then the result and its actions appear."""
    page.wait_for_url("**/style/jobs/*/")
    bar = page.locator(".progress-bar")
    wait_in_page(page, "() => parseFloat(document.querySelector('.progress-bar').style.width) > 0", timeout=90)
    first_width = float(bar.evaluate("el => parseFloat(el.style.width)"))
    preview = page.locator(".st-preview")
    preview.wait_for(state="visible", timeout=90000)
    first_src = preview.get_attribute("src")
    screenshot(page, f"{name}-running")
    wait_in_page(
        page, "src => { const img = document.querySelector('.st-preview');"
        " return document.querySelector('#st-job').dataset.status === 'succeeded' || img.getAttribute('src') !== src; }",
        arg=first_src, timeout=90)
    later_width = float(bar.evaluate("el => parseFloat(el.style.width)"))
    page.locator(".st-result").wait_for(state="visible", timeout=120000)
    assert later_width >= first_width
    assert page.locator(".st-status").inner_text() in ("Succeeded", "완료")
    return first_width, first_src


def check_result_actions(page):
    download_link = page.locator(".st-download")
    name = download_link.get_attribute("download")
    assert name.startswith("imogen-style-") and name.endswith("-48x32.png")
    creation = page.locator(".st-share").get_attribute("href").split("/")[-2]
    assert page.locator(".st-edit").get_attribute("href") == f"/editor/?creation={creation}"
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == name
    image = Image.open(io.BytesIO(open(download.path(), "rb").read()))
    assert image.size == (48, 32)
    form = page.locator("form.email-form")
    if form.count():
        assert form.get_attribute("data-creation-id") == creation
    return creation


def test_pick_two_samples_watch_progress_and_download(page, style_worker):
    page.goto("/style/")
    assert page.locator(".st-picker[data-side=content] .st-sample").count() == 16
    assert page.locator(".st-picker[data-side=style] .st-sample").count() == 16
    screenshot(page, "style-create-desktop")
    page.locator(".st-picker[data-side=content] .st-sample").nth(9).click()  # the cat
    page.locator(".st-picker[data-side=style] .st-sample").nth(2).click()  # stained glass
    assert page.locator(".st-picker[data-side=content] .st-chosen-title").inner_text() == "Cat under the moon"
    assert page.locator(".st-picker[data-side=style] .st-sample").nth(2).get_attribute("aria-pressed") == "true"
    choose_tiny_size(page)
    page.get_by_role("button", name="Paint my wallpaper").click()
    first_width, first_src = follow_job_to_the_result(page, "style-job-samples")
    assert first_src != page.locator(".st-result-image").get_attribute("src")
    screenshot(page, "style-job-done-desktop")
    check_result_actions(page)
    page.goto("/style/jobs/")
    assert page.locator(".st-job-item").count() == 1
    screenshot(page, "style-my-jobs")


def test_upload_a_photo_on_a_phone(browser_context_factory, style_worker, tmp_path):
    context = browser_context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "Content Security" in m.text else None)
    page.goto("/style/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "style-create-phone")
    picker = page.locator(".st-picker[data-side=content]")
    picker.get_by_role("tab", name="Upload").click()
    photo = tmp_path / "my-photo.png"
    photo.write_bytes(image_bytes("PNG", size=(96, 64), color=(240, 120, 40)))
    picker.locator("input[type=file]").set_input_files(str(photo))
    picker.locator(".st-chosen-title", has_text="my-photo.png").wait_for()  # after the page has decoded it
    assert picker.locator(".st-chosen-image").get_attribute("src").startswith("blob:")
    # a GIF is refused before anything is sent
    gif = tmp_path / "fake.png"
    gif.write_bytes(b"GIF89a")
    style = page.locator(".st-picker[data-side=style]")
    style.get_by_role("tab", name="Upload").click()
    style.locator("input[type=file]").set_input_files({"name": "anim.gif", "mimeType": "image/gif", "buffer": b"GIF89a"})
    style.locator(".field-error").wait_for(state="visible")
    assert "PNG, JPEG, WebP, HEIC/HEIF, AVIF" in style.locator(".field-error").inner_text()
    style.get_by_role("tab", name="Samples").click()
    style.locator(".st-sample").nth(4).click()
    choose_tiny_size(page)
    page.get_by_role("button", name="Paint my wallpaper").click()
    follow_job_to_the_result(page, "style-job-upload-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "style-job-done-phone")
    check_result_actions(page)
    assert not problems, problems
