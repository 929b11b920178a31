"""Study: how the feed-forward result should enter the coarse-to-fine plan (issue 12, item 3).

For each sample pair and variant, runs the real `transfer()` with a temporary preset and records the full-size
objective at every full-size step, the work spent (in full-size evaluations) and the seconds. Variants:
the old `standard` schedule from the content image, and schedules starting from the feed-forward result with
each way of entering the plan (`FEEDFORWARD_ENTRY`: coarsest, detail, every).

Measured by work first: the seconds depend on what else runs on the shared cores (the load average is printed).
Writes bench/results/engine_init_study_<size>.csv.
"""

import argparse
import csv
import importlib

import torch
from engine_common import PAIRS, RESULTS, FullSizeRecorder, command_line, issue3_presets, load_average, sample_pair

from styletransfer.engine import PRESETS, TransferOptions, plan_scales, transfer
from styletransfer.engine.transfer import Schedule

# The module, not the function `styletransfer.engine.transfer` (which the package's name refers to).
engine = importlib.import_module("styletransfer.engine.transfer")

OLD_STANDARD = issue3_presets()["issue3-standard"]
SHORT = Schedule("short", 128, 1.0, 12, 40)
# name: (init, entry, schedule)
VARIANTS = {
    "old standard, content": ("content", None, OLD_STANDARD),
    "short, ff detail": ("feedforward", "detail", SHORT),
    "short, ff coarsest": ("feedforward", "coarsest", SHORT),
    "short, ff every": ("feedforward", "every", SHORT),
    "short, content": ("content", None, SHORT),
    "ff full size only": ("feedforward", "every", Schedule("single", 10**6, 0.0, 24, 24)),
}


def run_variant(pair: str, variant: str, width: int, height: int, threads: int) -> list[dict]:
    init, entry, schedule = VARIANTS[variant]
    PRESETS["study"] = schedule
    if entry:
        engine.FEEDFORWARD_ENTRY = entry
    content, style = sample_pair(*PAIRS[pair])
    recorder = FullSizeRecorder(plan_scales(width, height, "study"), pair=pair, variant=variant)
    transfer(content, style, TransferOptions(width=width, height=height, preset="study", init=init, device="cpu",
                                             threads=threads, preview_every=0), on_progress=recorder)
    return recorder.points


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--height", type=int, default=384)
    parser.add_argument("--pairs", nargs="+", default=["city-swirls", "sea-ukiyoe"], choices=sorted(PAIRS))
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(0)
    print(f"command: {command_line()}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"engine_init_study_{args.width}x{args.height}.csv"
    with open(out, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["pair", "variant", "step", "work", "seconds", "objective"])
        if f.tell() == 0:
            writer.writeheader()
        for pair in args.pairs:
            for variant in args.variants:
                print(f"load average: {load_average()}", flush=True)
                points = run_variant(pair, variant, args.width, args.height, args.threads)
                writer.writerows(points)
                f.flush()
                first, last = points[0], points[-1]
                print(f"{pair:12} {variant:28} full-size start {first['objective']:.3f} after {first['work']:.1f} "
                      f"evals; final {last['objective']:.3f} after {last['work'] + 1:.1f} evals, "
                      f"{last['seconds']:.0f} s", flush=True)
    print(f"load average: {load_average()}; wrote {out}")


if __name__ == "__main__":
    main()
