"""Fitting a picture to an output's shape: the part inside a crop box (x, y, width, height in the picture's
pixels), or the centre, cut to the output's aspect. Pure Pillow, no Django: the style engine and the editor use it."""
from PIL import Image


def box_error(box, size, min_side=32):
    """None when `box` lies inside a picture of `size` and has sides of at least `min_side`, else what is wrong:
    "small" or "outside"."""
    x, y, w, h = box
    if w < min_side or h < min_side:
        return "small"
    if x < 0 or y < 0 or x + w > size[0] or y + h > size[1]:
        return "outside"
    return None


def long_side_size(size, long_side):
    """(width, height) of a picture of `size` scaled so that its long side is `long_side`, its shape kept (the
    short side may come out below any minimum: the caller checks)."""
    width, height = size
    scale = long_side / max(width, height)
    short = max(1, round(min(width, height) * scale))
    return (long_side, short) if width >= height else (short, long_side)


def cover_crop(image: Image.Image, width: int, height: int, box=None) -> Image.Image:
    """The part of `image` shaped like width×height: inside `box` when given (then cut further, around its centre,
    only if the box's aspect differs from the output's), else around the picture's centre. Not resized."""
    if box is not None:
        x, y, w, h = box
        image = image.crop((x, y, x + w, y + h))
    target, current = width / height, image.width / image.height
    if abs(target - current) < 1e-3:
        return image
    if current > target:
        new_w = max(1, round(image.height * target))
        left = (image.width - new_w) // 2
        return image.crop((left, 0, left + new_w, image.height))
    new_h = max(1, round(image.width / target))
    top = (image.height - new_h) // 2
    return image.crop((0, top, image.width, top + new_h))
