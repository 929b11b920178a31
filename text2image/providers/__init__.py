"""Text-to-image providers, one module each behind `base.Provider`, chosen by IMOGEN_T2I_PROVIDER."""
import logging

from django.conf import settings

from .automatic1111 import Automatic1111Provider
from .base import GeneratedImage, GenerationRequest, Provider, ProviderError, SizePreset
from .comfyui import ComfyUIProvider
from .karlo import KarloProvider
from .offline import OfflineProvider
from .openai_images import OpenAIImagesProvider

PROVIDERS = {cls.name: cls for cls in (OfflineProvider, KarloProvider, OpenAIImagesProvider, Automatic1111Provider,
                                           ComfyUIProvider)}
ALIASES = {"a1111": "automatic1111", "forge": "automatic1111", "openai_images": "openai", "kakao": "karlo",
           "comfy": "comfyui"}

__all__ = ["GeneratedImage", "GenerationRequest", "Provider", "ProviderError", "SizePreset", "PROVIDERS",
           "get_provider", "active_provider"]


def get_provider(name):
    name = ALIASES.get((name or "").strip().lower(), (name or "").strip().lower())
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise ValueError(f"Unknown text-to-image provider {name!r}; choose one of {', '.join(PROVIDERS)}") from None


log = logging.getLogger(__name__)


def active_provider():
    """The provider IMOGEN_T2I_PROVIDER names; the offline engine (and a logged error) when it names none."""
    try:
        return get_provider(settings.IMOGEN_T2I_PROVIDER)
    except ValueError as exc:
        log.error("%s; using the offline engine", exc)
        return OfflineProvider()
