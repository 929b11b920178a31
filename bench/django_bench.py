"""Shared helpers for benchmarks that use Django apps (not tests): settings, timing, the reproduce command."""

import os
import shlex
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imogen.settings")
    import django

    django.setup()


def timed(repeat: int, function, *args) -> tuple[float, float]:
    """Median and best wall time of `repeat` calls of function(*args), in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def footer() -> str:
    script = os.path.relpath(sys.argv[0], ROOT)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"load average {load}, {os.cpu_count()} CPUs\n"
            f"reproduce: {' '.join(['.venv/bin/python', shlex.quote(script), *map(shlex.quote, sys.argv[1:])])}")
