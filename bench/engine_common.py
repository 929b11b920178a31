"""Shared helpers for the engine benchmarks (not tests)."""

import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIGURES = ROOT / "bench" / "figures"
RESULTS = ROOT / "bench" / "results"  # git-ignored scratch output


def command_line() -> str:
    """The exact command that reproduces this run."""
    script = os.path.relpath(sys.argv[0], ROOT)
    return " ".join([".venv/bin/python", shlex.quote(script), *map(shlex.quote, sys.argv[1:])])


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def sample_pair(content_id: str, style_id: str):
    """The app's bundled sample images (content-NN, style-NN) as RGB PIL images."""
    from PIL import Image

    folder = ROOT / "styletransfer" / "samples" / "images"
    return tuple(Image.open(folder / f"{name}.jpg").convert("RGB") for name in (content_id, style_id))
