"""The ComfyUI provider against a local server speaking ComfyUI's HTTP + WebSocket protocol (in-process, fast).

Asserted: the workflow Imogen queues (placeholders and node names filled), the client id on both channels,
progress and preview frames reported, pictures read from /history and /view, the prompt id kept for a second
attempt, cancel (interrupt while running, removal while queued), and plain words for a server that is down, a
workflow with a node error, running out of memory, and a dropped WebSocket (finished from /history)."""
import json

import pytest

from core.jobs import JobCanceled
from text2image.providers import GenerationRequest, ProviderError, get_provider

pytestmark = pytest.mark.usefixtures("fast_http")


def request(samples=2, seed=41, steps=None, state=None):
    return GenerationRequest(prompt="a lighthouse on a rocky cliff", negative_prompt="people, text", width=1344,
                             height=768, samples=samples, seeds=[seed + i for i in range(samples)], steps=steps,
                             state=state or {})


class Recorder:
    def __init__(self, cancel_when=None):
        self.calls, self.remote, self.previews = [], {}, []
        self.cancel_when = cancel_when

    def __call__(self, fraction, stage=None, remote=None, preview=None):
        self.calls.append((fraction, stage))
        self.remote.update(remote or {})
        if preview is not None:
            self.previews.append(preview)
        if self.cancel_when and self.cancel_when(self):
            raise JobCanceled()


def test_queues_the_filled_workflow_follows_progress_and_previews_and_reads_the_pictures(comfy):
    comfy.step_delay = 0.12
    progress = Recorder()
    pictures = get_provider("comfyui").generate(request(steps=30), progress)

    queued = comfy.posts("/prompt")
    assert len(queued) == 1
    graph = queued[0]["prompt"]
    assert graph["6"]["inputs"]["text"] == "a lighthouse on a rocky cliff"
    assert graph["7"]["inputs"]["text"] == "people, text"
    assert graph["5"]["inputs"] == {"width": 1344, "height": 768, "batch_size": 2}
    assert graph["3"]["inputs"]["seed"] == 41 and graph["3"]["inputs"]["steps"] == 30
    assert graph["4"]["inputs"]["ckpt_name"] == "sd_xl_base_1.0.safetensors"
    socket = next(r for r in comfy.requests if r["path"] == "/ws")
    assert socket["query"]["clientId"] == [queued[0]["client_id"]]  # the socket opened before the prompt was sent
    assert comfy.requests.index(socket) < next(i for i, r in enumerate(comfy.requests) if r["path"] == "/prompt")

    assert progress.remote["prompt_id"] and progress.remote["number"] == 0
    assert progress.remote["client_id"] == queued[0]["client_id"]
    fractions = [f for f, _stage in progress.calls]
    assert fractions == sorted(fractions) and fractions[-1] > 0.9
    assert any(stage == "ComfyUI is drawing: step 6 of 6" for _f, stage in progress.calls)
    assert progress.previews and all(p.startswith(b"\xff\xd8") for p in progress.previews)

    assert [(p.image.size, p.seed, p.extra) for p in pictures] == [((1344, 768), 41, {"batch_index": 0}),
                                                                   ((1344, 768), 41, {"batch_index": 1})]
    views = [r["query"]["filename"][0] for r in comfy.requests if r["path"] == "/view"]
    assert views == ["imogen_00000_0.png", "imogen_00000_1.png"]


def test_a_node_error_in_the_workflow_is_told_in_plain_words(comfy, settings):
    settings.IMOGEN_T2I_COMFYUI_CHECKPOINT = "missing-model.safetensors"
    with pytest.raises(ProviderError) as caught:
        get_provider("comfyui").generate(request(), Recorder())
    message = str(caught.value)
    assert message.startswith("ComfyUI refused the workflow: 4 (CheckpointLoaderSimple): Value not in list")
    assert "missing-model.safetensors" in message and "check the workflow" in message
    assert len(comfy.posts("/prompt")) == 1  # a refused workflow is not sent again


def test_running_out_of_memory_and_other_node_failures(comfy):
    comfy.fail_at_step = 2
    with pytest.raises(ProviderError, match="ran out of graphics memory.*smaller size"):
        get_provider("comfyui").generate(request(), Recorder())
    comfy.failure = "mat1 and mat2 shapes cannot be multiplied"
    with pytest.raises(ProviderError, match=r"error in node 3 \(KSampler\): mat1 and mat2 shapes"):
        get_provider("comfyui").generate(request(), Recorder())


