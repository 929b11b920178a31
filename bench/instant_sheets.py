"""Contact sheets for the `instant` preset (issue 22): 1:1 crops of the feed-forward result at several working
sizes (and detail steps), side by side with today's full-size pass and with `standard`.

    .venv/bin/python bench/instant_sheets.py --standard      # cache `standard` results (minutes each)
    .venv/bin/python bench/instant_sheets.py                 # the sheets and the detail measure
    .venv/bin/python bench/instant_sheets.py --bench         # seconds, VGG19 reference passes, objective

The Gram style loss does not see the streaks of the full-size pass (issue 22), so the choice is made by eye on
these sheets; the mean |Laplacian| of the luminance is printed as a rough measure of fine detail.
"""

import argparse
import csv
import sys
import time

import engine_common
from engine_common import FIGURES, RESULTS, command_line, load_average, sample_pair

# The two named pairs, the time-to-quality pairs, and one style of big strokes.
PAIRS = {"lighthouse-ukiyoe": ("content-13", "style-05"), **engine_common.PAIRS,
         "mountains-impasto": ("content-01", "style-11")}
SIZES = {"1920x1080": (1920, 1080), "1080x2400": (1080, 2400)}


def standard_path(pair, size):
    return RESULTS / f"standard_{pair}_{size}.png"


def cache_standard(pairs, sizes):
    from styletransfer.engine import TransferOptions, transfer

    for size in sizes:
        for pair in pairs:
            path = standard_path(pair, size)
            if path.exists():
                continue
            width, height = SIZES[size]
            started = time.perf_counter()
            image = transfer(*sample_pair(*PAIRS[pair]), TransferOptions(width=width, height=height,
                                                                          preset="standard", device="cpu", threads=2))
            image.save(path)
            print(f"standard {pair} {size}: {time.perf_counter() - started:.1f} s, load {load_average()}",
                  flush=True)


CROP = 200  # px of each 1:1 crop (small: the sheets are committed)
CROPS = {"flat": (0.12, 0.08), "edges": (0.55, 0.42)}  # the crop's top-left corner, as fractions of the picture
LABEL = 22


def variants(model):
    """{name: paint(content, vector, size)}: today's full-size pass and the candidates."""
    return {  # 512 (and so anything smaller) was too soft at 1:1 on every pair: not on the sheets
        "today (full size)": lambda c, v, s: model.stylize(c, v, s),
        "768": lambda c, v, s: model.paint(c, v, s, 768 * 432, band=0, photo=0),
        "1024": lambda c, v, s: model.paint(c, v, s, 1024 * 576, band=0, photo=0),
        "768 + 1280 band": lambda c, v, s: model.paint(c, v, s, 768 * 432, 1280 * 720, band=1, photo=0),
        "chosen: 768 + band/2 + photo": lambda c, v, s: model.paint(c, v, s),
    }


def fine_detail(image):
    """Mean |Laplacian| of the luminance (issue 22's rough measure of fine detail)."""
    import numpy as np

    y = np.asarray(image.convert("L"), np.float32)
    lap = 4 * y[1:-1, 1:-1] - y[:-2, 1:-1] - y[2:, 1:-1] - y[1:-1, :-2] - y[1:-1, 2:]
    return float(np.abs(lap).mean())


def crop(image, where):
    fx, fy = CROPS[where]
    left = min(round(image.width * fx), image.width - CROP)
    top = min(round(image.height * fy), image.height - CROP)
    return image.crop((left, top, left + CROP, top + CROP))


def sheet(rows, names, path):
    """rows: [(row label, [crop per name])] → one PNG, a column per variant."""
    from PIL import Image, ImageDraw

    gap = 4
    out = Image.new("RGB", (len(names) * (CROP + gap), LABEL + len(rows) * (CROP + LABEL + gap)), "white")
    draw = ImageDraw.Draw(out)
    for col, name in enumerate(names):
        draw.text((col * (CROP + gap) + 4, 4), name, fill="black")
    for index, (label, crops) in enumerate(rows):
        top = LABEL + index * (CROP + LABEL + gap)
        draw.text((4, top + 4), label, fill="black")
        for col, image in enumerate(crops):
            if image is not None:
                out.paste(image, (col * (CROP + gap), top + LABEL))
    out.save(path, optimize=True)
    print(f"sheet: {path.relative_to(FIGURES.parent.parent)} ({path.stat().st_size / 1e6:.1f} MB)")


BENCH_PAIRS = ("lighthouse-ukiyoe", "lake-swirls", "city-swirls", "sea-ukiyoe")


