"""Issue 22, item 5: a tiled run against an untiled one where both fit (1:1 crops and their difference).

Paints one sample pair with `standard` at --width×--height twice, in one piece and with every scale above
--untiled pixels cut into tiles of at most --tile-pixels (halo included), float32 so that the only difference
is the order of the sums, and writes bench/figures/engine_tiles_<w>x<h>.png: untiled, tiled, and their
difference ×10, side by side at 1:1, with the mean and largest pixel differences and seconds printed.
"""

import argparse
import time

import numpy as np
import torch
from engine_common import FIGURES, PAIRS, command_line, load_average, sample_pair
from PIL import Image, ImageDraw

from styletransfer.engine import TransferOptions, transfer
from styletransfer.engine.transfer import plan_scales, plan_tiles


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pair", default="lake-swirls", choices=list(PAIRS))
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--untiled", type=int, default=1, help="scales above this many pixels are tiled")
    parser.add_argument("--tile-pixels", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    content, style = sample_pair(*PAIRS[args.pair])
    print(f"command: {command_line()}")
    plan = plan_scales(args.width, args.height, "standard")
    print(f"plan {plan}; tiles per scale {[len(plan_tiles(w, h, args.untiled, args.tile_pixels)) for w, h, _ in plan]}")
    images = {}
    for name, extra in (("untiled", {}), ("tiled", {"untiled_pixels": args.untiled, "tile_pixels": args.tile_pixels})):
        load = load_average()
        started = time.perf_counter()
        images[name] = transfer(content, style, TransferOptions(width=args.width, height=args.height, device="cpu",
                                                                precision="float32", preview_every=0, **extra))
        print(f"{name}: {time.perf_counter() - started:.1f} s, load {load} → {load_average()}", flush=True)
    a, b = (np.asarray(images[k], dtype=np.int16) for k in ("untiled", "tiled"))
    difference = np.abs(a - b)
    print(f"pixel difference: mean {difference.mean():.3f}, largest {difference.max()} (0..255)")
    labels = {"untiled": "untiled", "tiled": "tiled", "difference": "|tiled - untiled| x 10"}
    images["difference"] = Image.fromarray(np.clip(difference * 10, 0, 255).astype(np.uint8))
    sheet = Image.new("RGB", (args.width * 3, args.height + 18), "white")
    draw = ImageDraw.Draw(sheet)
    for i, key in enumerate(labels):
        sheet.paste(images[key], (i * args.width, 18))
        draw.text((i * args.width + 4, 2), labels[key], fill="black")
    path = FIGURES / f"engine_tiles_{args.width}x{args.height}.png"
    sheet.save(path)
    print(f"wrote {path}; load average now {load_average()}")


if __name__ == "__main__":
    main()
