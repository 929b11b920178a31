"""Benchmark 1: one forward+backward pass of the objective at 512×512, as a fraction of the FLOP bound.

The bound is the pass's FLOP count (convolutions up to relu5_1 forward and input-gradient backward, plus
the Gram matrices both ways) divided by this machine's measured fp32 matmul rate (2048² sgemm).
"""

import argparse
import statistics
import time

import torch
from engine_common import command_line, load_average

from styletransfer.engine.samples import landscape, swirls
from styletransfer.engine.transfer import STYLE_LAYERS, Objective, load_vgg19, style_size, to_tensor


def matmul_rate(n: int = 2048, repeats: int = 10) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        rates.append(2 * n**3 / (time.perf_counter() - started))
    return max(rates)  # the machine's capability; contention only ever lowers it


def pass_flops(net, height: int, width: int) -> float:
    conv, gram_flops = 0.0, 0.0
    h, w = height, width
    for name, layer in zip(net.names, net.layers):
        if name.startswith("conv"):
            conv += 2 * layer.in_channels * layer.out_channels * 9 * h * w
        elif name.startswith("pool"):
            h, w = (h + 1) // 2, (w + 1) // 2
        elif name in STYLE_LAYERS:
            channels = net.layers[net.names.index("conv" + name[4:])].out_channels
            gram_flops += 2 * channels * channels * h * w
    # Backward: one input-gradient conv per conv (weights are frozen) and one matmul per Gram.
    return 2 * (conv + gram_flops)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"command: {command_line()}")
    print(f"load average before: {load_average()} (other engineers' test runs share these cores)")
    net = load_vgg19("cpu")
    content, style = landscape(args.size, args.size), swirls()
    objective = Objective(net, to_tensor(content, (args.size,) * 2, "cpu"),
                          [to_tensor(style, style_size(style, args.size, args.size, 1.0), "cpu")], [1.0], 10.0)
    image = to_tensor(content, (args.size,) * 2, "cpu").requires_grad_(True)
    times = []
    for i in range(args.repeats + 1):
        started = time.perf_counter()
        image.grad = None
        objective(image).backward()
        if i:  # the first pass pays for oneDNN's kernel selection
            times.append(time.perf_counter() - started)
    rate = matmul_rate()
    flops = pass_flops(net, args.size, args.size)
    best, median = min(times), statistics.median(times)
    print(f"pass FLOPs: {flops / 1e9:.1f} GFLOP; fp32 matmul rate: {rate / 1e9:.1f} GFLOP/s ({args.threads} threads)")
    print(f"bound: {flops / rate:.2f} s; measured pass: best {best:.2f} s, median {median:.2f} s")
    print(f"efficiency: best {flops / rate / best:.0%}, median {flops / rate / median:.0%} (target >= 75%)")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
