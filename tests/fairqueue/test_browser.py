"""The queue facts at phone width, in Korean: position and start time on a waiting job, the estimate (and the
title's percentage) on a running one. The worker's part is played through the database (no engine needed)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import JobStatus, WorkerBeat
from fairqueue.models import WorkRate, this_machine
from styletransfer.models import StyleTransferJob
from tests.conftest import screenshot, wait_for, wait_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": "1080", "height": "2400", "preset": "standard", "content_sample": "content-04",
         "style_sample": "style-05"}


def phone_page(browser_context_factory):
    context = browser_context_factory(locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True,
                                      has_touch=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" and (
        "Content Security Policy" in msg.text or "Refused to" in msg.text) else None)
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    return page, problems


def submit(page):
    token = page.request.get("/api/csrf/").json()["csrftoken"]
    response = page.request.post("/api/style-transfer/jobs/", multipart=PHONE,
                                 headers={"X-CSRFToken": token, "Accept-Language": "ko"})
    assert response.status == 202, response.text()
    return response.json()["id"]


def test_phone_korean_position_start_time_and_estimate(browser_context_factory, live_server):
    for key in ("someone-else-1", "someone-else-2"):  # two other people are ahead
        StyleTransferJob.objects.create(session_key=key, options={"preset": "standard", "width": 1080,
                                                                  "height": 2400}, content_sample="content-01",
                                        style_sample="style-01")
    page, problems = phone_page(browser_context_factory)
    waiting, running = submit(page), submit(page)
    job = StyleTransferJob.objects.get(pk=running)
    WorkRate.objects.create(machine=this_machine(), key=job.work_key(), seconds_per_unit=8.0, before_seconds=3,
                            after_seconds=2, samples=3)
    WorkerBeat.objects.create(hostname=f"style@{this_machine()}", queues="style")
    now = timezone.now()
    painted = timedelta(seconds=0.3 * job.work_units * 8.0)  # 30 % done, on the learned pace
    StyleTransferJob.objects.filter(pk=running).update(
        status=JobStatus.RUNNING, started_at=now - painted - timedelta(seconds=3), heartbeat_at=now,
        machine=this_machine(), work_started_at=now - painted, work_from=0.0, progress=0.3 * 0.98,
        stage="Painting: pass 3 of 5 (270×600)")

    page.goto(f"/style/jobs/{waiting}/")
    line = page.locator(".st-queue")
    wait_in_page(page, "() => document.querySelector('.st-queue').textContent.includes('분 후 시작')")
    text = line.inner_text()
    assert "내 배경화면 앞에 2개가 있어요" in text and "약" in text and "분 후 완성" in text, text
    assert page.title() == "대기 중 · Imogen"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "fairqueue-phone-ko-waiting")

    page.goto(f"/style/jobs/{running}/")
    wait_in_page(page, "() => document.querySelector('.st-eta').textContent.includes('남음')")
    assert "약" in page.locator(".st-eta").inner_text()
    assert page.locator(".st-queue").is_hidden()
    wait_in_page(page, "() => /^\\d+ % · Imogen$/.test(document.title)", message="the title's percentage")
    percent = int(page.title().split()[0])
    assert 25 <= percent <= 60, page.title()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "fairqueue-phone-ko-running")

    page.goto("/")  # the home page shows both, with their inputs
    tiles = page.locator(".fq-tile")
    assert tiles.count() == 2
    wait_in_page(page, "() => document.querySelectorAll('.fq-words')[0].textContent.includes('앞에 2개')")
    screenshot(page, "fairqueue-phone-ko-home")
    assert not problems, problems


def test_cancel_asks_first_once_a_job_has_run_a_minute(browser_context_factory, live_server):
    page, problems = phone_page(browser_context_factory)
    job_id = submit(page)
    now = timezone.now()
    StyleTransferJob.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING, started_at=now - timedelta(minutes=3), heartbeat_at=now, machine=this_machine(),
        work_started_at=now - timedelta(minutes=3), work_from=0.0, progress=0.5)
    page.goto(f"/style/jobs/{job_id}/")
    page.click(".st-cancel")
    question = page.locator(".st-cancel-question")
    question.wait_for(state="visible")
    assert "3분째" in question.inner_text()
    page.click(".st-cancel-no")  # keep painting: nothing was sent
    assert page.locator(".st-cancel-confirm").is_hidden()
    assert not StyleTransferJob.objects.get(pk=job_id).cancel_requested
    page.click(".st-cancel")
    page.click(".st-cancel-yes")
    wait_for(lambda: StyleTransferJob.objects.get(pk=job_id).cancel_requested, timeout=20,
             message="the cancel to reach the job")
    assert page.locator(".st-cancel").is_disabled()  # "Stopping…" while the worker stops

    fresh = submit(page)  # waiting, or running for less than a minute: canceled at once, no question
    page.goto(f"/style/jobs/{fresh}/")
    page.click(".st-cancel")
    wait_in_page(page, "() => document.querySelector('#st-job').dataset.status === 'canceled'")
    assert page.locator(".st-cancel-confirm").is_hidden()
    assert not problems, problems
