"""Fits the engine's cost model (styletransfer/engine/transfer.py, EVAL_* and FF_*): seconds of one objective
evaluation (forward + backward) and of one feed-forward pass against the image's megapixels.

Progress fractions and the web layer's estimates come from this model, so it only needs the right
proportions between stages; the absolute seconds depend on the machine and on what else runs on it (the
load average is printed). Each point is the best of a few repeats.
"""

import argparse
import time

import numpy as np
import torch
from engine_common import command_line, load_average

from styletransfer.engine import feedforward
from styletransfer.engine.samples import landscape, swirls
from styletransfer.engine.transfer import (
    STYLE_WEIGHT,
    Objective,
    load_vgg19,
    resolve_precision,
    style_size,
    to_tensor,
)

SIZES = [(64, 48), (128, 96), (240, 135), (256, 192), (480, 270), (512, 384), (960, 540)]
FF_SIZES = [(128, 96), (480, 270), (960, 540), (1920, 1080)]


def best_of(repeats, fn):
    fn()  # warm-up: oneDNN picks its kernels on the first call of each shape
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def fit(points):
    mp = np.array([w * h / 1e6 for (w, h), _ in points])
    seconds = np.array([s for _, s in points])
    slope, intercept = np.polyfit(mp, seconds, 1)
    return max(0.0, intercept), slope


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--precision", default="auto")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    precision = resolve_precision(args.precision, torch.device("cpu"))
    print(f"command: {command_line()}")
    print(f"load average before: {load_average()}; precision {precision}")
    net = load_vgg19("cpu")
    points = []
    for w, h in SIZES:
        content, style = to_tensor(landscape(w, h), (w, h), "cpu"), swirls()
        objective = Objective(net, content, [to_tensor(style, style_size(style, w, h, 1.0), "cpu")], [1.0],
                              STYLE_WEIGHT, precision=precision)
        image = content.clone().requires_grad_(True)

        def evaluate(objective=objective, image=image):
            image.grad = None
            objective(image).backward()

        seconds = best_of(args.repeats, evaluate)
        points.append(((w, h), seconds))
        print(f"evaluation {w}×{h}: {seconds:.3f} s ({seconds / (w * h / 1e6):.2f} s/MP)", flush=True)
    fixed, per_mp = fit(points)
    print(f"EVAL_FIXED, EVAL_PER_MP = {fixed:.3f}, {per_mp:.2f}")
    model = feedforward.load_feedforward(args.threads)
    ff_points = []
    for w, h in FF_SIZES:
        content = landscape(w, h)
        vector = model.style_vector(swirls())
        seconds = best_of(args.repeats, lambda content=content, vector=vector, w=w, h=h:
                          model.stylize(content, vector, (w, h)))
        ff_points.append(((w, h), seconds))
        print(f"feed-forward {w}×{h}: {seconds:.3f} s", flush=True)
    fixed, per_mp = fit(ff_points)
    print(f"FF_FIXED, FF_PER_MP = {fixed:.3f}, {per_mp:.2f}")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
