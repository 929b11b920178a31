"""Benchmark 3: a 1920×1080 wallpaper with a preset (`standard` by default) on this CPU: wall time and peak RSS.

Runs the CLI in a child process and reads its peak resident memory from getrusage. Targets: `standard`
<= 10 minutes, <= 8 GB; `instant` under 10 s. Also prints the engine's memory estimate for the same request.
With `--in-process N` it also times N calls of `transfer()` in this process (the first one loads the model,
the others find it cached, as a worker does), without the interpreter's and torch's start-up.
"""

import argparse
import resource
import subprocess
import sys
import time

from engine_common import PAIRS, RESULTS, ROOT, command_line, load_average, sample_pair

from styletransfer.engine import TransferOptions, estimate_memory_bytes, plan_scales
from styletransfer.engine.samples import landscape, swirls


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--preset", default="standard")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--in-process", type=int, default=0, help="also time this many in-process calls")
    parser.add_argument("--pair", choices=PAIRS, help="a bundled sample pair instead of the synthetic images")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    content, style, output = RESULTS / "content.png", RESULTS / "style.png", RESULTS / "wallpaper.png"
    pictures = sample_pair(*PAIRS[args.pair]) if args.pair else (landscape(1600, 1000), swirls(800, 800))
    pictures[0].save(content)
    pictures[1].save(style)
    opts = TransferOptions(width=args.width, height=args.height, preset=args.preset)
    print(f"command: {command_line()}")
    print(f"plan (w, h, iterations): {plan_scales(args.width, args.height, args.preset)}")
    print(f"load average before: {load_average()} (other engineers' test runs share these cores)")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "styletransfer.engine", "--content", str(content), "--style", str(style),
                    "--output", str(output), "--width", str(args.width), "--height", str(args.height),
                    "--preset", args.preset, "--device", "cpu", "--threads", str(args.threads)],
                   cwd=ROOT, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    estimate = estimate_memory_bytes(opts)
    print(f"wall time of the CLI process: {seconds:.1f} s = {seconds / 60:.1f} min (Python and torch start-up "
          f"included)")
    print(f"peak RSS: {peak / 2**30:.2f} GiB (target <= 8 GB); engine estimate {estimate / 2**30:.2f} GiB")
    if args.in_process:
        from PIL import Image

        from styletransfer.engine import transfer

        opts = TransferOptions(width=args.width, height=args.height, preset=args.preset, device="cpu",
                               threads=args.threads)
        images = Image.open(content).convert("RGB"), Image.open(style).convert("RGB")
        for call in range(args.in_process):
            started = time.perf_counter()
            transfer(*images, opts)
            print(f"in-process call {call + 1}{' (loads the model)' if call == 0 else ''}: "
                  f"{time.perf_counter() - started:.2f} s; load average {load_average()}", flush=True)
    print(f"load average after: {load_average()}; output {output}")


if __name__ == "__main__":
    main()
