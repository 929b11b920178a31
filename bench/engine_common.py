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


# The sample pairs of the issue's measurements (content, style ids of styletransfer/samples/).
PAIRS = {"city-swirls": ("content-03", "style-01"), "sea-ukiyoe": ("content-06", "style-05"),
         "cat-glass": ("content-10", "style-03"), "lake-swirls": ("content-09", "style-01")}


def sample_pair(content_id: str, style_id: str):
    """The app's bundled sample images (content-NN, style-NN) as RGB PIL images."""
    from PIL import Image

    folder = ROOT / "styletransfer" / "samples" / "images"
    return tuple(Image.open(folder / f"{name}.jpg").convert("RGB") for name in (content_id, style_id))


def issue3_presets():
    """Issue 3's `standard` and `high` schedules, kept as the baseline: from the content image, float32, and
    torch's L-BFGS first step at every scale (no curvature carried over)."""
    from styletransfer.engine.transfer import Schedule

    return {"issue3-standard": Schedule("issue 3's standard", 128, 4.0, 4, 100, carry_scale=False),
            "issue3-high": Schedule("issue 3's high", 128, 12.0, 10, 300, carry_scale=False)}


class FullSizeRecorder:
    """A progress callback that records the full-size objective at every full-size step, with the work spent
    (in full-size evaluations) and the seconds since it was made. The loss a step reports is the objective at
    the point that step started from, so a point's work excludes that step's own evaluation."""

    def __init__(self, plan, **labels):
        import time

        self.clock = time.perf_counter
        self.plan, self.labels, self.points = plan, labels, []
        self.full = plan[-1][0] * plan[-1][1]
        self.final = f"scale {len(plan)}/{len(plan)}"
        self.work, self.last_step, self.started = 0.0, 0, self.clock()

    def __call__(self, progress):
        if progress.step == self.last_step or progress.loss is None or progress.stage == "done":
            return
        self.last_step = progress.step
        scale = next(s for i, s in enumerate(self.plan) if progress.stage.startswith(f"scale {i + 1}/"))
        self.work += scale[0] * scale[1] / self.full
        if progress.stage.startswith(self.final):
            self.points.append(dict(**self.labels, step=progress.step, work=round(self.work - 1, 3),
                                    seconds=round(self.clock() - self.started, 2), objective=progress.loss))


def issue12_presets():
    """Issue 12's `standard` and `high` (the whole objective at every scale, full size included), the
    baseline of issue 22's before/after."""
    from styletransfer.engine.transfer import Schedule

    return {"issue12-standard": Schedule("issue 12's standard", 128, 4.0, 4, 30),
            "issue12-high": Schedule("issue 12's high", 128, 10.0, 10, 80)}
