"""Neural style transfer by the method of Gatys et al., optimised coarse to fine with L-BFGS.

The objective at each scale, for an image x (VGG input convention, see vgg.py):

    content_weight * |F(x) - F(content)|² / |F(content)|²                  at relu4_2
  + style_weight * strength * mean_l |G_l(x) - G_l(style)|² / |G_l(style)|²  at relu1_1 ... relu5_1
  + tv_weight * mean squared difference of neighbouring pixels (image scaled to 0..1)

G_l is the Gram matrix of layer l divided by its number of positions, so it does not depend on image size
and style images of any size can be blended. Dividing each term by its target's size makes every layer
count about the same and keeps the default weights meaningful at any resolution.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from core import framing
from core.sizes import WALLPAPER_SIZES

from . import feedforward
from .errors import Canceled, EngineError, InputError, MemoryBudgetExceeded

# Framing and colour helpers live in the torch-free .images (the live preview uses them); still importable from here.
from .images import (  # noqa: F401
    FITS,
    MAX_SIDE,
    MIN_SIDE,
    cover_crop,
    fit_whole,
    grey_like,
    luminance,
    prepare,
    to_rgb,
    with_colors_of,
)
from .vgg import CAFFE_MEAN_BGR, VGG19Features, cost_fraction, load_vgg19
from .vgg import is_loaded as vgg_is_loaded

CONTENT_LAYER = "relu4_2"
STYLE_LAYERS = ("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1")

# Tiles: scales above `untiled_pixels` are evaluated in overlapping tiles, so memory follows the tile, not the
# wallpaper. Each tile is its core plus a halo: VGG19's receptive field at relu5_1 is 156 px (78 px either side
# of a feature), so with an 80 px halo every feature of the core is exactly the untiled network's; the Gram
# matrices are summed over the cores of all tiles, so the style statistics are the whole image's, and the
# gradients of the tiles, added up, are the untiled gradient (tests/engine/test_tiling.py checks both).
TILE_HALO = 80
TILE_ALIGN = 16  # relu5_1's stride: core edges on multiples of it map onto whole feature positions
UNTILED_PIXELS = 1920 * 1080  # up to here one piece (no halo, no second pass: fastest); measured peak ~4.7 GiB
TILE_PIXELS = 800_000  # a tile with its halo at most this big: ~1.6 GiB of activations at its peak
LAYER_STRIDES = {"relu1_1": 1, "relu2_1": 2, "relu3_1": 4, "relu4_1": 8, "relu4_2": 8, "relu5_1": 16}

CONTENT_WEIGHT = 1.0
STYLE_WEIGHT = 10.0
TV_WEIGHT = 2.0
INIT_NOISE = 2.0  # std of the seeded noise added to the first image, in 0..255 units

# The site's one list of wallpaper sizes (core/sizes.py: plain data, its labels are only translated when shown).
SIZE_PRESETS = {size.key: (size.width, size.height) for size in WALLPAPER_SIZES}


@dataclass(frozen=True)
class Schedule:
    """How a quality preset spends its time.

    Scales halve from the output size down to about `start_side` (long side). Each scale gets
    `work / megapixels` L-BFGS iterations, clamped to [min_iterations, max_iterations]: small scales are
    cheap and get many iterations, the full size only a few to add fine detail.
    """

    description: str
    start_side: int
    work: float  # megapixel-iterations per scale
    min_iterations: int
    max_iterations: int
    max_optimised_side: int = MAX_SIDE  # larger outputs are upscaled from this size (preview only)
    history_size: int = 10
    feedforward_only: bool = False  # `instant`: the feed-forward network's result, no optimisation
    carry_scale: bool = True  # start each scale's L-BFGS with the previous scale's inverse-Hessian scale
    # A finest scale of at least `detail_from_pixels` runs `detail_iterations` of a cheaper objective: only
    # the style layers in `detail_layers` (the fine texture), no content term, the network cut after the
    # deepest of them. The coarser scales have placed the content and the coarse style; what a wallpaper's
    # full size adds is fine texture (issue 22). Empty: every scale optimises the whole objective.
    detail_layers: tuple[str, ...] = ()
    detail_from_pixels: int = 0
    detail_iterations: int = 0


DETAIL_LAYERS = ("relu1_1", "relu2_1", "relu3_1")
DETAIL_FROM_PIXELS = 1_500_000

PRESETS = {
    "instant": Schedule("Instant: one pass of a feed-forward network, seconds even at 1920×1080.", 0, 0.0, 0, 0,
                        feedforward_only=True),
    "preview": Schedule("Fast draft: coarse scales only, at most 384 px, then upscaled.", 96, 1.5, 10, 60, 384),
    # Both start from the feed-forward result (re-tuned in issue 12: fewer coarse iterations, since the start
    # is already stylised; issue 3's were 128, 4.0, 4, 100 and 128, 12.0, 10, 300, see bench/engine_common.py).
    # Issue 22: at wallpaper sizes (1.5 megapixels and up) the full-size scale refines only the fine texture
    # (relu1_1…relu3_1, a third of the network's arithmetic), see docs/engine.md.
    "standard": Schedule("Balanced: coarse-to-fine from ~128 px, a few iterations at full size.", 128, 4.0, 4, 30,
                         detail_layers=DETAIL_LAYERS, detail_from_pixels=DETAIL_FROM_PIXELS, detail_iterations=3),
    "high": Schedule("Best quality: more iterations at every scale, including full size.", 128, 10.0, 10, 80,
                     detail_layers=DETAIL_LAYERS, detail_from_pixels=DETAIL_FROM_PIXELS, detail_iterations=10),
}


@dataclass
class TransferOptions:
    width: int | None = None
    height: int | None = None
    size: int | None = 512
    preset: str = "standard"
    style_strength: float = 1.0
    preserve_colors: bool = False
    style_scale: float = 1.0
    style_blend_weights: list[float] | None = None
    seed: int = 0
    init: str = "feedforward"  # the Gatys presets' first image: the feed-forward result, or the content image
    precision: str = "auto"  # the convolutions' number format: auto, float32 or bfloat16 (see Objective)
    device: str = "auto"
    threads: int | None = None
    memory_budget_bytes: int | None = None
    preview_every: int = 10
    vgg_state_dict: dict | None = None  # optional user-supplied VGG19 weights (Caffe convention)
    crop: tuple[int, int, int, int] | None = None  # (x, y, width, height) of the content to use, not the centre
    fit: str = "cover"  # cover: fill the frame (cropped); blur / colors: the whole photo, the rest filled
    untiled_pixels: int = UNTILED_PIXELS  # larger scales are evaluated in tiles (see plan_tiles)
    tile_pixels: int = TILE_PIXELS  # each tile, halo included, at most this many pixels


@dataclass
class Progress:
    stage: str
    step: int
    total_steps: int
    loss: float | None
    fraction: float
    preview: Image.Image | None = None


# ---------------------------------------------------------------------------------------------------------
# Devices, sizes and plans


def resolve_device(name: str = "auto") -> torch.device:
    """"auto" picks CUDA, then Apple MPS, then the CPU."""
    name = (name or "auto").lower()
    mps = getattr(torch.backends, "mps", None)
    mps_ok = bool(mps and mps.is_available())
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "mps" if mps_ok else "cpu")
    if name not in ("cpu", "cuda", "mps") and not name.startswith("cuda:"):
        raise InputError(f"Unknown device {name!r}; use auto, cpu, cuda or mps.")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise InputError("CUDA was requested but no CUDA GPU is available.")
    if name == "mps" and not mps_ok:
        raise InputError("MPS was requested but Apple's Metal backend is not available.")
    return torch.device(name)


def check_side(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"The {what} must be a whole number of pixels, got {value!r}.")
    if not MIN_SIDE <= value <= MAX_SIDE:
        raise InputError(f"The {what} must be between {MIN_SIDE} and {MAX_SIDE} pixels, got {value}.")
    return int(value)


def output_size(opts: TransferOptions, content_size: tuple[int, int]) -> tuple[int, int]:
    """(width, height) of the result: exact width×height, one side plus the content's aspect, or long side."""
    cw, ch = content_size
    if opts.width is not None and opts.height is not None:
        return check_side(opts.width, "width"), check_side(opts.height, "height")
    if opts.width is not None:
        width = check_side(opts.width, "width")
        return width, check_side(max(1, round(width * ch / cw)), "height (from the content's aspect ratio)")
    if opts.height is not None:
        height = check_side(opts.height, "height")
        return check_side(max(1, round(height * cw / ch)), "width (from the content's aspect ratio)"), height
    if opts.size is None:
        raise InputError("Give either a size (long side) or a width and height.")
    width, height = framing.long_side_size(content_size, check_side(opts.size, "size"))
    check_side(min(width, height), "short side (from the content's aspect ratio)")
    return width, height


