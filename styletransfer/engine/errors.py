"""Exceptions with plain-English messages, safe to show to end users."""


class EngineError(Exception):
    """Base class for every error the engine raises on purpose."""


class InputError(EngineError, ValueError):
    """A bad image, size or option in the request."""


class MemoryBudgetExceeded(EngineError):
    """The request would need more memory than the configured budget."""

    def __init__(self, message: str, needed_bytes: int = 0, budget_bytes: int = 0):
        super().__init__(message)
        self.needed_bytes = needed_bytes
        self.budget_bytes = budget_bytes


class Canceled(EngineError):
    """The caller asked the transfer to stop."""


class ModelMissing(EngineError):
    """A model file the engine needs is not installed (a server problem, not the user's)."""
