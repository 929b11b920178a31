"""Command line: python -m styletransfer.engine --content C --style S --output O [options]."""

import argparse
import sys
import time
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .errors import EngineError, InputError
from .transfer import INITS, PRECISIONS, PRESETS, SIZE_PRESETS, Progress, TransferOptions, transfer


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m styletransfer.engine",
                                     description="Paint a content image in the style of one or more style images.")
    parser.add_argument("--content", required=True, help="content image file")
    parser.add_argument("--style", required=True, nargs="+", help="style image file(s)")
    parser.add_argument("--style-weights", type=float, nargs="+", help="blend weights, one per style image")
    parser.add_argument("--output", required=True, help="output image file (.png, .jpg, ...)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--size", type=int, help="long side in pixels (default 512), keeps the content's aspect")
    size.add_argument("--wallpaper", choices=sorted(SIZE_PRESETS), help="exact wallpaper size preset")
    parser.add_argument("--width", type=int, help="exact width (with --height, crops the content to fit)")
    parser.add_argument("--height", type=int, help="exact height")
    parser.add_argument("--preset", default="standard", help=f"quality preset: {', '.join(PRESETS)}")
    parser.add_argument("--init", choices=INITS, default="feedforward",
                        help="the Gatys presets' first image: the feed-forward result (default) or the content")
    parser.add_argument("--style-strength", type=float, default=1.0)
    parser.add_argument("--style-scale", type=float, default=1.0)
    parser.add_argument("--preserve-colors", action="store_true", help="keep the content's colours")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], default="auto")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="convolutions in bfloat16 where the hardware has it (auto), or always float32")
    parser.add_argument("--memory-budget-gb", type=float, help="refuse requests estimated above this")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def open_image(path: str, what: str) -> Image.Image:
    if not Path(path).is_file():
        raise InputError(f"{what} file not found: {path}")
    try:
        image = Image.open(path)
        image.load()
        return image
    except (UnidentifiedImageError, OSError) as error:
        raise InputError(f"{what} file is not a readable image: {path}") from error


class ProgressBar:
    def __init__(self, stream=None, width: int = 30):
        self.stream, self.width, self.started = stream or sys.stderr, width, time.perf_counter()

    def __call__(self, progress: Progress) -> None:
        filled = round(progress.fraction * self.width)
        loss = f" loss {progress.loss:.4g}" if progress.loss is not None else ""
        elapsed = time.perf_counter() - self.started
        line = (f"\r[{'#' * filled}{'.' * (self.width - filled)}] {progress.fraction:4.0%} "
                f"{progress.stage} step {progress.step}/{progress.total_steps}{loss} {elapsed:.0f}s")
        self.stream.write(line.ljust(100))
        if progress.stage == "done":
            self.stream.write("\n")
        self.stream.flush()


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if (args.width is None) != (args.height is None):
            raise InputError("Give --width and --height together.")
        if args.width is not None and (args.size or args.wallpaper):
            raise InputError("Give either --size, --wallpaper or --width/--height, not several.")
        width, height = SIZE_PRESETS[args.wallpaper] if args.wallpaper else (args.width, args.height)
        output = Path(args.output)
        if output.suffix.lower() not in Image.registered_extensions():
            raise InputError(f"Unknown output image type: {output.suffix or '(no extension)'}")
        content = open_image(args.content, "Content")
        styles = [open_image(path, "Style") for path in args.style]
        budget = None if args.memory_budget_gb is None else int(args.memory_budget_gb * 2**30)
        opts = TransferOptions(width=width, height=height, size=args.size or 512, preset=args.preset,
                               style_strength=args.style_strength, preserve_colors=args.preserve_colors,
                               style_scale=args.style_scale, style_blend_weights=args.style_weights,
                               seed=args.seed, init=args.init, precision=args.precision, device=args.device, threads=args.threads,
                               memory_budget_bytes=budget)
        image = transfer(content, styles, opts, on_progress=None if args.quiet else ProgressBar())
        output.parent.mkdir(parents=True, exist_ok=True)
        image.save(output)
    except EngineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2 if isinstance(error, InputError) else 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    if not args.quiet:
        print(f"saved {output} ({image.width}×{image.height})", file=sys.stderr)
    return 0