def test_a_dropped_websocket_is_survived_by_finishing_from_history(comfy):
    comfy.steps, comfy.drop_at_step, comfy.step_delay = 6, 2, 0.1
    progress = Recorder()
    pictures = get_provider("comfyui").generate(request(samples=1), progress)
    assert len(pictures) == 1 and pictures[0].image.size == (1344, 768)
    assert any("dropped" in (stage or "") for _f, stage in progress.calls)
    assert sum(r["path"] == "/ws" for r in comfy.requests) >= 2  # tried to reconnect (the server refused)
    assert any(r["path"].startswith("/history/") for r in comfy.requests)


def test_the_server_being_down_is_said_plainly(settings):
    settings.IMOGEN_T2I_COMFYUI_URL = "http://127.0.0.1:9"
    with pytest.raises(ProviderError, match="could not reach ComfyUI"):
        get_provider("comfyui").generate(request(), Recorder())


def test_cancel_while_drawing_interrupts_that_prompt(comfy):
    comfy.hold_at_step = 2
    progress = Recorder(cancel_when=lambda rec: comfy.reached_hold.is_set())
    with pytest.raises(JobCanceled):
        get_provider("comfyui").generate(request(), progress)
    assert comfy.posts("/interrupt") == [{"prompt_id": progress.remote["prompt_id"]}]
    assert not comfy.posts("/queue")


def test_cancel_while_waiting_in_the_queue_removes_it_from_the_queue(comfy):
    comfy.hold_at_step = 1  # someone else's prompt holds the server
    comfy.queue_prompt({"prompt": {"1": {"class_type": "KSampler", "inputs": {}}}, "client_id": "other"})
    progress = Recorder(cancel_when=lambda rec: len(rec.calls) > 3)
    with pytest.raises(JobCanceled):
        get_provider("comfyui").generate(request(), progress)
    assert comfy.posts("/queue") == [{"delete": [progress.remote["prompt_id"]]}]
    assert not comfy.posts("/interrupt")  # the other user's running prompt is left alone
    assert [e[1] for e in comfy.pending] == []
    comfy.release()


def test_a_second_attempt_picks_up_the_same_prompt(comfy):
    first = Recorder()
    get_provider("comfyui").generate(request(samples=1), first)
    again = get_provider("comfyui").generate(request(samples=1, state=first.remote), Recorder())
    assert len(comfy.posts("/prompt")) == 1 and len(again) == 1


def test_the_users_own_workflow_with_named_nodes(comfy, settings, tmp_path):
    own = {
        "10": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
        "11": {"class_type": "CLIPTextEncode", "_meta": {"title": "Prompt"}, "inputs": {"text": "", "clip": ["10", 1]}},
        "12": {"class_type": "CLIPTextEncode", "_meta": {"title": "Avoid"}, "inputs": {"text": "", "clip": ["10", 1]}},
        "13": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
        "14": {"class_type": "KSampler", "_meta": {"title": "Sampler"},
               "inputs": {"seed": 1, "steps": 4, "model": ["10", 0], "latent_image": ["13", 0]}},
        "15": {"class_type": "SaveImage", "inputs": {"images": ["14", 0], "filename_prefix": "{{prompt}} by imogen"}},
    }
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(own))
    settings.IMOGEN_T2I_COMFYUI_WORKFLOW = str(path)
    settings.IMOGEN_T2I_COMFYUI_NODES = ["prompt=Prompt.text", "negative=Avoid.text", "width=13.width",
                                         "height=13.height", "batch=13.batch_size", "seed=Sampler.seed",
                                         "steps=Sampler.steps"]
    get_provider("comfyui").generate(request(samples=2, seed=7), Recorder())
    graph = comfy.posts("/prompt")[0]["prompt"]
    assert graph["11"]["inputs"]["text"] == "a lighthouse on a rocky cliff"
    assert graph["12"]["inputs"]["text"] == "people, text"
    assert graph["13"]["inputs"] == {"width": 1344, "height": 768, "batch_size": 2}
    assert graph["14"]["inputs"]["seed"] == 7 and graph["14"]["inputs"]["steps"] == 25
    assert graph["15"]["inputs"]["filename_prefix"] == "a lighthouse on a rocky cliff by imogen"
    assert graph["10"]["inputs"]["ckpt_name"] == "tiny.safetensors"  # no {{checkpoint}}: left as the file has it


@pytest.mark.parametrize("content,words", [
    ('{"nodes": [], "links": []}', "Save \\(API Format\\)"),
    ('{"1": {"class_type": "SaveImage", "inputs": {}}}', "no place for the prompt"),
    ("not json", "cannot be read"),
])
def test_a_workflow_file_that_cannot_work_is_told_before_anything_is_sent(comfy, settings, tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_text(content)
    settings.IMOGEN_T2I_COMFYUI_WORKFLOW = str(path)
    with pytest.raises(ProviderError, match=words):
        get_provider("comfyui").generate(request(), Recorder())
    assert not comfy.posts("/prompt")

