"""The worst server render the editor accepts by default: time and memory of one request at IMOGEN_EDITOR_MAX_PIXELS.

A random-noise photo (the worst case for PNG) at 16 MP, every colour function, PNG out: decode, filters, encode,
and the growth of the process's peak RSS (what one render turn holds; docs/security.md).

    .venv/bin/python bench/editor_render_bound.py [--pixels 16000000]
"""
import argparse
import io
import math
import resource
import time

from django_bench import footer, setup_django


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--pixels", type=int, default=16_000_000)
    args = parser.parse_args(argv)
    setup_django()
    import numpy as np
    from PIL import Image

    from core.uploads import encode_image, read_image
    from editor.filters import apply_filters

    width = int(math.sqrt(args.pixels * 3 / 2))
    height = args.pixels // width
    noise = np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    del noise
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    clean = read_image(data, max_bytes=len(data) + 1, max_pixels=args.pixels + 1)
    decoded = time.monotonic()
    values = {"brightness": 1.1, "contrast": 1.1, "saturate": 1.2, "grayscale": 0.2, "sepia": 0.2,
              "hue_rotate": 10, "invert": 0.1, "blur": 0}
    result = apply_filters(clean.image, values)
    filtered = time.monotonic()
    png = encode_image(result, "PNG")
    encoded = time.monotonic()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{width}×{height} ({width * height / 1e6:.1f} MP, {len(data) / 2**20:.1f} MB JPEG in): decode "
          f"{decoded - started:.1f} s, filters {filtered - decoded:.1f} s, PNG {encoded - filtered:.1f} s "
          f"({len(png) / 2**20:.0f} MB out); peak RSS +{(peak - base) / 1024:.0f} MB "
          f"({(peak - base) * 1024 / (width * height):.0f} bytes/pixel)")
    print(footer())


if __name__ == "__main__":
    main()
