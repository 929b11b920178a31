"""The feed-forward stylizer, the `instant` preset and the feed-forward start of the Gatys presets, with the real
model files and VGG19 weights at small sizes (48-128 px), on one thread."""

import numpy as np
import pytest
import torch
from PIL import Image

from styletransfer.engine import (
    PRESETS,
    InputError,
    ModelMissing,
    Progress,
    TransferOptions,
    estimate_seconds,
    feedforward,
    load_vgg19,
    plan_stages,
    transfer,
)
from styletransfer.engine.cli import main as cli_main
from styletransfer.engine.samples import landscape, mosaic, swirls
from styletransfer.engine.transfer import Schedule


@pytest.fixture(scope="module")
def content():
    return landscape(160, 120)


@pytest.fixture(scope="module")
def style():
    return swirls(128, 128)


@pytest.fixture(scope="module", autouse=True)
def one_thread_and_a_short_preset():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(PRESETS, "few", Schedule("test only: one scale, 8 steps", 10**6, 0.0, 8, 8))
        yield
    torch.set_num_threads(threads)


def instant(**kwargs) -> TransferOptions:
    kwargs.setdefault("size", 96)
    return TransferOptions(preset="instant", device="cpu", threads=1, **kwargs)


def colour_stats(image: Image.Image) -> np.ndarray:
    array = np.asarray(image, dtype=np.float32).reshape(-1, 3)
    return np.concatenate([array.mean(0), array.std(0)])


def ycbcr(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("YCbCr"), dtype=np.float32)


@pytest.mark.parametrize("opts,size", [(dict(size=96), (96, 72)), (dict(width=97, height=61, size=None), (97, 61)),
                                       (dict(width=40, height=90, size=None), (40, 90))])
def test_instant_result_has_the_requested_size_at_any_aspect(content, style, opts, size):
    assert transfer(content, style, instant(**opts)).size == size


@pytest.fixture
def painted_sizes(monkeypatch):
    """The sizes the network really paints at (the real pass runs; its input size is written down)."""
    sizes, real = [], feedforward.FeedForward.stylize

    def recording(self, content, vector, size):
        sizes.append(size)
        return real(self, content, vector, size)

    monkeypatch.setattr(feedforward.FeedForward, "stylize", recording)
    return sizes


@pytest.mark.parametrize("size,working,finer", [((1920, 1080), (768, 432), (1280, 720)),
                                                ((1080, 2400), (386, 859), (644, 1431))])
def test_instant_paints_at_the_working_size_whatever_the_output_size(content, style, painted_sizes, size, working,
                                                                     finer):
    width, height = size
    image = transfer(content, style, instant(width=width, height=height, size=None))
    assert image.size == size
    assert painted_sizes == [working, finer]  # 768×432 worth of pixels, then the detail pass, never the full size
    assert feedforward.painted_pixels(width, height) == working[0] * working[1] + finer[0] * finer[1]


def test_instant_smaller_than_the_working_size_is_painted_at_its_own_size(content, style, painted_sizes):
    assert transfer(content, style, instant(width=400, height=300, size=None)).size == (400, 300)
    assert painted_sizes == [(400, 300)] and feedforward.painted_pixels(400, 300) == 400 * 300
    assert feedforward.working_size(3840, 2160) == (768, 432)  # 4K too: the same strokes, enlarged further


def test_colours_move_towards_the_style(content):
    for style in (swirls(128, 128), mosaic(128, 128)):
        image = transfer(content, style, instant())
        target = colour_stats(style)
        before = np.abs(colour_stats(content) - target).sum()
        after = np.abs(colour_stats(image) - target).sum()
        assert after < 0.8 * before, (before, after)


def test_strength_moves_between_the_content_and_the_style(content, style):
    target = colour_stats(style)

    def distance_to_style(strength):
        return np.abs(colour_stats(transfer(content, style, instant(style_strength=strength))) - target).sum()

    weak, medium, full = distance_to_style(0.2), distance_to_style(0.6), distance_to_style(1.0)
    assert weak > medium > full
    assert full < 0.6 * weak


def test_preserve_colors_keeps_the_content_chroma_and_restyles_the_luminance(content, style):
    image = transfer(content, style, instant(preserve_colors=True))
    reference = ycbcr(content.resize(image.size, Image.Resampling.LANCZOS))
    result = ycbcr(image)
    assert np.abs(result[..., 1:] - reference[..., 1:]).mean() < 2.0
    assert np.abs(result[..., 0] - reference[..., 0]).mean() > 8.0


def test_deterministic_and_blends_styles(content, style):
    first = transfer(content, style, instant())
    assert transfer(content, style, instant()).tobytes() == first.tobytes()
    other = mosaic(128, 128)
    only_first = transfer(content, [style, other], instant(style_blend_weights=[1, 0]))
    assert only_first.tobytes() == first.tobytes()
    half = transfer(content, [style, other], instant(style_blend_weights=[1, 1]))
    assert half.tobytes() not in (first.tobytes(), transfer(content, other, instant()).tobytes())


