"""Benchmark 4: cold start — a fresh process loads the cached weights and takes the first L-BFGS step.

Run it twice: the first run may build the cache. Reports the time from process start (interpreter and
torch import excluded and shown separately) to the end of the first step.
"""

import subprocess
import sys

from engine_common import ROOT, command_line, load_average

CHILD = r"""
import time
started = time.perf_counter()
import torch
imported = time.perf_counter()
from styletransfer.engine import TransferOptions, transfer, Canceled
from styletransfer.engine.samples import landscape, swirls
from styletransfer.engine.vgg import load_state_dict
times = {}
def on_progress(p):
    if p.step == 1:
        times['first_step'] = time.perf_counter()
        raise Canceled('stop after the first step')
try:
    transfer(landscape(), swirls(), TransferOptions(size=512, device='cpu'), on_progress=on_progress)
except Canceled:
    pass
print(f"{imported - started:.2f} {times['first_step'] - imported:.2f}")
"""


def main():
    print(f"command: {command_line()}")
    print(f"load average before: {load_average()} (other engineers' test runs share these cores)")
    for attempt in range(3):
        out = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, check=True)
        torch_import, first_step = map(float, out.stdout.split())
        print(f"run {attempt + 1}: import torch {torch_import:.2f} s; load weights + first step {first_step:.2f} s "
              f"(target < 3 s once the cache exists)")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
