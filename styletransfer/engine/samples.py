"""Deterministic synthetic images for tests, benchmarks and demos (no image files in the repo)."""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def landscape(width: int = 512, height: int = 384) -> Image.Image:
    """A content image with large shapes and edges: sky, sun, hills, a house, a tree."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # sky gradient
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(90 + 120 * t), int(150 + 80 * t), int(235 - 20 * t)))
    s = min(width, height) / 384

    def box(x0, y0, x1, y1):
        return [x0 * width, y0 * height, x1 * width, y1 * height]

    draw.ellipse(box(0.72, 0.08, 0.86, 0.08 + 0.14 * width / height), fill=(255, 215, 80))
    draw.ellipse(box(-0.3, 0.55, 0.7, 1.4), fill=(70, 150, 60))
    draw.ellipse(box(0.35, 0.62, 1.4, 1.5), fill=(40, 120, 50))
    draw.rectangle(box(0.18, 0.48, 0.42, 0.72), fill=(200, 70, 50))
    draw.polygon([(0.15 * width, 0.49 * height), (0.30 * width, 0.32 * height), (0.45 * width, 0.49 * height)],
                 fill=(90, 50, 40))
    draw.rectangle(box(0.27, 0.6, 0.33, 0.72), fill=(60, 40, 30))
    draw.rectangle(box(0.2, 0.53, 0.25, 0.59), fill=(240, 240, 200), outline=(30, 30, 30), width=max(1, int(2 * s)))
    draw.rectangle(box(0.70, 0.45, 0.73, 0.75), fill=(90, 60, 30))
    draw.ellipse(box(0.62, 0.28, 0.81, 0.52), fill=(30, 100, 40))
    return image.filter(ImageFilter.GaussianBlur(0.6 * s))


def swirls(width: int = 384, height: int = 384, seed: int = 1) -> Image.Image:
    """A style image: bold colourful brush-like swirls with dark strokes (Van Gogh-ish)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32) / max(width, height)
    field = np.zeros_like(x)
    for _ in range(6):
        cx, cy, f = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(8, 20)
        r = np.hypot(x - cx, y - cy)
        field += np.sin(f * r * 2 * np.pi + 3 * np.arctan2(y - cy, x - cx)) / 6
    stripes = np.sin(field * 14)
    palette = np.array([[20, 40, 110], [40, 90, 180], [240, 200, 60], [250, 240, 180], [20, 20, 40]], np.float32)
    t = (stripes + 1) / 2 * (len(palette) - 1)
    low = np.floor(t).astype(int).clip(0, len(palette) - 2)
    frac = (t - low)[..., None]
    rgb = palette[low] * (1 - frac) + palette[low + 1] * frac
    rgb *= (0.75 + 0.25 * np.sin(field * 40))[..., None]
    rgb += rng.normal(0, 10, rgb.shape)
    return Image.fromarray(rgb.clip(0, 255).astype(np.uint8), "RGB")


def mosaic(width: int = 384, height: int = 384, seed: int = 2) -> Image.Image:
    """A second style: a stained-glass Voronoi mosaic with dark lead lines."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(0, 1, (60, 2)) * [width, height]
    colors = rng.uniform(30, 255, (60, 3)) * [1.0, 0.6, 0.9]
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    d = np.stack([np.hypot(x - px, y - py) for px, py in points])
    order = np.sort(d, axis=0)
    rgb = colors[np.argmin(d, axis=0)]
    rgb[(order[1] - order[0]) < 3] = (15, 15, 20)
    return Image.fromarray(rgb.clip(0, 255).astype(np.uint8), "RGB")
