"""Issue 22, item 2: `standard` (and `high`) at 1920×1080, before and after, on sample pairs.

For each pair the methods run one after the other (interleaved, so "before" and "after" see a similar load),
in this process with the networks loaded (a worker's case), 2 threads. Per run: seconds, the same in fp32
VGG19 reference passes at 1920×1080 (one forward and backward pass of the whole objective, timed in this
process at the start: a machine-independent unit), the work the plan does (evaluations × pixels, in full-size
evaluations, each weighted by how deep its network goes), the full-size objective of the result (the whole
Gatys objective, float32, content relu4_2, styles relu1_1…relu5_1) and the fine detail (mean |Laplacian| of
the luminance). Writes bench/figures/engine_<preset>_1920x1080.csv and a contact sheet of 1:1 crops,
engine_<preset>_1920x1080_crops.png, and prints the load average with every figure.
"""

import argparse
import csv
import statistics
import time

import numpy as np
import torch
from engine_common import FIGURES, PAIRS, RESULTS, command_line, issue12_presets, load_average, sample_pair
from PIL import Image, ImageDraw

from styletransfer.engine import TransferOptions, transfer
from styletransfer.engine.transfer import (
    PRESETS,
    STYLE_WEIGHT,
    Objective,
    cover_crop,
    get_schedule,
    load_vgg19,
    plan_scales,
    scale_layers,
    style_size,
    to_tensor,
)
from styletransfer.engine.vgg import cost_fraction


def detail(image: Image.Image) -> float:
    """Mean |Laplacian| (4-neighbour) of the luminance, 0..255: a rough measure of fine detail."""
    y = np.asarray(image.convert("YCbCr"), dtype=np.float32)[:, :, 0]
    lap = -4 * y[1:-1, 1:-1] + y[:-2, 1:-1] + y[2:, 1:-1] + y[1:-1, :-2] + y[1:-1, 2:]
    return float(np.abs(lap).mean())


def full_objective(net, content, style, image, size) -> float:
    w, h = size
    objective = Objective(net, to_tensor(cover_crop(content, w, h), (w, h), "cpu"),
                          [to_tensor(style, style_size(style, w, h, 1.0), "cpu")], [1.0], STYLE_WEIGHT)
    with torch.no_grad():
        return float(objective(to_tensor(image, (w, h), "cpu")))


def reference_pass_seconds(net, content, style, size) -> float:
    """One float32 forward and backward pass of the whole objective at `size`."""
    w, h = size
    objective = Objective(net, to_tensor(cover_crop(content, w, h), (w, h), "cpu"),
                          [to_tensor(style, style_size(style, w, h, 1.0), "cpu")], [1.0], STYLE_WEIGHT)
    image = to_tensor(cover_crop(content, w, h), (w, h), "cpu")
    started = time.perf_counter()
    objective.value_and_grad(image)
    return time.perf_counter() - started


def planned_work(preset: str, size) -> float:
    """The plan's evaluations × pixels in full-size evaluations, each weighted by its network's depth."""
    schedule, full = get_schedule(preset), size[0] * size[1]
    total = 0.0
    plan = plan_scales(*size, preset)
    for index, (w, h, iterations) in enumerate(plan):
        style_layers, content_layer = scale_layers(schedule, w, h, index == len(plan) - 1)
        depth = cost_fraction([*style_layers, *([content_layer] if content_layer else [])])
        total += iterations * w * h / full * depth
    return total


def contact_sheet(rows, path, crop=384):
    """Per pair, two 1:1 crops (a detailed and a flat region) of each method side by side, labelled."""
    methods = list(rows[0]["images"])
    label = 18
    sheet = Image.new("RGB", (crop * 2 * len(methods), (crop + label) * len(rows)), "white")
    draw = ImageDraw.Draw(sheet)
    for r, row in enumerate(rows):
        first = row["images"][methods[0]]
        w, h = first.size
        boxes = [(w // 2 - crop // 2, h // 3 - crop // 2), (w // 5, h // 8)]  # centre-ish and upper left (sky)
        for m, method in enumerate(methods):
            for b, (x, y) in enumerate(boxes):
                tile = row["images"][method].crop((x, y, x + crop, y + crop))
                left = (m * 2 + b) * crop
                sheet.paste(tile, (left, r * (crop + label) + label))
            draw.text((m * 2 * crop + 4, r * (crop + label) + 2), f"{row['pair']}: {method}", fill="black")
    sheet.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", nargs="+", default=list(PAIRS), choices=list(PAIRS))
    parser.add_argument("--preset", default="standard", choices=["standard", "high"])
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--name", default="")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    size = (args.width, args.height)
    before = f"issue12-{args.preset}"
    PRESETS.update(issue12_presets())
    methods = {"before (issue 12)": before, "after (issue 22)": args.preset}
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"command: {command_line()}")
    net = load_vgg19("cpu")
    content, style = sample_pair(*PAIRS[args.pairs[0]])
    load = load_average()
    reference = reference_pass_seconds(net, content, style, size)
    print(f"reference pass (float32 forward + backward at {size[0]}×{size[1]}): {reference:.1f} s; load {load} → "
          f"{load_average()}", flush=True)
    for label, preset in methods.items():
        print(f"{label}: plan {plan_scales(*size, preset)}, work {planned_work(preset, size):.2f} full-size "
              "evaluations", flush=True)
    rows, records = [], []
    for pair in args.pairs:
        content, style = sample_pair(*PAIRS[pair])
        row = {"pair": pair, "images": {}}
        for label, preset in methods.items():
            load = load_average()
            started = time.perf_counter()
            image = transfer(content, style, TransferOptions(width=size[0], height=size[1], preset=preset,
                                                             device="cpu", threads=args.threads, preview_every=0))
            seconds = time.perf_counter() - started
            load_after = load_average()
            image.save(RESULTS / f"{args.preset}_{pair}_{preset}.png")
            record = {"pair": pair, "method": label, "seconds": round(seconds, 1),
                      "reference_passes": round(seconds / reference, 2),
                      "work_full_size_evaluations": round(planned_work(preset, size), 2),
                      "objective": full_objective(net, content, style, image, size), "detail": round(detail(image), 2),
                      "load_before": load, "load_after": load_after}
            print(record, flush=True)
            records.append(record)
            row["images"][label] = image
        rows.append(row)
        stem = FIGURES / f"engine_{args.preset}_{size[0]}x{size[1]}{args.name}"
        with open(f"{stem}.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
        contact_sheet(rows, f"{stem}_crops.png")
    for label in methods:
        mine = [r for r in records if r["method"] == label]
        print(f"{label}: median {statistics.median(r['seconds'] for r in mine):.1f} s, "
              f"{statistics.median(r['reference_passes'] for r in mine):.2f} reference passes, objective "
              f"{[round(r['objective'], 4) for r in mine]}, detail {[r['detail'] for r in mine]}")
    print(f"reference pass {reference:.1f} s; load average now {load_average()}")


if __name__ == "__main__":
    main()
