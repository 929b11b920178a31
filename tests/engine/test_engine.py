"""Engine tests with the real VGG19 weights at small sizes (64-128 px), so the file runs in well under a minute."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from styletransfer.engine import (
    MAX_SIDE,
    MIN_SIDE,
    PRESETS,
    SIZE_PRESETS,
    Canceled,
    EngineError,
    InputError,
    MemoryBudgetExceeded,
    Progress,
    TransferOptions,
    estimate_memory_bytes,
    load_vgg19,
    resolve_device,
    transfer,
    vgg,
)
from styletransfer.engine.cli import main as cli_main
from styletransfer.engine.samples import landscape, mosaic, swirls
from styletransfer.engine.transfer import Schedule


@pytest.fixture(scope="module")
def content():
    return landscape(128, 96)


@pytest.fixture(scope="module")
def style():
    return swirls(96, 96)


@pytest.fixture(scope="module", autouse=True)
def tiny_and_single_threaded():
    """A one-scale, 20-step schedule (enough to test behaviour, cheap for CI), on one thread: tiny images
    gain nothing from two, and OpenMP threads spin badly when CI runs other suites on the same cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(PRESETS, "tiny", Schedule("test only", 64, 1.0, 20, 20))
        yield
    torch.set_num_threads(threads)


def fast(**kwargs) -> TransferOptions:
    kwargs.setdefault("size", 64)
    return TransferOptions(preset="tiny", device="cpu", **kwargs)


def ycbcr(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("YCbCr"), dtype=np.float32)


@pytest.fixture(scope="module")
def run(content, style):
    """One small transfer shared by several tests, with every progress report kept."""
    reports: list[Progress] = []
    image = transfer(content, style, fast(preview_every=5), on_progress=reports.append)
    return image, reports


def test_weight_cache_is_built_once_then_read_and_has_vgg19_shapes(tmp_path, monkeypatch):
    monkeypatch.setenv("IMOGEN_CACHE_DIR", str(tmp_path))
    vgg.load_state_dict()
    cached = list(tmp_path.glob("vgg19_*.pt"))
    assert len(cached) == 1
    # Later loads read the cache and never dequantise again (its speed is bench/engine_cold_start.py's job).
    with monkeypatch.context() as patch:
        patch.setattr(vgg, "dequantize", lambda *a: pytest.fail("the cache was rebuilt instead of read"))
        state = vgg.load_state_dict()
    assert state["conv1_1.weight"].shape == (64, 3, 3, 3)
    assert state["conv5_4.weight"].shape == (512, 512, 3, 3)
    for name, shape in vgg.CONV_SHAPES.items():
        assert tuple(state[f"{name}.weight"].shape) == shape
        assert state[f"{name}.weight"].dtype == torch.float32
    # A damaged cache is rebuilt rather than trusted.
    cached[0].write_bytes(b"garbage")
    assert vgg.load_state_dict()["conv3_1.bias"].shape == (256,)


def test_network_is_frozen_truncated_and_shared():
    net = load_vgg19("cpu")
    assert load_vgg19("cpu") is net
    assert not any(p.requires_grad for p in net.parameters())
    assert net.names[-1] == "relu5_1"  # nothing deeper than the last layer used


def test_user_state_dict_in_torchvision_layout_is_accepted():
    state = vgg.load_state_dict()
    index, renamed = 0, {}
    for spec in vgg.ARCHITECTURE:
        if spec == "pool":
            index += 1
            continue
        renamed[f"features.{index}.weight"] = state[f"{spec[0]}.weight"]
        renamed[f"features.{index}.bias"] = state[f"{spec[0]}.bias"]
        index += 2
    net = load_vgg19("cpu", state_dict=renamed)
    assert torch.equal(net.layers[0].weight, load_vgg19("cpu").layers[0].weight)
    with pytest.raises(vgg.WeightsError):
        load_vgg19("cpu", state_dict={"conv1_1.weight": torch.zeros(1)})


