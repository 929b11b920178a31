"""Wallpaper sizes (issue 22): tiled evaluation (memory that does not grow with the wallpaper), the full-size
detail pass, and progress inside an evaluation, with the real VGG19 weights at small sizes and tiny tiles, so
the tiles' halos and seams are exercised in seconds."""

import importlib

import numpy as np
import pytest
import torch

from styletransfer.engine import InputError, Progress, TransferOptions, estimate_memory_bytes, transfer
from styletransfer.engine.samples import landscape, swirls
from styletransfer.engine.transfer import (
    CONTENT_LAYER,
    DETAIL_LAYERS,
    PRESETS,
    STYLE_LAYERS,
    TILE_ALIGN,
    Objective,
    Schedule,
    load_vgg19,
    plan_scales,
    plan_stages,
    plan_tiles,
    to_tensor,
)

engine = importlib.import_module("styletransfer.engine.transfer")  # the module, not the function it exports

# Tiles of at most 70 000 pixels: a 420×300 image takes four (2×2), each a core plus an 80 px halo; the
# transfers run at 320×208 in two tiles of at most 50 000 pixels, for time.
SMALL_TILES = {"untiled_pixels": 1, "tile_pixels": 70_000}
TWO_TILES = {"width": 320, "height": 208, "untiled_pixels": 1, "tile_pixels": 50_000}


@pytest.fixture(scope="module", autouse=True)
def single_threaded():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(PRESETS, "two-scales", Schedule("test only", 128, 0.05, 3, 3))
        patch.setitem(PRESETS, "detail", Schedule("test only", 48, 0.05, 3, 3, detail_layers=DETAIL_LAYERS,
                                                  detail_from_pixels=5000, detail_iterations=2))
        yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def images():
    content, style = landscape(420, 300), swirls(300, 260)
    start = to_tensor(content, (420, 300), "cpu")
    start = start + torch.randn(start.shape, generator=torch.Generator().manual_seed(0)) * 20
    return to_tensor(content, (420, 300), "cpu"), to_tensor(style, (300, 260), "cpu"), start


def test_tiles_cover_the_image_once_with_aligned_cores_and_bounded_boxes():
    for width, height, limit in ((420, 300, 70_000), (3840, 2160, 800_000), (1080, 2400, 800_000), (97, 61, 40_000)):
        tiles = plan_tiles(width, height, 1, limit)
        covered = np.zeros((height, width), dtype=np.int32)
        for tile in tiles:
            x0, y0, x1, y1 = tile.core
            covered[y0:y1, x0:x1] += 1
            assert all(edge % TILE_ALIGN == 0 or edge in (width, height) for edge in tile.core)
            bx0, by0, bx1, by1 = tile.box
            assert (bx1 - bx0) * (by1 - by0) <= limit
            assert bx0 <= x0 and by0 <= y0 and bx1 >= x1 and by1 >= y1
        assert (covered == 1).all()
    assert len(plan_tiles(420, 300, 1, 70_000)) == 4
    assert len(plan_tiles(1920, 1080)) == 1  # the default: 1080p in one piece (fastest), larger sizes tiled
    assert len(plan_tiles(3840, 2160)) > 1


def test_tiled_objective_and_gradient_are_the_untiled_ones(images):
    """The Gram matrices are gathered over the whole image, and the halo covers the receptive field, so the
    tiles add up to exactly the untiled objective and gradient (float32, up to rounding)."""
    content, style, start = images
    net = load_vgg19("cpu")
    whole = Objective(net, content, [style], [1.0], 10.0)
    tiled = Objective(net, content, [style], [1.0], 10.0, **SMALL_TILES)
    assert len(tiled.plan(content)) == 4
    assert torch.allclose(whole.content_target, tiled.content_target, atol=1e-3)
    for layer, target in whole.style_targets.items():
        assert torch.allclose(target, tiled.style_targets[layer], rtol=1e-4, atol=1e-3 * float(target.abs().max()))
    loss, grad = whole.value_and_grad(start, 1000.0)
    tiled_loss, tiled_grad = tiled.value_and_grad(start, 1000.0)
    assert tiled_loss == pytest.approx(loss, rel=1e-5)
    assert float(tiled(start)) == pytest.approx(loss, rel=1e-5)
    assert float((tiled_grad - grad).norm() / grad.norm()) < 1e-5


