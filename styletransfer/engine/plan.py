"""What a transfer will do and cost, without torch: the quality presets, sizes, scales, tiles and the cost and
memory model. The web process plans and estimates with it (validation, the queue's estimates) and never loads
torch; `.transfer` paints with it (and re-exports every name, for older imports)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from core import framing
from core.sizes import WALLPAPER_SIZES

from . import feedforward
from .errors import InputError
from .images import MAX_SIDE, MIN_SIDE

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
# Sizes and plans


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
        bfloat16 = uses_bfloat16("auto", "cpu")
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
    bfloat16 = uses_bfloat16(opts.precision, opts.device)
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
# Tiles


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


# ---------------------------------------------------------------------------------------------------------
# Precision and the network's arithmetic (for the cost model)


PRECISIONS = ("auto", "float32", "bfloat16")


def cpu_has_native_bfloat16() -> bool:
    """AVX512-BF16 or AMX (Linux): there oneDNN's bfloat16 convolutions are about twice as fast as float32."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def uses_bfloat16(precision: str, device: str = "auto") -> bool:
    """Whether `precision` on `device` ("auto", "cpu", "cuda…", "mps") runs the convolutions in bfloat16, as
    `transfer.resolve_precision` decides, without torch (CUDA: assumed capable; the worker's calibration corrects)."""
    if precision not in PRECISIONS:
        raise InputError(f"Unknown precision {precision!r}; use one of: {', '.join(PRECISIONS)}.")
    if precision != "auto":
        return precision == "bfloat16" and not device.startswith("mps")
    if device.startswith("cuda"):
        return True
    return not device.startswith("mps") and cpu_has_native_bfloat16()


ARCHITECTURE = (
    ("conv1_1", 3, 64), ("conv1_2", 64, 64), "pool",
    ("conv2_1", 64, 128), ("conv2_2", 128, 128), "pool",
    ("conv3_1", 128, 256), ("conv3_2", 256, 256), ("conv3_3", 256, 256), ("conv3_4", 256, 256), "pool",
    ("conv4_1", 256, 512), ("conv4_2", 512, 512), ("conv4_3", 512, 512), ("conv4_4", 512, 512), "pool",
    ("conv5_1", 512, 512), ("conv5_2", 512, 512), ("conv5_3", 512, 512), ("conv5_4", 512, 512), "pool",
)


def conv_cost(c_in: int, c_out: int, pools: int) -> float:
    """A 3×3 convolution's multiply-adds per pixel of the image, after `pools` halvings of each side."""
    return c_in * c_out * 9 / 4**pools


def cost_fraction(layers: list[str]) -> float:
    """The share of a pass to relu5_1's multiply-adds that a pass to the deepest of `layers` costs."""
    cost, pools, costs = 0.0, 0, {}
    for spec in ARCHITECTURE:
        if spec == "pool":
            pools += 1
            continue
        name, c_in, c_out = spec
        cost += conv_cost(c_in, c_out, pools)
        costs["relu" + name[4:]] = cost
    return max(costs[layer] for layer in layers) / costs["relu5_1"]