def plan_scales(width: int, height: int, preset: str) -> list[tuple[int, int, int]]:
    """[(width, height, iterations)] from coarsest to finest (empty for the feed-forward-only preset)."""
    schedule = get_schedule(preset)
    if schedule.feedforward_only:
        return []
    factor = min(1.0, schedule.max_optimised_side / max(width, height))
    top_w, top_h = max(MIN_SIDE // 2, round(width * factor)), max(MIN_SIDE // 2, round(height * factor))
    sizes = [(top_w, top_h)]
    while max(sizes[-1]) / 2 >= schedule.start_side * 0.75 and min(sizes[-1]) / 2 >= 16:
        w, h = sizes[-1]
        sizes.append((max(1, round(w / 2)), max(1, round(h / 2))))
    plan = []
    for w, h in reversed(sizes):
        iterations = round(schedule.work / (w * h / 1e6))
        iterations = int(min(schedule.max_iterations, max(schedule.min_iterations, iterations)))
        plan.append((w, h, schedule.detail_iterations if is_detail_scale(schedule, w, h, (w, h) == sizes[0])
                     else iterations))
    return plan


def is_detail_scale(schedule: Schedule, width: int, height: int, finest: bool) -> bool:
    return bool(schedule.detail_layers) and finest and width * height >= schedule.detail_from_pixels


def scale_layers(schedule: Schedule, width: int, height: int, finest: bool) -> tuple[tuple[str, ...], str | None]:
    """(style layers, content layer or None) of a scale's objective."""
    if is_detail_scale(schedule, width, height, finest):
        return schedule.detail_layers, None
    return STYLE_LAYERS, CONTENT_LAYER


def get_schedule(preset: str) -> Schedule:
    if preset not in PRESETS:
        raise InputError(f"Unknown quality preset {preset!r}; use one of: {', '.join(PRESETS)}.")
    return PRESETS[preset]


def optimised_size(width: int, height: int, preset: str) -> tuple[int, int]:
    """The size the optimisation (and so the feed-forward start) works at; the output size for `instant`."""
    plan = plan_scales(width, height, preset)
    return (plan[-1][0], plan[-1][1]) if plan else (width, height)


# ---------------------------------------------------------------------------------------------------------
# Cost model: how long each stage takes, so progress (and the web layer's estimate) is proportional to time

# Seconds on the reference machine (2 cores of an AMD EPYC, 2 threads, quiet): one objective evaluation
# (forward + backward) costs EVAL_FIXED + EVAL_PER_MP · megapixels (× BFLOAT16_FACTOR with bfloat16
# convolutions); building a scale's targets is a forward pass (FORWARD_FRACTION of an evaluation per pixel) over
# the content and the style image; the feed-forward pass FF_FIXED + FF_PER_MP · megapixels; loading the
# networks LOAD_SECONDS once per process. EVAL_PER_MP was 5.5, fitted at ≤ 512 px by bench/engine_cost_model.py;
# large images run slower per pixel (caches): issue 22 measured one float32 evaluation at 1920×1080 in 19.1 s
# (9.2 s/MP) and a quiet `standard` 1920×1080 in 94–101 s where the old constants said 67 s. 8.0 puts the
# whole plan at ~100 s there and keeps the small scales within the fit's scatter.
EVAL_FIXED, EVAL_PER_MP = 0.02, 8.0
BFLOAT16_FACTOR = 0.65
FORWARD_FRACTION = 0.35  # a forward pass without gradient, per pixel, against a forward and backward one
TILED_EVAL_FACTOR = 1 + FORWARD_FRACTION  # tiled: a forward pass for the Gram matrices, then the usual one
STYLE_ASPECT = 1.5  # the style image the cost model assumes (the samples' 3:2), long side = the scale's
FF_FIXED, FF_PER_MP = 0.01, 0.3
LOAD_SECONDS = 0.5


@dataclass(frozen=True)
class Stage:
    """One stage of a transfer: its name (as reported in Progress.stage), L-BFGS steps and estimated seconds."""

    name: str
    steps: int
    seconds: float
    targets: float = 0.0  # building the scale's targets, in evaluations (of this scale) of time


def eval_seconds(width: int, height: int, bfloat16: bool = False) -> float:
    """One untiled evaluation (forward and backward) of a width×height image."""
    return EVAL_FIXED + EVAL_PER_MP * width * height / 1e6 * (BFLOAT16_FACTOR if bfloat16 else 1.0)


def scale_costs(width: int, height: int, bfloat16: bool = False, untiled_pixels: int = UNTILED_PIXELS,
                tile_pixels: int = TILE_PIXELS, layers: tuple[tuple[str, ...], str | None] | None = None
                ) -> tuple[float, float]:
    """(seconds of one evaluation, seconds of building the targets) at one width×height scale; `layers` as
    scale_layers() gives them (default: the whole objective)."""
    tiles = plan_tiles(width, height, untiled_pixels, tile_pixels)
    read = tiled_pixels(tiles)  # halos are read twice
    style_layers, content_layer = layers or (STYLE_LAYERS, CONTENT_LAYER)
    depth = cost_fraction([*style_layers, *([content_layer] if content_layer else [])])
    per_pixel = (eval_seconds(1000, 1000, bfloat16) - EVAL_FIXED) * depth  # seconds per megapixel
    evaluation = EVAL_FIXED + per_pixel * read / 1e6 * (TILED_EVAL_FACTOR if len(tiles) > 1 else 1.0)
    long_side = max(width, height)
    style = plan_tiles(long_side, round(long_side / STYLE_ASPECT), untiled_pixels, tile_pixels)
    targets = EVAL_FIXED + FORWARD_FRACTION * per_pixel * ((read if content_layer else 0) + tiled_pixels(style)) / 1e6
    return evaluation, targets


def plan_stages(width: int, height: int, preset: str, init: str = "feedforward", loaded: bool = False,
                bfloat16: bool | None = None) -> list[Stage]:
    """The stages of a width×height transfer, in order, with their estimated seconds on the reference CPU.

    `loaded`: the networks are already in this process's memory (no loading stage cost). `bfloat16`: the
    convolutions run in bfloat16 (None: as `precision="auto"` would on this machine's CPU). Each scale's
    `targets` is the share of building its targets, in evaluations; its seconds include them.
    """
    if bfloat16 is None:
        bfloat16 = resolve_precision("auto", torch.device("cpu")) == torch.bfloat16
    plan = plan_scales(width, height, preset)
    stages = [Stage("loading", 0, 0.0 if loaded else LOAD_SECONDS)]
    if get_schedule(preset).feedforward_only or init == "feedforward":
        w, h = optimised_size(width, height, preset)
        pixels = feedforward.painted_pixels(w, h) if get_schedule(preset).feedforward_only else w * h
        stages.append(Stage("feedforward", 0, FF_FIXED + FF_PER_MP * pixels / 1e6))
    schedule = get_schedule(preset)
    for index, (w, h, iterations) in enumerate(plan):
        evaluation, targets = scale_costs(w, h, bfloat16, layers=scale_layers(schedule, w, h, index == len(plan) - 1))
        stages.append(Stage(scale_stage(index, len(plan), w, h), iterations, evaluation * iterations + targets,
                            targets / evaluation))
    return stages


def scale_stage(index: int, count: int, width: int, height: int) -> str:
    return f"scale {index + 1}/{count} ({width}×{height})"


def estimate_seconds(opts: TransferOptions, content_size: tuple[int, int] = (16, 9),
                     loaded: bool = False) -> float:
    """Estimated seconds of a whole request on the reference CPU (scale by the worker's measured speed)."""
    width, height = output_size(opts, content_size)
    try:
        device = resolve_device(opts.device)
    except InputError:  # asked from a process without the worker's GPU: estimate for its CPU
        device = torch.device("cpu")
    bfloat16 = resolve_precision(opts.precision, device) == torch.bfloat16
    return sum(stage.seconds for stage in plan_stages(width, height, opts.preset, opts.init, loaded, bfloat16))


# ---------------------------------------------------------------------------------------------------------
# Memory


def estimate_memory_bytes(opts: TransferOptions, content_size: tuple[int, int] = (1, 1),
                          style_sizes: list[tuple[int, int]] | None = None) -> int:
    """Rough peak memory of a request (process included): the largest scale's peak, which is the activations of
    the largest piece the network sees at once (the whole scale, or one tile) plus the image-sized buffers.

    `content_size` only matters when the output size follows the content's aspect ratio.
    Calibrated against measured peak RSS on CPU (see bench/engine_wallpaper.py); on a GPU it is the
    device memory plus ~0.5 GB of host memory.
    """
    width, height = output_size(opts, content_size)
    plan = plan_scales(width, height, opts.preset)
    if not plan:  # feed-forward only: ~100 floats of activations per pixel at its peak, measured
        return int(100 * 4 * width * height + 400 * 2**20)
    history_size = get_schedule(opts.preset).history_size
    fixed = 600 * 2**20  # torch, the network weights, images
    # The feed-forward pass at the optimised size comes before the network is busy (~100 floats per pixel).
    peak = 100 * 4 * plan[-1][0] * plan[-1][1]
    for w, h, iterations in plan:
        pixels = w * h
        piece = max((t.box[2] - t.box[0]) * (t.box[3] - t.box[1])
                    for t in plan_tiles(w, h, opts.untiled_pixels, opts.tile_pixels))
        # Activations kept for the backward pass (in-place ReLUs) plus the gradients alive at its peak,
        # in floats per pixel of the piece: ~350 saved + ~130 transient.
        activations = 480 * 4 * piece
        # L-BFGS keeps two image-sized vectors per remembered step, and about eight more are alive in a step
        # (image, gradient, direction, the last gradient and step, their change, the tile gradient, the start);
        # the content target is 512 channels at 1/64 of the pixels.
        # The eight are too few: a 3840×2160 `standard` run peaked at 6.37 GiB RSS against 4.73 estimated
        # (issue 22, bench/engine_wallpaper.py): counted here as 30 more image-sized vectors, which puts that
        # run at its measured peak (not yet found where; the tiles are not it, each is at most 0.8 MP).
        buffers = (2 * min(history_size, iterations) + 38) * 3 * 4 * pixels + 512 * 4 * pixels // 64
        # Style targets: a no-grad forward of the (scaled) style image, or of one tile of it, keeps about two
        # layer-1 tensors alive.
        style_pixels = min(pixels * opts.style_scale**2, piece)
        style_forward = 2 * 64 * 4 * style_pixels
        peak = max(peak, activations + buffers, style_forward + buffers)
    return int(peak + fixed)


# ---------------------------------------------------------------------------------------------------------
# Images


def to_tensor(image: Image.Image, size: tuple[int, int], device) -> torch.Tensor:
    """PIL RGB → 1×3×H×W tensor in VGG convention (BGR, 0..255, mean subtracted)."""
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    array = torch.from_numpy(np.asarray(image, dtype=np.float32)[:, :, ::-1].copy())
    tensor = array.permute(2, 0, 1)[None] - torch.tensor(CAFFE_MEAN_BGR).view(1, 3, 1, 1)
    return tensor.to(device)


def to_image(tensor: torch.Tensor) -> Image.Image:
    bgr = tensor.detach()[0].float().cpu() + torch.tensor(CAFFE_MEAN_BGR).view(3, 1, 1)
    array = bgr.flip(0).permute(1, 2, 0).clamp(0, 255).round().to(torch.uint8).numpy()
    return Image.fromarray(array, "RGB")


# ---------------------------------------------------------------------------------------------------------
# Objective


def gram(features: torch.Tensor) -> torch.Tensor:
    flat = features.flatten(2)[0]  # channels × positions
    return flat @ flat.T / flat.shape[1]


@dataclass(frozen=True)
class Tile:
    core: tuple[int, int, int, int]  # x0, y0, x1, y1: the pixels whose features this tile contributes
    box: tuple[int, int, int, int]  # the core plus its halo, clipped to the image: the pixels it reads

    def feature_core(self, stride: int) -> tuple[slice, slice]:
        """The core's rows and columns in this tile's feature map at `stride` (ceil, as VGG's pooling)."""
        (x0, y0, x1, y1), (bx, by) = self.core, self.box[:2]
        return (slice(y0 // stride - by // stride, -(-y1 // stride) - by // stride),
                slice(x0 // stride - bx // stride, -(-x1 // stride) - bx // stride))


def split_side(length: int, parts: int) -> list[int]:
    edges = [min(length, round(length * i / parts / TILE_ALIGN) * TILE_ALIGN) for i in range(parts)]
    return [*edges, length]


def plan_tiles(width: int, height: int, untiled_pixels: int = UNTILED_PIXELS,
               tile_pixels: int = TILE_PIXELS) -> list[Tile]:
    """The tiles of a width×height evaluation: one when it is small enough, else the fewest whose boxes (core
    plus halo) fit in `tile_pixels` each."""
    if width * height <= untiled_pixels:
        return [Tile((0, 0, width, height), (0, 0, width, height))]
    best = None
    for nx in range(1, max(2, width // TILE_ALIGN + 1)):
        for ny in range(1, max(2, height // TILE_ALIGN + 1)):
            xs, ys = split_side(width, nx), split_side(height, ny)
            if best is not None and nx * ny > len(best):
                break
            if len(set(xs)) != nx + 1 or len(set(ys)) != ny + 1:
                continue  # an empty tile: the side is too short for this many
            tiles = [Tile((xs[i], ys[j], xs[i + 1], ys[j + 1]),
                          (max(0, xs[i] - TILE_HALO), max(0, ys[j] - TILE_HALO),
                           min(width, xs[i + 1] + TILE_HALO), min(height, ys[j + 1] + TILE_HALO)))
                     for j in range(ny) for i in range(nx)]
            if max((t.box[2] - t.box[0]) * (t.box[3] - t.box[1]) for t in tiles) > tile_pixels:
                continue
            if best is None or len(tiles) < len(best) or (len(tiles) == len(best) and tiled_pixels(tiles)
                                                          < tiled_pixels(best)):
                best = tiles
    if best is None:
        raise InputError(f"Tiles of {tile_pixels} pixels are too small for a {TILE_HALO} px halo.")
    return best


def tiled_pixels(tiles: list[Tile]) -> int:
    """Pixels the network reads for one pass over these tiles (halos counted each time they are read)."""
    return sum((t.box[2] - t.box[0]) * (t.box[3] - t.box[1]) for t in tiles)


def crop(image: torch.Tensor, box: tuple[int, int, int, int]) -> torch.Tensor:
    return image[..., box[1]:box[3], box[0]:box[2]]


class WorkMeter:
    """One unit of work (building a scale's targets, or one evaluation) counted in pixels read by the network,
    each piece weighted by its cost; `on_work` hears the fraction of the unit done."""

    def __init__(self, on_work: Callable[[float], None] | None):
        self.on_work, self.total, self.done = on_work, 1.0, 0.0

    def start(self, total: float) -> None:
        self.total, self.done = max(1.0, float(total)), 0.0

    def piece(self, weight: float) -> Callable[[float], None] | None:
        """The network pass over the next piece, which costs `weight` of the unit's total: its reporter."""
        base, self.done = self.done, self.done + weight
        if self.on_work is None:
            return None
        return lambda fraction: self.on_work(min(1.0, (base + fraction * weight) / self.total))


class Objective:
    """Content + style + total variation loss against fixed targets at one scale.

    `precision` bfloat16 runs the network's convolutions in bfloat16 (autocast; on CPUs with native bfloat16
    instructions about twice as fast, see docs/engine.md); the features are taken back to float32 before the
    Gram matrices and the loss terms, so only the convolutions lose precision.

    Images above `untiled_pixels` (the content, the styles, the image being painted) go through the network in
    tiles (see plan_tiles): the loss and its gradient are the untiled ones, for two passes per evaluation, a
    forward one for the whole image's Gram matrices and a forward and backward one per tile.
    `on_work(fraction)` hears how far the current unit of work (building the targets, or one evaluation) is.
    """

    def __init__(self, net: VGG19Features, content: torch.Tensor, styles: list[torch.Tensor],
                 blend: list[float], style_weight: float, content_weight: float = CONTENT_WEIGHT,
                 tv_weight: float = TV_WEIGHT, precision: torch.dtype = torch.float32,
                 untiled_pixels: int = UNTILED_PIXELS, tile_pixels: int = TILE_PIXELS,
                 on_work: Callable[[float], None] | None = None,
                 style_layers: tuple[str, ...] = STYLE_LAYERS, content_layer: str | None = CONTENT_LAYER):
        self.net = net
        self.style_layers, self.content_layer = list(style_layers), content_layer
        self.layers = [*([content_layer] if content_layer else []), *style_layers]
        self.precision = precision
        self.untiled_pixels, self.tile_pixels = untiled_pixels, tile_pixels
        self.meter = WorkMeter(on_work)
        self.content_weight, self.style_weight, self.tv_weight = content_weight, style_weight, tv_weight
        images = [content, *styles] if content_layer else styles
        self.meter.start(sum(tiled_pixels(self.plan(image)) for image in images))
        with torch.no_grad():
            self.content_target = self.whole_features(content, content_layer) if content_layer else None
            self.style_targets = {layer: 0.0 for layer in self.style_layers}
            for style, weight in zip(styles, blend):
                grams, _ = self.statistics(style, self.style_layers)
                for layer in self.style_layers:
                    self.style_targets[layer] = self.style_targets[layer] + weight * grams[layer]
                del grams
        self.content_norm = self.content_target.square().sum() if content_layer else 1.0
        self.style_norms = {layer: g.square().sum() for layer, g in self.style_targets.items()}

    def plan(self, image: torch.Tensor) -> list[Tile]:
        return plan_tiles(image.shape[3], image.shape[2], self.untiled_pixels, self.tile_pixels)

    def features(self, image: torch.Tensor, layers: list[str],
                 on_work: Callable[[float], None] | None = None) -> dict[str, torch.Tensor]:
        if self.precision == torch.float32:
            return self.net(image, layers, on_work)
        with torch.autocast(image.device.type, dtype=self.precision):
            features = self.net(image, layers, on_work)
        return {name: value.float() for name, value in features.items()}

    def core_features(self, image: torch.Tensor, tile: Tile, layers: list[str], weight: float = 1.0):
        """The features of one tile's core: the network reads the tile's box, its halo's features are dropped."""
        features = self.features(crop(image, tile.box), layers, self.meter.piece(weight * tiled_pixels([tile])))
        return {name: value[(..., *tile.feature_core(LAYER_STRIDES[name]))] for name, value in features.items()}

    def whole_features(self, image: torch.Tensor, layer: str) -> torch.Tensor:
        """One layer's features of the whole image, put together from its tiles' cores."""
        stride, whole = LAYER_STRIDES[layer], None
        for tile in self.plan(image):
            part = self.core_features(image, tile, [layer])[layer]
            if whole is None:
                whole = part.new_zeros((1, part.shape[1], -(-image.shape[2] // stride), -(-image.shape[3] // stride)))
            rows, cols = self.target_slices(tile, stride)
            whole[..., rows, cols] = part
        return whole

    @staticmethod
    def target_slices(tile: Tile, stride: int) -> tuple[slice, slice]:
        """A tile core's rows and columns in the whole image's feature map at `stride`."""
        return Tile(tile.core, (0, 0, 0, 0)).feature_core(stride)

    def statistics(self, image: torch.Tensor, layers: list[str], content: bool = False):
        """The whole image's Gram matrices at `layers`, summed over its tiles' cores, and with `content` its
        content term's squared error (not yet divided by the target's norm)."""
        content = content and self.content_layer is not None
        sums, error = {layer: 0.0 for layer in layers}, 0.0
        wanted = [*layers, self.content_layer] if content else layers
        for tile in self.plan(image):
            features = self.core_features(image, tile, wanted)
            for layer in layers:
                flat = features[layer].flatten(2)[0]
                sums[layer] = sums[layer] + flat @ flat.T
            if content:
                error = error + self.content_error(features[self.content_layer], tile)
        return {layer: sums[layer] / positions(image, layer) for layer in layers}, error

    def content_error(self, features: torch.Tensor, tile: Tile) -> torch.Tensor:
        rows, cols = self.target_slices(tile, LAYER_STRIDES[self.content_layer])
        return (features - self.content_target[..., rows, cols]).square().sum()

    @staticmethod
    def tv(image: torch.Tensor) -> torch.Tensor:
        return ((image[..., 1:, :] - image[..., :-1, :]).square().mean()
                + (image[..., :, 1:] - image[..., :, :-1]).square().mean()) / 255**2

    def combine(self, grams: dict, content_error: torch.Tensor, tv: torch.Tensor) -> torch.Tensor:
        style = sum((grams[layer] - self.style_targets[layer]).square().sum() / self.style_norms[layer]
                    for layer in self.style_layers) / len(self.style_layers)
        return (self.content_weight * content_error / self.content_norm + self.style_weight * style
                + self.tv_weight * tv)

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        """The objective at `image` (differentiable when untiled; tiled, its value only)."""
        tiles = self.plan(image)
        self.meter.start(tiled_pixels(tiles))
        with torch.set_grad_enabled(torch.is_grad_enabled() and len(tiles) == 1):
            grams, error = self.statistics(image, self.style_layers, content=True)
            return self.combine(grams, error, self.tv(image))

    def value_and_grad(self, image: torch.Tensor, loss_scale: float = 1.0) -> tuple[float, torch.Tensor]:
        """The objective at `image` and the gradient of loss_scale × objective."""
        tiles = self.plan(image)
        x = image.detach().requires_grad_(True)
        if len(tiles) == 1:
            self.meter.start(tiled_pixels(tiles))
            grams, error = self.statistics(x, self.style_layers, content=True)
            loss = self.combine(grams, error, self.tv(x))
            (loss * loss_scale).backward()
            return float(loss.detach()), x.grad.detach()
        # Tiled: a forward pass over the tiles for the whole image's Gram matrices (no gradient, about a third
        # of a forward and backward pass), then per tile the gradient of the loss linearised in the Gram
        # matrices: d loss / d G_l is fixed by the whole image, and each tile's core adds its share of G_l.
        self.meter.start(4 * tiled_pixels(tiles))
        with torch.no_grad():
            grams, error = self.statistics(image, self.style_layers, content=True)
        tv = self.tv(x)
        loss = self.combine(grams, error, tv.detach())
        (self.tv_weight * tv * loss_scale).backward()
        grad = x.grad.detach()
        slopes = {layer: 2 * self.style_weight / len(self.style_layers) * (grams[layer] - self.style_targets[layer])
                  / self.style_norms[layer] / positions(image, layer) for layer in self.style_layers}
        for tile in tiles:
            part = crop(image, tile.box).detach().requires_grad_(True)
            features = self.core_features(part, Tile(tuple(c - o for c, o in zip(tile.core, tile.box[:2] * 2)),
                                                     (0, 0, *part.shape[:1:-1])), self.layers, weight=3)
            linear = (self.content_weight * self.content_error(features[self.content_layer], tile) / self.content_norm
                      if self.content_layer else 0.0)
            for layer in self.style_layers:
                flat = features[layer].flatten(2)[0]
                linear = linear + (slopes[layer] * (flat @ flat.T)).sum()
            (linear * loss_scale).backward()
            crop(grad, tile.box).add_(part.grad)
            del features, linear, part
        return float(loss), grad


def positions(image: torch.Tensor, layer: str) -> int:
    """Feature positions of a whole image at `layer` (VGG's pooling rounds up)."""
    stride = LAYER_STRIDES[layer]
    return -(-image.shape[2] // stride) * -(-image.shape[3] // stride)


PRECISIONS = ("auto", "float32", "bfloat16")


def cpu_has_native_bfloat16() -> bool:
    """AVX512-BF16 or AMX (Linux): there oneDNN's bfloat16 convolutions are about twice as fast as float32."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(name: str, device: torch.device) -> torch.dtype:
    """"auto": bfloat16 where the hardware runs it natively (such CPUs, CUDA GPUs that support it), else float32."""
    if name not in PRECISIONS:
        raise InputError(f"Unknown precision {name!r}; use one of: {', '.join(PRECISIONS)}.")
    if name == "float32" or device.type == "mps":  # MPS autocast to bfloat16 is not dependable
        return torch.float32
    if name == "bfloat16":
        return torch.bfloat16
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float32
    return torch.bfloat16 if cpu_has_native_bfloat16() else torch.float32


# ---------------------------------------------------------------------------------------------------------
# The transfer


INITS = ("feedforward", "content")


def check_options(opts: TransferOptions, n_styles: int) -> list[float]:
    get_schedule(opts.preset)
    if opts.fit not in FITS or (opts.crop is not None and opts.fit != "cover"):
        raise InputError(f"fit must be one of {', '.join(FITS)} (a crop box only with cover), got {opts.fit!r}.")
    for name, low, high in (("style_strength", 0.0, 100.0), ("style_scale", 0.05, 8.0)):
        value = getattr(opts, name)
        if not isinstance(value, (int, float)) or not math.isfinite(value) or not low < value <= high:
            raise InputError(f"{name} must be a number above {low} and at most {high}, got {value!r}.")
    if opts.threads is not None and (not isinstance(opts.threads, int) or opts.threads < 1):
        raise InputError(f"threads must be a positive whole number, got {opts.threads!r}.")
    for name, low in (("untiled_pixels", 1), ("tile_pixels", (2 * TILE_HALO + TILE_ALIGN) ** 2)):
        value = getattr(opts, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InputError(f"{name} must be a whole number of at least {low}, got {value!r}.")
    if opts.init not in INITS:
        raise InputError(f"Unknown init {opts.init!r}; use one of: {', '.join(INITS)}.")
    blend = opts.style_blend_weights or [1.0] * n_styles
    if len(blend) != n_styles:
        raise InputError(f"Got {len(blend)} style blend weights for {n_styles} style images.")
    if any(not math.isfinite(w) or w < 0 for w in blend) or sum(blend) <= 0:
        raise InputError("Style blend weights must be non-negative numbers, not all zero.")
    return [w / sum(blend) for w in blend]


def check_style_image(style: Image.Image, index: int) -> Image.Image:
    if min(style.size) < feedforward.MIN_STYLE_SIDE:
        raise InputError(f"Style image {index + 1} is too small ({style.width}×{style.height} pixels); it needs "
                         f"at least {feedforward.MIN_STYLE_SIDE}×{feedforward.MIN_STYLE_SIDE}.")
    return style


def transfer(content: Image.Image, styles: Image.Image | list[Image.Image], opts: TransferOptions | None = None,
             on_progress: Callable[[Progress], None] | None = None,
             should_cancel: Callable[[], bool] | None = None) -> Image.Image:
    """Returns `content` painted in the style of `styles` (see TransferOptions for the knobs)."""
    opts = opts or TransferOptions()

    content = to_rgb(content, "content image")
    styles = [styles] if not isinstance(styles, (list, tuple)) else list(styles)
    if not styles:
        raise InputError("Give at least one style image.")
    styles = [check_style_image(to_rgb(style, f"style image {i + 1}"), i) for i, style in enumerate(styles)]
    blend = check_options(opts, len(styles))
    content_size = (opts.crop[2], opts.crop[3]) if opts.crop else content.size
    width, height = output_size(opts, content_size)
    device = resolve_device(opts.device)
    precision = resolve_precision(opts.precision, device)
    if opts.memory_budget_bytes is not None:
        needed = estimate_memory_bytes(opts, content_size)
        if needed > opts.memory_budget_bytes:
            raise MemoryBudgetExceeded(
                f"A {width}×{height} image needs about {needed / 2**30:.1f} GB of memory, more than the "
                f"{opts.memory_budget_bytes / 2**30:.1f} GB allowed; choose a smaller size or a lower preset.",
                needed, opts.memory_budget_bytes)
    if opts.threads:
        torch.set_num_threads(opts.threads)
    schedule = get_schedule(opts.preset)
    use_feedforward = schedule.feedforward_only or opts.init == "feedforward"
    threads = opts.threads or torch.get_num_threads()
    loaded = (schedule.feedforward_only or vgg_is_loaded(device)) and (
        not use_feedforward or feedforward.is_loaded(threads))
    stages = plan_stages(width, height, opts.preset, opts.init, loaded, precision == torch.bfloat16)
    clock = ProgressClock(stages)
    total_steps = clock.total_steps

    def report(stage, step, loss, preview=None):
        if on_progress is not None:
            on_progress(Progress(stage, step, total_steps, loss, clock.fraction(stage, step), preview))

    last_work = 0.0

    def report_work(stage, fraction, building):
        """Progress inside one unit of work (a scale's targets, or one evaluation): a long full-size
        evaluation moves the bar as its convolutions run, at most a few times a second."""
        nonlocal last_work
        now = time.monotonic()
        if on_progress is None or now - last_work < WORK_REPORT_SECONDS:
            return
        last_work = now
        on_progress(Progress(stage, step, total_steps, loss_value,
                             clock.fraction(stage, step, fraction, building)))

    def check_cancel():
        if should_cancel is not None and should_cancel():
            raise Canceled("The style transfer was canceled.")

    report("loading", 0, None)
    check_cancel()
    net = None if schedule.feedforward_only else load_vgg19(device, opts.vgg_state_dict)
    ff_model = feedforward.load_feedforward(threads) if use_feedforward else None

    # With preserve_colors a luminance-only transfer: grey content and styles, the content's chroma put back.
    content, styles, color_source = prepare(content, styles, width, height, opts.crop, opts.fit, opts.preserve_colors)

    def finish(image, size=None):
        if isinstance(image, torch.Tensor):
            image = to_image(image)
        if size is not None and image.size != size:
            image = image.resize(size, Image.Resampling.LANCZOS)
        return with_colors_of(image, color_source) if opts.preserve_colors else image

    start_image = None
    if use_feedforward:
        report("feedforward", 0, None)
        check_cancel()
        vector = ff_model.blended_vector(content, styles, blend, opts.style_strength)
        if schedule.feedforward_only:  # painted at a working size and enlarged: no streaks (issue 22)
            start_image = ff_model.paint(content, vector, (width, height))
        else:
            start_image = ff_model.stylize(content, vector, optimised_size(width, height, opts.preset))
        if opts.preserve_colors:
            start_image = grey_like(start_image)  # the optimisation works on luminance only
        if schedule.feedforward_only:
            result = finish(start_image, (width, height))
            report("done", 0, None, result)
            return result
        report("feedforward", 0, None, finish(start_image))  # the first preview: a real stylised picture

    plan = plan_scales(width, height, opts.preset)
    step = 0
    generator = torch.Generator().manual_seed(int(opts.seed))
    image = scale = None
    loss_value = None
    for index, (w, h, iterations) in enumerate(plan):
        stage = scale_stage(index, len(plan), w, h)
        report(stage, step, loss_value)
        check_cancel()
        content_tensor = to_tensor(content, (w, h), device)
        style_tensors = [to_tensor(s, style_size(s, w, h, opts.style_scale), device) for s in styles]
        style_layers, content_layer = scale_layers(schedule, w, h, index == len(plan) - 1)
        objective = Objective(net, content_tensor, style_tensors, blend, STYLE_WEIGHT * opts.style_strength,
                              precision=precision, untiled_pixels=opts.untiled_pixels,
                              tile_pixels=opts.tile_pixels, style_layers=style_layers, content_layer=content_layer,
                              on_work=lambda fraction, stage=stage: report_work(stage, fraction, True))
        # The targets are built; from here the meter counts evaluations.
        objective.meter.on_work = lambda fraction, stage=stage: report_work(stage, fraction, False)
        del style_tensors
        start = scale_start(image, content_tensor, start_image, (w, h), generator)
        del content_tensor

        def on_step(loss, current, stage=stage):
            nonlocal step, loss_value
            step, loss_value = step + 1, loss
            preview = None
            if on_progress is not None and opts.preview_every and step % opts.preview_every == 0:
                preview = finish(current)
            report(stage, step, loss, preview)

        image, scale = optimise(objective, clamp_to_pixels(start), iterations, schedule.history_size, on_step,
                                check_cancel, scale if schedule.carry_scale else None)
        image = clamp_to_pixels(image.detach())
        del objective

    result = finish(image, (width, height))
    report("done", step, loss_value, result)
    return result


# How the feed-forward result enters the coarse-to-fine plan (chosen by bench/engine_init_study.py):
#   "coarsest": the first scale starts from it, later scales from the upsampled previous result;
#   "detail": as "coarsest", and each later scale adds the feed-forward result's detail at that scale (its
#             difference from its own upsampled coarser version), which upsampling cannot recover;
#   "every": every scale starts from the feed-forward result (no coarse to fine).
FEEDFORWARD_ENTRY = "detail"


def scale_start(previous: torch.Tensor | None, content: torch.Tensor, start_image: Image.Image | None,
                size: tuple[int, int], generator: torch.Generator) -> torch.Tensor:
    """The image one scale's L-BFGS starts from."""
    device = content.device
    if previous is None:  # the first scale: the content image or the feed-forward result, plus seeded noise
        first = content if start_image is None else to_tensor(start_image, size, device)
        return first + (torch.randn(content.shape, generator=generator) * INIT_NOISE).to(device)
    if start_image is None:
        return upsample(previous, size)
    ff = to_tensor(start_image, size, device)
    if FEEDFORWARD_ENTRY == "every":
        return ff
    start = upsample(previous, size)
    if FEEDFORWARD_ENTRY == "detail":
        coarse = to_tensor(start_image, (previous.shape[3], previous.shape[2]), device)
        start = start + ff - upsample(coarse, size)
    return start


def upsample(image: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    return F.interpolate(image, size=(size[1], size[0]), mode="bicubic", align_corners=False)


WORK_REPORT_SECONDS = 0.25  # progress inside an evaluation: often enough for a smooth bar, cheap to report


class ProgressClock:
    """The fraction of the estimated time that is done, from the stage, the step reached and how far the
    current unit of work is (building the scale's targets, or the next evaluation)."""

    def __init__(self, stages: list[Stage]):
        self.total = sum(stage.seconds for stage in stages) or 1.0
        self.before, self.stages, elapsed, steps = {}, {s.name: s for s in stages}, 0.0, 0
        for stage in stages:
            self.before[stage.name] = (elapsed, steps)
            elapsed, steps = elapsed + stage.seconds, steps + stage.steps
        self.total_steps = steps

    def fraction(self, stage: str, step: int, partial: float = 0.0, building: bool = False) -> float:
        """`partial`: the fraction done of the unit under way, the targets (`building`) or the next step."""
        if stage not in self.stages:
            return 1.0 if stage == "done" else 0.0
        elapsed, steps_before = self.before[stage]
        current = self.stages[stage]
        if current.steps:
            done = min(current.steps, max(0, step - steps_before))
            # Building the targets comes first, then the steps.
            per_step = current.seconds / (current.steps + current.targets)
            if building:
                units = current.targets * partial
            elif done or partial:
                units = current.targets + min(current.steps, done + partial)
            else:
                units = 0.0
            elapsed += units * per_step
        return min(1.0, max(0.0, elapsed / self.total))


def optimise(objective: Objective, start: torch.Tensor, iterations: int, history_size: int,
             on_step: Callable[[float, torch.Tensor], None], check_cancel: Callable[[], None],
             initial_scale: float | None = None) -> tuple[torch.Tensor, float | None]:
    """L-BFGS from `start`, one function evaluation per step (no line search, as in Gatys et al.).

    The same iteration as `torch.optim.LBFGS(lr=1, max_iter=1)`, except for the first step: torch moves by
    -g·min(1, 1/|g|₁), which spends a whole evaluation moving almost nothing; given `initial_scale` (the
    inverse-Hessian scale s·y/y·y that the previous, coarser scale ended with) the first step is
    -g·initial_scale instead. Returns the image and the scale it ended with, for the next scale.
    """
    image = start.detach().clone()
    # The objective is a mean, so its per-pixel gradients are tiny; L-BFGS ignores curvature pairs with
    # s·y < 1e-10 and would crawl. Scaling by the pixel count gives O(1) gradients (and a scale-free
    # curvature, which is why the inverse-Hessian scale carries over between scales).
    loss_scale = float(image[0, 0].numel())
    steps: list[torch.Tensor] = []
    changes: list[torch.Tensor] = []
    rhos: list[float] = []
    scale, last_grad, last_step = initial_scale, None, None
    for _ in range(iterations):
        check_cancel()  # before every evaluation, so a cancel stops within one
        loss, grad = objective.value_and_grad(image, loss_scale)
        grad = grad.flatten()
        if last_grad is not None:
            change = grad - last_grad
            ys = float(change.dot(last_step))
            if ys > 1e-10:
                if len(steps) == history_size:
                    steps.pop(0), changes.pop(0), rhos.pop(0)
                steps.append(last_step), changes.append(change), rhos.append(1.0 / ys)
                scale = ys / float(change.dot(change))
        if not steps:
            factor = scale if scale is not None else min(1.0, 1.0 / float(grad.abs().sum()))
            direction = grad.neg().mul_(factor)
        else:  # the two-loop recursion
            q = grad.neg()
            alphas = []
            for s_i, y_i, rho in zip(reversed(steps), reversed(changes), reversed(rhos)):
                alpha = rho * float(s_i.dot(q))
                q.add_(y_i, alpha=-alpha)
                alphas.append(alpha)
            direction = q.mul_(scale)
            for s_i, y_i, rho, alpha in zip(steps, changes, rhos, reversed(alphas)):
                beta = rho * float(y_i.dot(direction))
                direction.add_(s_i, alpha=alpha - beta)
        last_grad, last_step = grad, direction
        image = image + direction.view_as(image)
        on_step(loss, image)
    return image, scale


def style_size(style: Image.Image, width: int, height: int, style_scale: float) -> tuple[int, int]:
    """Style images are resized so their long side matches the scale's long side × style_scale."""
    long_side = max(width, height) * style_scale
    factor = long_side / max(style.size)
    return max(16, round(style.width * factor)), max(16, round(style.height * factor))


def clamp_to_pixels(tensor: torch.Tensor) -> torch.Tensor:
    mean = torch.tensor(CAFFE_MEAN_BGR, device=tensor.device).view(1, 3, 1, 1)
    return (tensor.detach().clamp(-mean, 255 - mean)).contiguous()


__all__ = [
    "EngineError", "InputError", "MemoryBudgetExceeded", "Canceled", "TransferOptions", "Progress", "Stage",
    "transfer", "estimate_memory_bytes", "estimate_seconds", "plan_stages", "PRESETS", "SIZE_PRESETS",
    "resolve_device", "MIN_SIDE", "MAX_SIDE",
]
