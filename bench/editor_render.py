"""Server-side editor rendering time (the W3C CSS filters of editor/filters.py) for wallpaper-sized images.

The render API does this inside the request, so these figures bound its response time.
"""

import argparse
import io

import numpy as np
from django_bench import footer, setup_django, timed
from PIL import Image

CASES = {
    "brightness + contrast": {"brightness": 1.2, "contrast": 1.1},
    "vintage preset (4 functions)": {"sepia": 0.6, "contrast": 0.85, "brightness": 1.1, "saturate": 0.8},
    "all seven colour functions": {"brightness": 1.1, "contrast": 1.2, "saturate": 1.3, "grayscale": 0.2,
                                   "sepia": 0.2, "hue_rotate": 30, "invert": 0.1},
    "blur 20 px": {"blur": 20},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1920x1080,3840x2160", help="comma-separated WxH")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from editor.filters import apply_filters

    rng = np.random.default_rng(0)
    print(f"{'image':>11} | {'filters':<30} | median | best")
    for size in args.sizes.split(","):
        width, height = map(int, size.split("x"))
        # A smooth gradient plus noise: like a photo, neither flat nor pure noise.
        y, x = np.mgrid[0:height, 0:width]
        base = np.stack([x * 255 / width, y * 255 / height, (x + y) * 127 / (width + height)], axis=-1)
        pixels = np.clip(base + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8)
        image = Image.fromarray(pixels)
        for label, filters in CASES.items():
            median, best = timed(args.repeat, apply_filters, image, filters)
            print(f"{size:>11} | {label:<30} | {median:5.2f} s | {best:5.2f} s")
        for fmt in ("PNG", "JPEG"):
            median, best = timed(args.repeat, image.save, io.BytesIO(), fmt)
            print(f"{size:>11} | {fmt + ' encode':<30} | {median:5.2f} s | {best:5.2f} s")
    print(footer())


if __name__ == "__main__":
    main()