def test_model_is_loaded_once_per_process():
    assert feedforward.load_feedforward(1) is feedforward.load_feedforward(1)


def final_loss(content, style, init):
    reports: list[Progress] = []
    transfer(content, style, TransferOptions(size=128, preset="few", init=init, device="cpu", threads=1,
                                             preview_every=0), on_progress=reports.append)
    return [r.loss for r in reports if r.loss is not None][-1]


def test_gatys_from_the_feedforward_result_ends_lower_than_from_the_content(content, style):
    assert final_loss(content, style, "feedforward") < final_loss(content, style, "content")


def test_first_progress_report_of_a_gatys_job_carries_the_feedforward_preview(content, style):
    reports: list[Progress] = []
    transfer(content, style, TransferOptions(size=64, preset="few", device="cpu", threads=1, preview_every=0),
             on_progress=reports.append)
    first = next(r for r in reports if r.preview is not None)
    assert first.stage == "feedforward" and first.step == 0
    assert first.preview.size == (64, 48)
    assert not any(r.stage.startswith("scale") for r in reports[:reports.index(first)])


def test_progress_is_proportional_to_the_estimated_time(content, style):
    load_vgg19("cpu"), feedforward.load_feedforward(1)  # so there is no loading stage to account for
    reports: list[Progress] = []
    transfer(content, style, TransferOptions(size=64, preset="few", device="cpu", threads=1, preview_every=0),
             on_progress=reports.append)
    stages = plan_stages(64, 48, "few", loaded=True)
    total = sum(s.seconds for s in stages)
    at_scale = next(r for r in reports if r.stage.startswith("scale"))
    # The scale starts once loading and the feed-forward pass are done: their share of the time, not 0.
    assert at_scale.fraction == pytest.approx((stages[0].seconds + stages[1].seconds) / total)
    fractions = [r.fraction for r in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    # Halfway through the steps is about halfway through the scale's time.
    half = next(r for r in reports if r.step == 4)
    last, targets = stages[-1].seconds, stages[-1].targets
    assert half.fraction == pytest.approx((total - last + last * (targets + 4) / (targets + 8)) / total, rel=0.01)


def test_time_estimates_for_the_web_layer():
    hd = TransferOptions(width=1920, height=1080)
    assert estimate_seconds(TransferOptions(width=1920, height=1080, preset="instant")) < 10
    assert estimate_seconds(hd) > 10 * estimate_seconds(TransferOptions(width=1920, height=1080, preset="instant"))
    assert estimate_seconds(TransferOptions(width=1920, height=1080, preset="high")) > estimate_seconds(hd)
    assert estimate_seconds(TransferOptions(size=512)) < estimate_seconds(hd)
    stages = plan_stages(1920, 1080, "standard")
    assert [s.name for s in stages[:2]] == ["loading", "feedforward"]
    count = len(stages) - 2
    assert stages[-1].name == f"scale {count}/{count} (1920×1080)"


def test_a_one_pixel_style_image_is_refused_clearly(content):
    for preset in ("instant", "few"):
        with pytest.raises(InputError, match="too small .1×1 pixels"):
            transfer(content, Image.new("RGB", (1, 1)), TransferOptions(size=64, preset=preset, device="cpu"))


def test_a_missing_model_file_is_a_clear_error(content, style, monkeypatch):
    monkeypatch.setattr(feedforward, "TRANSFORM_FILE", "no_such_model.onnx")
    monkeypatch.setattr(feedforward, "_models", {})
    with pytest.raises(ModelMissing, match="model file not found: .*no_such_model.onnx"):
        transfer(content, style, instant())


def test_unknown_init_is_an_input_error(content, style):
    with pytest.raises(InputError, match="init"):
        transfer(content, style, TransferOptions(size=64, init="noise"))


def test_cli_instant_and_init(tmp_path, content, style, capsys):
    content.save(tmp_path / "c.png")
    style.save(tmp_path / "s.png")
    base = ["--content", str(tmp_path / "c.png"), "--style", str(tmp_path / "s.png"), "--device", "cpu",
            "--threads", "1"]
    assert cli_main([*base, "--output", str(tmp_path / "i.png"), "--preset", "instant", "--size", "80"]) == 0
    assert Image.open(tmp_path / "i.png").size == (80, 60)
    assert cli_main([*base, "--output", str(tmp_path / "g.png"), "--preset", "few", "--size", "48",
                     "--init", "content", "--quiet"]) == 0
    assert Image.open(tmp_path / "g.png").size == (48, 36)
    with pytest.raises(SystemExit):
        cli_main([*base, "--output", str(tmp_path / "x.png"), "--init", "noise"])
