"""Imogen's style-transfer engine: pure PyTorch, no Django. See docs/engine.md.

The names below load lazily (PEP 562): `import styletransfer.engine.feedforward` or `.images` (the web process's
live preview) and `.plan` (presets and the cost model: validation and estimates) must not pull in torch through `.transfer`; `from styletransfer.engine import transfer` still works."""

import sys
import types
from importlib import import_module

from .errors import Canceled, EngineError, InputError, MemoryBudgetExceeded, ModelMissing

_LAZY = {
    **dict.fromkeys(("MAX_SIDE", "MIN_SIDE"), ".images"),
    # planning and estimating: torch-free, so the web process validates and estimates without loading torch
    **dict.fromkeys(("PRESETS", "SIZE_PRESETS", "Progress", "Stage", "TransferOptions", "estimate_memory_bytes",
                     "estimate_seconds", "plan_scales", "plan_stages"), ".plan"),
    **dict.fromkeys(("resolve_device", "transfer"), ".transfer"),
    "load_vgg19": ".vgg",
}

__all__ = ["Canceled", "EngineError", "InputError", "MemoryBudgetExceeded", "ModelMissing", *_LAZY]


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value  # once: later lookups skip this function
    return value


class _Engine(types.ModuleType):
    def __setattr__(self, name, value):
        # Loading the submodule `.transfer` sets the package's `transfer` to that module; here the name means the
        # function, as when this file imported it eagerly (`engine.transfer(...)` in styletransfer/tasks.py).
        if name == "transfer" and isinstance(value, types.ModuleType):
            value = value.transfer
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Engine
