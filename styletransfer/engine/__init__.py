"""Imogen's style-transfer engine: pure PyTorch, no Django. See docs/engine.md."""

from .errors import Canceled, EngineError, InputError, MemoryBudgetExceeded, ModelMissing
from .transfer import (
    MAX_SIDE,
    MIN_SIDE,
    PRESETS,
    SIZE_PRESETS,
    Progress,
    Stage,
    TransferOptions,
    estimate_memory_bytes,
    estimate_seconds,
    plan_scales,
    plan_stages,
    resolve_device,
    transfer,
)
from .vgg import load_vgg19

__all__ = [
    "Canceled", "EngineError", "InputError", "MemoryBudgetExceeded", "ModelMissing", "MAX_SIDE", "MIN_SIDE",
    "PRESETS", "SIZE_PRESETS", "Progress", "Stage", "TransferOptions", "estimate_memory_bytes", "estimate_seconds",
    "plan_scales", "plan_stages", "resolve_device", "transfer", "load_vgg19",
]
