"""Benchmark 2: time to quality of a preset against a plain single-scale L-BFGS baseline.

Both minimise the same full-size objective (same images, weights, init). The baseline runs
`--baseline-iterations` L-BFGS steps at full size; the preset runs its coarse-to-fine plan. We record the
full-size objective against wall time (and against work in full-size evaluations, which contention
does not distort), then report when the preset's final objective is reached by the baseline.

Writes bench/figures/engine_time_to_quality_<size>.csv and .png.
"""

import argparse
import csv
import time
from pathlib import Path

import torch
from engine_common import FIGURES, RESULTS, command_line, load_average
from PIL import Image, ImageDraw

from styletransfer.engine import PRESETS, TransferOptions, plan_scales, transfer
from styletransfer.engine.samples import landscape, swirls
from styletransfer.engine.transfer import Schedule


def run(preset: str, size: int, threads: int, save: Path | None = None) -> list[dict]:
    content, style = landscape(), swirls()
    opts = TransferOptions(size=size, preset=preset, device="cpu", threads=threads, preview_every=0)
    width, height = 512 * size // 512, 384 * size // 512
    plan = plan_scales(width, height, preset)
    final_scale = f"scale {len(plan)}/{len(plan)}"
    points, started, work, last_step = [], time.perf_counter(), 0.0, 0
    full_pixels = plan[-1][0] * plan[-1][1]

    def on_progress(progress):
        nonlocal work, last_step
        # Only reports of a new step carry a new evaluation: the report at the start of each scale repeats
        # the previous (coarser) scale's last loss, which is not a full-size objective.
        if progress.step == last_step or progress.loss is None or progress.stage == "done":
            return
        last_step = progress.step
        scale = next(p for i, p in enumerate(plan) if progress.stage.startswith(f"scale {i + 1}/"))
        work += scale[0] * scale[1] / full_pixels
        # Steps report the objective at the point they started from; only full-size ones are comparable.
        if progress.stage.startswith(final_scale):
            points.append(dict(method=preset, step=progress.step, seconds=time.perf_counter() - started,
                               work=work, objective=progress.loss))

    image = transfer(content, style, opts, on_progress=on_progress)
    if save is not None:
        image.save(save)
    return points


def read_curve(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return [dict(row, step=int(row["step"]), seconds=float(row["seconds"]), work=float(row["work"]),
                     objective=float(row["objective"])) for row in csv.DictReader(f)]


def write_curves(path: Path, curves: dict[str, list[dict]]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["method", "step", "seconds", "work", "objective"])
        writer.writeheader()
        for points in curves.values():
            writer.writerows(points)


def plot(curves: dict[str, list[dict]], path, key: str, label: str) -> None:
    width, height, margin = 900, 540, 70
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    all_points = [p for c in curves.values() for p in c]
    x_max = max(p[key] for p in all_points) * 1.02
    y_values = [p["objective"] for p in all_points]
    y_min, y_max = min(y_values) * 0.98, sorted(y_values)[int(len(y_values) * 0.97)]  # clip early spikes

    def xy(p):
        y = min(max(p["objective"], y_min), y_max)
        return (margin + (width - 2 * margin) * p[key] / x_max,
                height - margin - (height - 2 * margin) * (y - y_min) / (y_max - y_min))

    draw.rectangle([margin, margin, width - margin, height - margin], outline="black")
    for i in range(6):
        x = margin + (width - 2 * margin) * i / 5
        y = height - margin - (height - 2 * margin) * i / 5
        draw.text((x - 10, height - margin + 8), f"{x_max * i / 5:.0f}", fill="black")
        draw.text((8, y - 6), f"{y_min + (y_max - y_min) * i / 5:.3g}", fill="black")
    draw.text((width / 2 - 60, height - 30), label, fill="black")
    draw.text((margin, 20), "full-size objective (lower is better)", fill="black")
    colors = {"baseline": (200, 40, 40)}
    for i, (name, points) in enumerate(curves.items()):
        color = colors.get(name, (30, 90, 200))
        draw.line([xy(p) for p in points], fill=color, width=3)
        draw.text((width - margin - 200, margin + 10 + 18 * i), f"-- {name}", fill=color)
    image.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--preset", default="standard")
    parser.add_argument("--baseline-iterations", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reuse-baseline", action="store_true",
                        help="reuse the baseline curve saved in bench/results/ by an earlier run with the same "
                             "size, iterations and history (the baseline takes ~20 min at 512 px on 2 cores)")
    args = parser.parse_args()
    torch.manual_seed(0)
    history = PRESETS[args.preset].history_size
    # The baseline: a single scale (start_side above the output), a fixed number of steps at full size,
    # plain pixels, the same L-BFGS settings.
    PRESETS["baseline"] = Schedule("single scale", 10**6, 0.0, args.baseline_iterations, args.baseline_iterations,
                                   history_size=history)
    print(f"command: {command_line()}")
    print(f"load average before: {load_average()} (other engineers' test runs share these cores)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    cached = RESULTS / f"engine_baseline_{args.size}_{args.baseline_iterations}_h{history}.csv"
    curves = {}
    for method in (args.preset, "baseline"):
        if method == "baseline" and args.reuse_baseline and cached.is_file():
            curves[method] = read_curve(cached)
            print(f"baseline curve reused from {cached}")
        else:
            curves[method] = run(method, args.size, args.threads, RESULTS / f"ttq_{method}_{args.size}.png")
            print(f"load average: {load_average()}")
            if method == "baseline":
                write_curves(cached, {method: curves[method]})
        last = curves[method][-1]
        print(f"{method:>9}: final objective {last['objective']:.4f} after {last['seconds']:.1f} s, "
              f"{last['work']:.1f} full-size evaluations")
    preset_final = curves[args.preset][-1]
    baseline_final = curves["baseline"][-1]
    reached = next((p for p in curves["baseline"] if p["objective"] <= preset_final["objective"]), None)
    print(f"time ratio preset/baseline: {preset_final['seconds'] / baseline_final['seconds']:.3f} "
          f"(target <= 0.333, aim 0.2); work ratio: {preset_final['work'] / baseline_final['work']:.3f}")
    print(f"preset final objective {'<=' if preset_final['objective'] <= baseline_final['objective'] else '>'} "
          f"baseline final ({preset_final['objective']:.4f} vs {baseline_final['objective']:.4f})")
    if reached:
        print(f"baseline first reached the preset's final objective at step {reached['step']}, "
              f"{reached['seconds']:.1f} s")
    print(f"load average after: {load_average()}")
    stem = FIGURES / f"engine_time_to_quality_{args.size}"
    FIGURES.mkdir(parents=True, exist_ok=True)
    write_curves(stem.with_suffix(".csv"), curves)
    plot(curves, stem.with_suffix(".png"), "seconds", "wall time (s)")
    plot(curves, FIGURES / f"engine_work_to_quality_{args.size}.png", "work", "work (full-size evaluations)")
    print(f"wrote {stem}.csv/.png")


if __name__ == "__main__":
    main()
