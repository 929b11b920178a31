"""Whatever Django's EMAIL_BACKEND setting names (for example an HTTP-API provider's Django backend)."""
from .base import DjangoBackendProvider

__all__ = ["DjangoBackendProvider"]
