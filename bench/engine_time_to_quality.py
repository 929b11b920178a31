"""Benchmark 2: time to quality of a preset against issue 3's schedule of the same name (the baseline).

On each sample pair, both minimise the same full-size objective (same images, weights, seed): the baseline is
issue 3's schedule exactly as it ran (from the content image, float32, torch's L-BFGS first step), the
preset is today's (from the feed-forward result, `precision="auto"`, curvature carried between scales).
Records the full-size objective at every full-size step against seconds and against work (full-size
evaluations), then reports when the preset first reaches the baseline's final objective, as a fraction of the
baseline's time. Both networks are loaded before the clock starts; the feed-forward pass is timed.
The final images of both are re-evaluated with the float32 objective (the preset's own losses are bfloat16
ones, within ~0.3 %).

Writes bench/figures/engine_time_to_quality_<W>x<H>.csv and .png (objective relative to the baseline's final
one, against time relative to the baseline's).
"""

import argparse
import csv
import math
import time

import torch
from engine_common import (
    FIGURES,
    PAIRS,
    RESULTS,
    FullSizeRecorder,
    command_line,
    issue3_presets,
    load_average,
    sample_pair,
)
from PIL import Image, ImageDraw

from styletransfer.engine import PRESETS, TransferOptions, feedforward, load_vgg19, plan_scales, transfer
from styletransfer.engine.transfer import STYLE_WEIGHT, Objective, cover_crop, style_size, to_tensor


def full_size_objective(content, style, image) -> float:
    """The float32 objective of a finished image at its own size."""
    w, h = image.size
    content = cover_crop(content, w, h)
    objective = Objective(load_vgg19("cpu"), to_tensor(content, (w, h), "cpu"),
                          [to_tensor(style, style_size(style, w, h, 1.0), "cpu")], [1.0], STYLE_WEIGHT)
    with torch.no_grad():
        return float(objective(to_tensor(image, (w, h), "cpu")))


def run(pair, method, preset, width, height, threads) -> tuple[list[dict], float, float]:
    content, style = sample_pair(*PAIRS[pair])
    baseline = preset.startswith("issue3-")
    opts = TransferOptions(width=width, height=height, preset=preset, device="cpu", threads=threads,
                           preview_every=0, init="content" if baseline else "feedforward",
                           precision="float32" if baseline else "auto")
    recorder = FullSizeRecorder(plan_scales(width, height, preset), pair=pair, method=method)
    image = transfer(content, style, opts, on_progress=recorder)
    seconds = time.perf_counter() - recorder.started
    image.save(RESULTS / f"ttq_{pair}_{method}_{width}x{height}.png")
    return recorder.points, seconds, full_size_objective(content, style, image)


def plot(curves: dict, path, key: str, label: str) -> None:
    """Objective / baseline's final objective against key / baseline's total (seconds or work), per pair.

    Both axes are fitted to the data (the objective on a log scale: early steps can be several times the final
    value), so every point lies inside the frame."""
    width, height, margin = 900, 560, 70
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    series = []
    for i, (_pair, methods) in enumerate(curves.items()):
        base = methods["baseline"]
        x_total, y_final = base["total_" + key], base["final_loss"]
        for method, curve in methods.items():
            series.append((i, method, [(p[key] / x_total, p["objective"] / y_final) for p in curve["points"]]))
    xs = [x for *_, points in series for x, _y in points] or [1.0]
    ys = [y for *_, points in series for _x, y in points if y > 0] or [1.0]
    x_max = max(1.05, max(xs) * 1.03)
    y_lo, y_hi = math.log(min(min(ys), 1.0) * 0.97), math.log(max(max(ys), 1.0) * 1.03)

    def xy(x, y):
        fraction = (math.log(max(y, 1e-9)) - y_lo) / (y_hi - y_lo)
        return (margin + (width - 2 * margin) * x / x_max, height - margin - (height - 2 * margin) * fraction)

    draw.rectangle([margin, margin, width - margin, height - margin], outline="black")
    for i in range(6):
        draw.text((xy(x_max * i / 5, 1)[0] - 10, height - margin + 8), f"{x_max * i / 5:.2f}", fill="black")
        value = math.exp(y_lo + (y_hi - y_lo) * i / 5)
        draw.text((8, xy(0, value)[1] - 6), f"{value:.2f}", fill="black")
    draw.line([xy(0, 1.0), xy(x_max, 1.0)], fill=(150, 150, 150), width=1)
    draw.line([(xy(1 / 3, 1)[0], margin), (xy(1 / 3, 1)[0], height - margin)], fill=(150, 150, 150), width=1)
    draw.text((xy(1 / 3, 1)[0] + 4, margin + 4), "1/3 (target)", fill=(110, 110, 110))
    draw.text((width / 2 - 160, height - 30), label, fill="black")
    draw.text((margin, 20), "full-size objective / baseline's final objective (log scale, lower is better)",
              fill="black")
    palette = [(30, 90, 200), (20, 150, 80), (200, 120, 0), (150, 40, 160)]
    for i, method, points in series:
        color = palette[i % len(palette)]
        if method == "baseline":
            color = tuple(min(255, c + 110) for c in color)  # the paler line of the same colour
        if len(points) > 1:
            draw.line([xy(x, y) for x, y in points], fill=color, width=3 if method != "baseline" else 2)
    for i, pair in enumerate(curves):
        draw.text((width - margin - 250, margin + 10 + 18 * i), f"{pair}: new (dark), issue 3 (pale)",
                  fill=palette[i % len(palette)])
    image.save(path)


