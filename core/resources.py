"""What this machine has: memory, for defaults that must fit it (no Django imports: settings.py uses this)."""
import os
from pathlib import Path

CGROUP_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
# The share of the machine's memory one style job may plan to use by default (the rest: the OS, web, workers).
DEFAULT_MEMORY_FRACTION = 0.7


def machine_memory_bytes():
    """Physical memory, or the container's (cgroup) limit when that is lower. 0 if unknown."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 0
    for path in CGROUP_LIMITS:
        try:
            value = Path(path).read_text().strip()
        except OSError:
            continue
        if value.isdigit() and 0 < int(value) and (not total or int(value) < total):
            total = int(value)
    return total


def memory_budget_mb(value="auto", total_bytes=None):
    """IMOGEN_STYLE_MEMORY_BUDGET_MB: a number of MB, 0 for no limit, or `auto` / empty for 70% of the machine's
    memory (no limit when the memory cannot be read)."""
    value = str(value or "auto").strip().lower()
    if value != "auto":
        return int(value)
    total = machine_memory_bytes() if total_bytes is None else total_bytes
    return int(total * DEFAULT_MEMORY_FRACTION / 2**20)