def test_a_tiled_transfer_paints_the_untiled_picture():
    content, style = landscape(320, 208), swirls(200, 200)
    options = {"preset": "two-scales", "device": "cpu", "precision": "float32", "preview_every": 0}
    tiled = np.asarray(transfer(content, style, TransferOptions(**options, **TWO_TILES)), dtype=np.float32)
    untiled = np.asarray(transfer(content, style, TransferOptions(**options, width=320, height=208)),
                         dtype=np.float32)
    assert np.abs(tiled - untiled).mean() < 0.05  # 8-bit rounding of a few pixels, no seams
    assert np.abs(tiled - untiled).max() <= 2


def test_progress_moves_inside_each_evaluation(monkeypatch):
    """A bar driven by the fraction moves during a long evaluation (per convolution, forward then backward),
    not only between steps, and never goes back."""
    monkeypatch.setattr(engine, "WORK_REPORT_SECONDS", 0.0)
    reports: list[Progress] = []
    transfer(landscape(320, 208), swirls(200, 200),
             TransferOptions(preset="two-scales", device="cpu", preview_every=0, **TWO_TILES),
             on_progress=reports.append)
    fractions = [r.fraction for r in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    final = [r for r in reports if r.stage.startswith("scale 2/2")]
    first = final[0].step
    steps = [{r.fraction for r in final if r.step == step} for step in range(first, first + 3)]
    # Building the targets with the first evaluation, then each later evaluation: many distinct fractions
    # each, not one per step.
    assert all(len(values) > 10 for values in steps)
    # Inside the stage's share of the cost model's time.
    stages = plan_stages(320, 208, "two-scales", loaded=True)
    assert min(steps[0]) >= 1 - stages[-1].seconds / sum(s.seconds for s in stages) - 1e-9


def test_memory_estimate_stops_growing_with_the_wallpaper():
    for preset in ("standard", "high"):
        sizes = [estimate_memory_bytes(TransferOptions(width=w, height=h, preset=preset))
                 for w, h in ((1920, 1080), (2560, 1440), (3840, 2160))]
        # 4 times the pixels of 1080p for a third more memory at most: what still grows is the L-BFGS state
        # (a 3840×2160 `standard` run measured 6.37 GiB peak, the estimate is calibrated to it).
        assert sizes[2] <= sizes[0] * 1.4 and sizes[1] < sizes[0]
        tiled_4k = estimate_memory_bytes(TransferOptions(width=3840, height=2160, preset=preset,
                                                         untiled_pixels=3840 * 2160))
        assert tiled_4k > 2 * sizes[2]  # what the tiles save


def test_bad_tile_options_are_input_errors():
    for bad in ({"tile_pixels": 100}, {"untiled_pixels": 0}, {"tile_pixels": 1.5e6}):
        with pytest.raises(InputError, match="pixels must be a whole number"):
            transfer(landscape(64, 48), swirls(64, 64), TransferOptions(size=64, device="cpu", **bad))


def test_wallpapers_refine_only_the_fine_texture_at_full_size():
    """At 1920×1080 the coarser scales keep issue 12's plan, the full size gets a few evaluations of the fine
    style layers only; small outputs keep the whole objective at every scale."""
    assert plan_scales(1920, 1080, "standard") == [(120, 68, 30), (240, 135, 30), (480, 270, 30), (960, 540, 8),
                                                    (1920, 1080, 3)]
    assert plan_scales(1920, 1080, "high")[-1] == (1920, 1080, 10)
    assert plan_scales(512, 384, "standard") == [(128, 96, 30), (256, 192, 30), (512, 384, 20)]
    assert engine.scale_layers(PRESETS["standard"], 1920, 1080, True) == (DETAIL_LAYERS, None)
    assert engine.scale_layers(PRESETS["standard"], 1920, 1080, False) == (STYLE_LAYERS, CONTENT_LAYER)
    # The cost model knows the detail pass is cheaper: a third of the network per evaluation.
    full, _ = engine.scale_costs(1920, 1080)
    detail, _ = engine.scale_costs(1920, 1080, layers=(DETAIL_LAYERS, None))
    assert detail == pytest.approx(full * 0.311, rel=0.02)


def test_the_detail_pass_runs_only_the_fine_layers():
    net = load_vgg19("cpu")
    asked: list[list[str]] = []
    hook = net.register_forward_pre_hook(lambda module, args: asked.append(list(args[1])))
    try:
        image = transfer(landscape(96, 64), swirls(64, 64),
                         TransferOptions(width=96, height=64, preset="detail", device="cpu", preview_every=0))
    finally:
        hook.remove()
    assert image.size == (96, 64)
    assert plan_scales(96, 64, "detail") == [(48, 32, 3), (96, 64, 2)]
    # The last scale: its targets (the style image) and its two evaluations see relu1_1…relu3_1 only.
    assert asked[-3:] == [list(DETAIL_LAYERS)] * 3
    assert CONTENT_LAYER in asked[0]