def replot(stem):
    """Draw the figures again from a run's CSV files (bench/figures/<stem>.csv and <stem>_summary.csv)."""
    curves = {}
    with open(FIGURES / f"{stem}.csv") as f:
        for row in csv.DictReader(f):
            point = {k: float(row[k]) for k in ("seconds", "work", "objective")}
            curves.setdefault(row["pair"], {}).setdefault(row["method"], {"points": []})["points"].append(point)
    with open(FIGURES / f"{stem}_summary.csv") as f:
        for row in csv.DictReader(f):
            base = curves[row["pair"]]["baseline"]
            base.update(total_seconds=float(row["baseline_seconds"]), total_work=float(row["baseline_work"]),
                        final_loss=base["points"][-1]["objective"])
    plot(curves, FIGURES / f"{stem}.png", "seconds", "time / the baseline's time")
    plot(curves, FIGURES / f"{stem}_work.png", "work", "work (full-size evaluations) / the baseline's")
    print(f"redrew {FIGURES / stem}.png and _work.png")


def write(args, curves, rows):
    stem = FIGURES / f"engine_time_to_quality_{args.preset}_{args.width}x{args.height}{args.name}"
    FIGURES.mkdir(parents=True, exist_ok=True)
    with open(stem.with_suffix(".csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["pair", "method", "step", "seconds", "work", "objective"])
        writer.writeheader()
        for methods in curves.values():
            for curve in methods.values():
                writer.writerows(curve["points"])
    with open(f"{stem}_summary.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    plot(curves, stem.with_suffix(".png"), "seconds", "time / the baseline's time")
    plot(curves, f"{stem}_work.png", "work", "work (full-size evaluations) / the baseline's")
    print(f"wrote {stem}.csv, _summary.csv, .png, _work.png", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--height", type=int, default=384)
    parser.add_argument("--preset", default="standard")
    parser.add_argument("--pairs", nargs="+", default=list(PAIRS), choices=list(PAIRS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--name", default="", help="suffix of the output files (to run pairs in parallel)")
    parser.add_argument("--replot", metavar="STEM", help="only redraw bench/figures/STEM.png from its CSV files")
    args = parser.parse_args()
    if args.replot:
        return replot(args.replot)
    PRESETS.update(issue3_presets())
    RESULTS.mkdir(parents=True, exist_ok=True)
    load_vgg19("cpu"), feedforward.load_feedforward(args.threads)
    print(f"command: {command_line()}")
    curves = {}
    rows = []
    for pair in args.pairs:
        curves[pair] = {}
        for method, preset in (("baseline", f"issue3-{args.preset}"), ("new", args.preset)):
            before = load_average()
            points, seconds, final = run(pair, method, preset, args.width, args.height, args.threads)
            work = points[-1]["work"] + 1
            curves[pair][method] = dict(points=points, total_seconds=seconds, total_work=work, final=final,
                                        final_loss=points[-1]["objective"])
            print(f"{pair:12} {method:8} ({preset}): final objective {final:.4f} (float32), {seconds:.1f} s, "
                  f"{work:.1f} full-size evaluations; load average {before} → {load_average()}", flush=True)
        base, new = curves[pair]["baseline"], curves[pair]["new"]
        reached = next((p for p in new["points"] if p["objective"] <= base["final_loss"]), None)
        row = dict(pair=pair, baseline_objective=base["final"], baseline_seconds=base["total_seconds"],
                   baseline_work=base["total_work"], new_objective=new["final"], new_seconds=new["total_seconds"],
                   new_work=new["total_work"],
                   reached_seconds=reached["seconds"] if reached else None,
                   reached_work=reached["work"] if reached else None)
        rows.append(row)
        write(args, curves, rows)  # after every pair, so a run cut short keeps what it measured
        if reached:
            print(f"{pair:12} the new {args.preset} reaches issue 3's final objective after {reached['seconds']:.1f} s "
                  f"= {reached['seconds'] / base['total_seconds']:.2f} of its time (target <= 0.33, aim 0.2), "
                  f"{reached['work']:.1f} evaluations = {reached['work'] / base['total_work']:.2f} of its work")
        else:
            print(f"{pair:12} the new {args.preset} never reaches issue 3's final objective "
                  f"({new['final']:.4f} vs {base['final']:.4f}); its whole run took "
                  f"{new['total_seconds'] / base['total_seconds']:.2f} of the time")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
