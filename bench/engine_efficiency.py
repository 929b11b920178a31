"""Benchmark 1: one forward+backward pass of the objective at 512×512, as a fraction of the FLOP bound.

The bound is the pass's FLOP count (convolutions up to relu5_1 forward and input-gradient backward, plus
the Gram matrices both ways) divided by this machine's measured matmul rate (2048² matmul) in the same number
format. Variants (issue 12, item 4): float32 (issue 3's pass), float32 channels-last, bfloat16 convolutions
(the engine's `precision="auto"` on CPUs with AVX512-BF16). The variants' passes are interleaved, so
contention from other work on the cores hits them alike.
"""

import argparse
import statistics
import time

import torch
from engine_common import command_line, load_average

from styletransfer.engine.samples import landscape, swirls
from styletransfer.engine.transfer import STYLE_LAYERS, Objective, load_vgg19, style_size, to_tensor


def matmul_rate(n: int = 2048, repeats: int = 10, dtype=torch.float32) -> float:
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
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


VARIANTS = {"float32": (torch.float32, False), "float32 channels-last": (torch.float32, True),
            "bfloat16 channels-last": (torch.bfloat16, True),
            "bfloat16": (torch.bfloat16, False)}


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
    content_tensor = to_tensor(content, (args.size,) * 2, "cpu")
    style_tensor = to_tensor(style, style_size(style, args.size, args.size, 1.0), "cpu")
    setups = {}
    for name, (dtype, channels_last) in VARIANTS.items():
        layout = torch.channels_last if channels_last else torch.contiguous_format
        objective = Objective(net.to(memory_format=layout), content_tensor.contiguous(memory_format=layout),
                              [style_tensor.contiguous(memory_format=layout)], [1.0], 10.0, precision=dtype)
        setups[name] = (objective, layout)
    times = {name: [] for name in VARIANTS}
    for i in range(args.repeats + 1):
        for name, (objective, layout) in setups.items():
            net.to(memory_format=layout)
            image = content_tensor.clone().contiguous(memory_format=layout).requires_grad_(True)
            started = time.perf_counter()
            objective(image).backward()
            if i:  # the first pass of each variant pays for oneDNN's kernel selection
                times[name].append(time.perf_counter() - started)
    net.to(memory_format=torch.contiguous_format)
    flops = pass_flops(net, args.size, args.size)
    rates = {torch.float32: matmul_rate(), torch.bfloat16: matmul_rate(dtype=torch.bfloat16)}
    print(f"pass FLOPs: {flops / 1e9:.1f} GFLOP; matmul rate ({args.threads} threads): float32 "
          f"{rates[torch.float32] / 1e9:.1f} GFLOP/s, bfloat16 {rates[torch.bfloat16] / 1e9:.1f} GFLOP/s")
    reference = statistics.median(times["float32"])
    for name, (dtype, _) in VARIANTS.items():
        best, median = min(times[name]), statistics.median(times[name])
        bound = flops / rates[dtype]
        print(f"{name:>22}: best {best:.2f} s, median {median:.2f} s ({reference / median:.2f}× float32's median); "
              f"bound {bound:.2f} s, efficiency best {bound / best:.0%}, median {bound / median:.0%}; "
              f"against the float32 bound {flops / rates[torch.float32] / median:.0%} (median)")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
