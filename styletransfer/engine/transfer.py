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

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

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

# The plan and cost model live in the torch-free .plan (the web process plans with it); still importable from here.
from .plan import (  # noqa: F401
    BFLOAT16_FACTOR,
    CONTENT_LAYER,
    CONTENT_WEIGHT,
    DETAIL_FROM_PIXELS,
    DETAIL_LAYERS,
    EVAL_FIXED,
    EVAL_PER_MP,
    FF_FIXED,
    FF_PER_MP,
    FORWARD_FRACTION,
    INIT_NOISE,
    LAYER_STRIDES,
    LOAD_SECONDS,
    PRECISIONS,
    PRESETS,
    SIZE_PRESETS,
    STYLE_ASPECT,
    STYLE_LAYERS,
    STYLE_WEIGHT,
    TILE_ALIGN,
    TILE_HALO,
    TILE_PIXELS,
    TILED_EVAL_FACTOR,
    TV_WEIGHT,
    UNTILED_PIXELS,
    Progress,
    Schedule,
    Stage,
    Tile,
    TransferOptions,
    check_side,
    cpu_has_native_bfloat16,
    estimate_memory_bytes,
    estimate_seconds,
    eval_seconds,
    get_schedule,
    is_detail_scale,
    optimised_size,
    output_size,
    plan_scales,
    plan_stages,
    plan_tiles,
    scale_costs,
    scale_layers,
    scale_stage,
    split_side,
    tiled_pixels,
    uses_bfloat16,
)
from .vgg import CAFFE_MEAN_BGR, VGG19Features, load_vgg19
from .vgg import is_loaded as vgg_is_loaded

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