def bench(pairs, repeats=3, reference_repeats=2):
    """`instant` at 1920×1080 before (one full-size pass) and after (FeedForward.paint): in-process seconds with
    the model loaded (a worker's case), the same in fp32 VGG19 reference passes (one forward + backward of the
    Gatys objective at 1920×1080, timed here, median of `reference_repeats`), the full-size objective and the
    detail."""
    import statistics

    import torch

    from styletransfer.engine import feedforward, load_vgg19
    from styletransfer.engine.transfer import STYLE_WEIGHT, Objective, cover_crop, style_size, to_tensor

    torch.set_num_threads(2)
    width, height = SIZES["1920x1080"]
    model, net = feedforward.load_feedforward(2), load_vgg19("cpu")
    rows = []
    for pair in pairs:
        content, style = sample_pair(*PAIRS[pair])
        content = cover_crop(content, width, height)
        objective = Objective(net, to_tensor(content, (width, height), "cpu"),
                              [to_tensor(style, style_size(style, width, height, 1.0), "cpu")], [1.0], STYLE_WEIGHT)
        if not rows:
            passes = []
            for _ in range(reference_repeats):
                image = to_tensor(content, (width, height), "cpu").requires_grad_(True)
                started = time.perf_counter()
                objective(image).backward()
                passes.append(time.perf_counter() - started)
            reference = statistics.median(passes)
            print(f"fp32 VGG19 reference pass at 1920x1080: {reference:.1f} s (median of {reference_repeats}: "
                  f"{', '.join(f'{p:.1f}' for p in passes)}), load {load_average()}", flush=True)
        for name, paint in (("before", lambda c, v: model.stylize(c, v, (width, height))),
                            ("after", lambda c, v: model.paint(c, v, (width, height)))):
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                picture = paint(content, model.style_vector(style))
                times.append(time.perf_counter() - started)
            with torch.no_grad():
                value = float(objective(to_tensor(picture, (width, height), "cpu")))
            seconds = statistics.median(times)
            rows.append(dict(pair=pair, instant=name, seconds=round(seconds, 2),
                             reference_passes=round(seconds / reference, 3), objective=f"{value:.4g}",
                             fine_detail=round(fine_detail(picture), 1), load=load_average()))
            print(rows[-1], flush=True)
    write_csv(FIGURES / "instant_bench_1920x1080.csv", rows)


def write_csv(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--standard", action="store_true", help="only cache the `standard` results")
    parser.add_argument("--bench", action="store_true", help="only the seconds / reference passes / objective")
    parser.add_argument("--pairs", nargs="*", default=list(PAIRS))
    parser.add_argument("--sizes", nargs="*", default=list(SIZES))
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"command: {command_line()}; load average {load_average()}", flush=True)
    if args.standard:
        cache_standard(args.pairs, args.sizes)
        return
    if args.bench:
        bench([p for p in args.pairs if p in BENCH_PAIRS] or BENCH_PAIRS)
        return
    from PIL import Image

    from styletransfer.engine import feedforward
    from styletransfer.engine.transfer import cover_crop

    model = feedforward.load_feedforward(2)
    paints = variants(model)
    names = [*paints, "standard"]
    table = []
    for size in args.sizes:
        width, height = SIZES[size]
        rows = []
        for pair in args.pairs:
            content, style = sample_pair(*PAIRS[pair])
            content = cover_crop(content, width, height)
            vector = model.style_vector(style)
            pictures = {}
            for name, paint in paints.items():
                slug = "".join(ch for ch in name if ch.isalnum() or ch == "+")
                cached = RESULTS / f"instant_{slug}_{pair}_{size}.png"
                seconds = ""  # the seconds under contention say little: --bench times the chosen one
                if cached.exists():
                    pictures[name] = Image.open(cached).convert("RGB")
                else:
                    started = time.perf_counter()
                    pictures[name] = paint(content, vector, (width, height))
                    seconds = round(time.perf_counter() - started, 2)
                    pictures[name].save(cached)
                table.append(dict(size=size, pair=pair, variant=name, seconds=seconds,
                                  fine_detail=round(fine_detail(pictures[name]), 1), load=load_average()))
            cached = standard_path(pair, size)
            pictures["standard"] = Image.open(cached).convert("RGB") if cached.exists() else None
            if pictures["standard"] is not None:
                table.append(dict(size=size, pair=pair, variant="standard", seconds="",
                                  fine_detail=round(fine_detail(pictures["standard"]), 1), load=load_average()))
            for where in CROPS:
                rows.append((f"{pair} {size} ({where})",
                             [crop(pictures[n], where) if pictures[n] is not None else None for n in names]))
            print(pair, size, [(r["variant"], r["seconds"], r["fine_detail"]) for r in table if r["pair"] == pair
                               and r["size"] == size], flush=True)
        sheet(rows, names, FIGURES / f"instant_sheet_{size}.png")
        write_csv(FIGURES / f"instant_sheet_{size}.csv", [row for row in table if row["size"] == size])


if __name__ == "__main__":
    sys.exit(main())
