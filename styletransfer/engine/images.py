"""The pictures a style transfer paints from, framed and coloured as the job will: torch-free (numpy and Pillow), so
the web process's live preview (styletransfer/preview.py) prepares its inputs with the very functions the engine
uses (styletransfer/engine/transfer.py imports them from here)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from core import framing

from .errors import InputError

MIN_SIDE = 32  # below this VGG's deepest style layer (1/16 resolution) sees next to nothing
MAX_SIDE = 4096
# The style strength a person or a script may ask for (the API's field, the page's slider, docs/styletransfer.md).
STYLE_STRENGTH_MIN, STYLE_STRENGTH_MAX = 0.1, 5


def to_rgb(image, what: str) -> Image.Image:
    if not isinstance(image, Image.Image):
        raise InputError(f"The {what} is not an image (got {type(image).__name__}).")
    if image.width < 1 or image.height < 1:
        raise InputError(f"The {what} is empty.")
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Flatten transparency onto white rather than black, as a viewer would show it.
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, image.convert("RGBA")).convert("RGB")
    return image.convert("RGB")


FITS = ("cover", "blur", "colors")


def cover_crop(image: Image.Image, width: int, height: int, box: tuple[int, int, int, int] | None = None) -> Image.Image:
    """Crop to the target aspect ratio, so wallpapers fill the screen without distortion.

    By default the centre; with `box` (x, y, width, height in the image's pixels) that part of the picture,
    centre-cropped further only if its aspect differs from the target's (core/framing.py, shared with the editor).
    """
    if box is not None and framing.box_error(box, image.size, MIN_SIDE):
        raise InputError(f"The crop box {tuple(box)} must lie inside the {image.width}×{image.height} image "
                         f"and be at least {MIN_SIDE} px a side.")
    return framing.cover_crop(image, width, height, box)


def fit_whole(image: Image.Image, width: int, height: int, fill: str = "blur") -> Image.Image:
    """The whole picture, scaled to fit inside width×height; around it a blurred, enlarged copy of itself
    ("blur") or bands in the colours of the picture's facing edges ("colors")."""
    scale = min(width / image.width, height / image.height)
    inner = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                         Image.Resampling.LANCZOS)
    if fill == "blur":
        small = cover_crop(image, width, height).resize((max(1, width // 16), max(1, height // 16)),
                                                        Image.Resampling.BOX)
        canvas = small.filter(ImageFilter.GaussianBlur(2)).resize((width, height), Image.Resampling.BILINEAR)
        canvas = Image.eval(canvas, lambda v: int(v * 0.8))
    else:
        array = np.asarray(image, dtype=np.float32)
        sideways = inner.width < width  # bars left and right, else top and bottom
        first = array[:, :max(1, image.width // 20)] if sideways else array[:max(1, image.height // 20)]
        last = array[:, -max(1, image.width // 20):] if sideways else array[-max(1, image.height // 20):]
        canvas = Image.new("RGB", (width, height), tuple(int(v) for v in first.reshape(-1, 3).mean(0)))
        second = Image.new("RGB", (width, height), tuple(int(v) for v in last.reshape(-1, 3).mean(0)))
        half = (width // 2, 0, width, height) if sideways else (0, height // 2, width, height)
        canvas.paste(second.crop(half), half[:2])
    canvas.paste(inner, ((width - inner.width) // 2, (height - inner.height) // 2))
    return canvas



def luminance(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("YCbCr"), dtype=np.float32)[:, :, 0]


def grey_like(image: Image.Image, mean: float | None = None, std: float | None = None) -> Image.Image:
    """Luminance as a grey RGB image, optionally shifted to a given mean/std (Gatys et al. 2016)."""
    y = luminance(image)
    if mean is not None:
        y = (y - y.mean()) / (y.std() + 1e-6) * std + mean
    y = np.clip(y, 0, 255).round().astype(np.uint8)
    return Image.fromarray(y, "L").convert("RGB")


def with_colors_of(luma_image: Image.Image, color_image: Image.Image) -> Image.Image:
    """Luminance of the first image, chroma (Cb, Cr) of the second."""
    y = luma_image.convert("YCbCr").getchannel(0)
    color = color_image if color_image.size == luma_image.size else color_image.resize(
        luma_image.size, Image.Resampling.LANCZOS)
    _, cb, cr = color.convert("YCbCr").split()
    return Image.merge("YCbCr", (y, cb, cr)).convert("RGB")


def prepare(content: Image.Image, styles: list[Image.Image], width: int, height: int, crop=None, fit: str = "cover",
            preserve_colors: bool = False) -> tuple[Image.Image, list[Image.Image], Image.Image]:
    """(content framed to width×height's shape, the styles, the picture whose colours go back on at the end).

    Framing: the crop box or the centre (cover, not resized), or the whole photo at width×height on a fill. With
    `preserve_colors`, content and styles become grey (styles matched to the content's brightness statistics, as
    in Gatys et al. 2016) and the framed content is the colour source for `with_colors_of`."""
    content = (cover_crop(content, width, height, crop) if fit == "cover"
               else fit_whole(content, width, height, fit))
    if not preserve_colors:
        return content, styles, content
    y = luminance(content)
    return grey_like(content), [grey_like(style, float(y.mean()), float(y.std())) for style in styles], content
