"""A still job page: the preview box has the result's shape and size from the first frame, previews of every pass
size are scaled into it, and nothing else on the page moves while the job runs (Chromium at 1440 px and 390 px).
The worker's part (progress, stage, previews of growing size) is played through the database."""
import pytest
from django.utils import timezone
from PIL import Image

from core.models import JobStatus
from core.uploads import save_image
from styletransfer.models import StyleTransferJob
from tests.conftest import screenshot, wait_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WATCHED = (".st-preview-box", ".st-notify", ".st-cancel", ".progress")
# As a 1920×1080 `standard` job shows them: the feed-forward picture (thumbnailed to 1024), then the passes.
PREVIEWS = [(1024, 576), (120, 68), (240, 135), (480, 270), (960, 540), (1024, 576)]
STAGES = ["Painting a first version", "Painting: pass 1 of 5 (120×68)", "Painting: pass 2 of 5 (240×135)",
          "Painting: pass 3 of 5 (480×270)", "Painting: pass 4 of 5 (960×540)", "Painting: pass 5 of 5 (1920×1080)"]


def boxes(page):
    return page.evaluate("sels => sels.map(s => { const r = document.querySelector(s).getBoundingClientRect();"
                         " return [r.x, r.y + window.scrollY, r.width, r.height].map(Math.round); })", list(WATCHED))


def show_preview(page, job, size, stage, progress):
    job.preview.name = save_image(Image.new("RGB", size, (40, 90, 160)), "style/previews", fmt="JPEG")
    StyleTransferJob.objects.filter(pk=job.pk).update(preview=job.preview.name, preview_at=timezone.now(),
                                                      stage=stage, progress=progress, heartbeat_at=timezone.now())
    wait_in_page(page, "name => { const img = document.querySelector('.st-preview');"
                 " return img.complete && img.naturalWidth > 0 && (img.getAttribute('src') || '').includes(name); }",
                 arg=job.preview.name.rsplit("/", 1)[-1].rsplit(".", 1)[0], message=f"the {size} preview")
    wait_in_page(page, "stage => document.querySelector('.st-job-stage').textContent === stage", arg=stage)


@pytest.mark.parametrize("viewport", [{"width": 1440, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop-1440", "phone-390"])
def test_the_preview_box_keeps_its_size_while_previews_change_size(browser_context_factory, viewport, media_root):
    context = browser_context_factory(viewport=viewport, is_mobile=viewport["width"] < 500)
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    token = page.request.get("/api/csrf/").json()["csrftoken"]
    response = page.request.post("/api/style-transfer/jobs/", headers={"X-CSRFToken": token}, multipart={
        "width": "1920", "height": "1080", "preset": "standard", "content_sample": "content-02",
        "style_sample": "style-03"})
    assert response.status == 202, response.text()
    job = StyleTransferJob.objects.get(pk=response.json()["id"])
    page.goto(f"/style/jobs/{job.pk}/")
    first = boxes(page)  # still waiting: no preview yet, the words in the box
    x, y, width, height = first[0]
    assert width == pytest.approx(height * 1920 / 1080, abs=2)  # the result's shape before any picture
    card = page.evaluate("() => { const c = document.querySelector('.st-running'), s = getComputedStyle(c);"
                         " return c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }")
    assert width >= min(card, 0.7 * viewport["height"] * 16 / 9) - 2  # as big as the result will be shown
    StyleTransferJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now(),
                                                      heartbeat_at=timezone.now(), stage=STAGES[0])
    wait_in_page(page, "() => document.querySelector('#st-job').dataset.status === 'running'")
    assert boxes(page) == first
    for index, (size, stage) in enumerate(zip(PREVIEWS, STAGES)):
        show_preview(page, job, size, stage, 0.1 + 0.15 * index)
        assert boxes(page) == first, f"the page moved when the {size} preview came"
        img = page.locator(".st-preview").bounding_box()
        assert (round(img["width"]), round(img["height"])) == (width, height)  # scaled to fit the box
        if index == 2:
            screenshot(page, f"style-job-still-{viewport['width']}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert not problems, problems