def test_objective_falls_and_progress_is_reported(run):
    image, reports = run
    losses = [r.loss for r in reports if r.loss is not None and r.stage.startswith("scale")]
    assert losses[-1] < 0.7 * losses[0]
    fractions = [r.fraction for r in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert reports[0].stage == "loading" and reports[-1].stage == "done"
    previews = [r for r in reports if r.preview is not None and r.stage != "done"]
    assert previews and all(r.step % 5 == 0 for r in previews)
    assert all(r.total_steps == reports[-1].total_steps for r in reports[1:])


def test_output_keeps_content_aspect_for_long_side(run):
    image, _ = run
    assert image.size == (64, 48)


@pytest.mark.parametrize("width,height", [(96, 40), (40, 88)])
def test_exact_width_and_height_any_aspect(content, style, width, height):
    image = transfer(content, style, fast(width=width, height=height, size=None))
    assert image.size == (width, height)


def test_style_changes_the_image(content, run):
    image, _ = run
    reference = np.asarray(content.resize(image.size, Image.Resampling.LANCZOS), dtype=np.float32)
    assert np.abs(np.asarray(image, dtype=np.float32) - reference).mean() > 10


def test_preserve_colors_keeps_content_chroma_and_changes_luminance(content, style):
    image = transfer(content, style, fast(preserve_colors=True))
    reference = ycbcr(content.resize(image.size, Image.Resampling.LANCZOS))
    result = ycbcr(image)
    chroma_error = np.abs(result[..., 1:] - reference[..., 1:]).mean()
    luma_change = np.abs(result[..., 0] - reference[..., 0]).mean()
    assert chroma_error < 2.0  # only rounding through RGB
    assert luma_change > 8.0


def test_same_seed_same_image_on_cpu(content, style):
    first = transfer(content, style, fast(seed=7, size=48))
    second = transfer(content, style, fast(seed=7, size=48))
    other = transfer(content, style, fast(seed=8, size=48))
    assert first.tobytes() == second.tobytes()
    assert first.tobytes() != other.tobytes()


def test_several_styles_with_blend_weights(content, style):
    image = transfer(content, [style, mosaic(96, 96)], fast(style_blend_weights=[0.7, 0.3], size=48))
    assert image.size == (48, 36)
    with pytest.raises(InputError, match="blend weights"):
        transfer(content, [style, style], fast(style_blend_weights=[1.0]))


def test_cancellation_stops_within_one_step(content, style):
    steps, cancel_requested_at = [], []

    def on_progress(progress):
        steps.append(progress.step)

    def should_cancel():
        if steps and steps[-1] >= 3:
            cancel_requested_at.append(steps[-1])
            return True
        return False

    with pytest.raises(Canceled):
        transfer(content, style, fast(), on_progress=on_progress, should_cancel=should_cancel)
    assert max(steps) <= cancel_requested_at[0] + 1


@pytest.mark.parametrize("opts,message", [
    (dict(size=MIN_SIDE - 1), "between"),
    (dict(size=MAX_SIDE + 1), "between"),
    (dict(width=5000, height=100, size=None), "width"),
    (dict(size=None), "size"),
    (dict(preset="ultra"), "preset"),
    (dict(style_strength=0), "style_strength"),
    (dict(device="tpu"), "device"),
    (dict(precision="half"), "precision"),
])
def test_bad_options_raise_clear_input_errors(content, style, opts, message):
    with pytest.raises(InputError, match=message):
        transfer(content, style, TransferOptions(**{"preset": "preview", **opts}))


def test_bad_images_raise_input_errors(content, style):
    with pytest.raises(InputError, match="content image is not an image"):
        transfer("photo.jpg", style, fast())
    with pytest.raises(InputError, match="style image 2 is not an image"):
        transfer(content, [style, np.zeros((4, 4))], fast())
    with pytest.raises(InputError, match="at least one style"):
        transfer(content, [], fast())
    assert issubclass(InputError, EngineError)


def test_memory_budget_refuses_before_any_work(content, style):
    needed = estimate_memory_bytes(TransferOptions(width=1920, height=1080), content.size)
    assert 1 * 2**30 < needed < 8 * 2**30
    assert estimate_memory_bytes(TransferOptions(size=512)) < needed
    calls = []
    with pytest.raises(MemoryBudgetExceeded, match="GB"):
        transfer(content, style, TransferOptions(width=1920, height=1080, memory_budget_bytes=needed // 2),
                 on_progress=calls.append)
    assert calls == []


def test_presets_and_devices():
    assert {"preview", "standard", "high"} <= set(PRESETS)
    assert SIZE_PRESETS["desktop-1080p"] == (1920, 1080)
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")


def test_rgba_and_greyscale_inputs_work(content, style):
    image = transfer(content.convert("RGBA"), style.convert("L"), fast(size=48))
    assert image.mode == "RGB" and image.size == (48, 36)


@pytest.fixture()
def files(tmp_path, content, style):
    content.save(tmp_path / "content.png")
    style.save(tmp_path / "style.jpg")
    (tmp_path / "notes.png").write_text("not an image")
    return tmp_path


def test_cli_makes_an_image(files, capsys):
    code = cli_main(["--content", str(files / "content.png"), "--style", str(files / "style.jpg"),
                     "--output", str(files / "out.png"), "--size", "48", "--preset", "tiny", "--device", "cpu",
                     "--preserve-colors", "--seed", "3"])
    assert code == 0
    assert Image.open(files / "out.png").size == (48, 36)
    assert "100%" in capsys.readouterr().err


@pytest.mark.parametrize("args,message", [
    (["--content", "missing.png"], "Content file not found"),
    (["--content", "{dir}/notes.png"], "Content file is not a readable image"),
    (["--size", "10000"], "size must be between"),
    (["--width", "100"], "--width and --height together"),
])
def test_cli_bad_input_gives_one_line_error(files, capsys, args, message):
    base = {"--content": str(files / "content.png"), "--style": str(files / "style.jpg"),
            "--output": str(files / "out.png"), "--preset": "preview"}
    argv = [a.replace("{dir}", str(files)) for a in args]
    for key, value in base.items():
        if key not in argv:
            argv += [key, value]
    code = cli_main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("error: ") and message in err and "\n" not in err


def test_cli_runs_as_module(files):
    result = subprocess.run(
        [sys.executable, "-m", "styletransfer.engine", "--content", str(files / "missing.png"),
         "--style", str(files / "style.jpg"), "--output", str(files / "o.png")],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: Content file not found: {files / 'missing.png'}"
