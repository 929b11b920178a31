"""End to end with ComfyUI: a real worker process follows a prompt on a local ComfyUI-protocol server.

In Chromium, the job page shows ComfyUI's progress and preview frames and cancels cleanly (the server is told
to interrupt that prompt). Without a browser: the worker survives the WebSocket dropping mid-job (it finishes
from /history), and a workflow with a node error ends as a readable failure."""
import pytest

from gallery.models import Creation
from tests.conftest import screenshot, wait_for, wait_in_page
from text2image.models import TextToImageJob

from .test_e2e import finished, submit

pytestmark = pytest.mark.e2e


def comfy_worker(worker_factory, comfy):
    return worker_factory(queues="default", extra_env={
        "IMOGEN_T2I_PROVIDER": "comfyui", "IMOGEN_T2I_COMFYUI_URL": comfy.url, "IMOGEN_TRANSLATE_PROVIDER": "none",
        "IMOGEN_T2I_RETRIES": "1", "IMOGEN_T2I_BACKOFF": "0.01"})


@pytest.mark.browser
def test_job_page_shows_comfyui_progress_and_preview_then_cancels_cleanly(page, worker_factory, comfy, settings):
    settings.IMOGEN_T2I_PROVIDER = "comfyui"
    comfy.steps, comfy.step_delay, comfy.hold_at_step = 8, 0.3, 5
    worker = comfy_worker(worker_factory, comfy)
    page.goto("/text2image/")
    assert page.locator("#t2i-provider").inner_text() == "ComfyUI"
    page.fill("#t2i-prompt", "a lighthouse on a rocky cliff above a stormy sea")
    page.fill("#t2i-seed", "77")
    page.fill("#t2i-steps", "8")
    page.get_by_role("button", name="Draw").click()
    page.wait_for_url("**/text2image/jobs/*/")

    page.locator("#t2i-preview-box:not(.hidden) #t2i-preview").wait_for(timeout=60000)
    wait_in_page(page, "document.getElementById('t2i-stage').textContent.includes('step 4 of 8')", timeout=30)
    assert page.locator("#t2i-preview").evaluate("img => img.complete && img.naturalWidth") == 64
    assert page.locator("#t2i-progress").evaluate("bar => parseFloat(bar.style.width)") > 30
    assert page.locator("#t2i-queue").inner_text().startswith("Queue number 0 at ComfyUI · prompt id ")
    screenshot(page, "text2image-comfyui-progress")

    page.get_by_role("button", name="Cancel").click()
    wait_in_page(page, "document.getElementById('t2i-status').textContent === 'Canceled'", timeout=30)
    job = TextToImageJob.objects.get()
    assert job.status == "canceled" and job.steps == 8 and job.seed == 77, worker.output()[-2000:]
    assert comfy.posts("/interrupt") == [{"prompt_id": job.remote["prompt_id"]}]
    assert page.locator("#t2i-preview-box").is_hidden() and not job.images
    wait_for(lambda: comfy.history.get(job.remote["prompt_id"]), message="ComfyUI stopped the prompt")
    assert comfy.history[job.remote["prompt_id"]]["status"]["status_str"] == "error"  # interrupted there


def test_worker_survives_a_dropped_websocket_and_reports_a_node_error(worker_factory, comfy):
    comfy.steps, comfy.step_delay, comfy.drop_at_step = 5, 0.1, 2
    worker = comfy_worker(worker_factory, comfy)
    done = finished(submit(provider="comfyui", prompt="a lighthouse over a sunset sea", width=1344, height=768,
                           samples=2, seed=9, steps=12))
    assert done.status == "succeeded", done.error + worker.output()[-3000:]
    assert "WebSocket dropped" in worker.output()
    assert [r["path"] for r in comfy.requests].count("/ws") >= 2  # reconnect refused: finished from /history
    assert comfy.posts("/prompt")[0]["prompt"]["3"]["inputs"]["steps"] == 12
    creations = [Creation.objects.get(pk=i["creation_id"]) for i in done.images]
    assert [(c.width, c.height) for c in creations] == [(1344, 768), (1344, 768)]
    assert [(c.metadata["provider"], c.metadata["seed"], c.metadata["steps"], c.metadata["batch_index"])
            for c in creations] == [("comfyui", 9, 12, 0), ("comfyui", 9, 12, 1)]
    assert done.remote["number"] == 0 and done.remote["prompt_id"] in comfy.history

    comfy.refuse_ws, comfy.checkpoints = False, ["some-other-model.safetensors"]
    failed = finished(submit(provider="comfyui", prompt="a lighthouse", width=1344, height=768, samples=1))
    assert failed.status == "failed"
    assert failed.error.startswith("ComfyUI refused the workflow: 4 (CheckpointLoaderSimple): Value not in list")
