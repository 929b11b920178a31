"""Text-to-image providers, one module each behind `base.Provider`, chosen by IMOGEN_T2I_PROVIDER.

Adding one is one line in PROVIDERS (core.registry: the module is imported only when it is chosen)."""
import logging

from django.conf import settings

from core.registry import ProviderRegistry, UnknownProvider

from .base import GeneratedImage, GenerationRequest, Provider, ProviderError, SizePreset

PROVIDERS = ProviderRegistry("text-to-image", {
    "offline": "text2image.providers.offline.OfflineProvider",
    "karlo": "text2image.providers.karlo.KarloProvider",
    "openai": "text2image.providers.openai_images.OpenAIImagesProvider",
    "automatic1111": "text2image.providers.automatic1111.Automatic1111Provider",
    "comfyui": "text2image.providers.comfyui.ComfyUIProvider",
}, aliases={"a1111": "automatic1111", "forge": "automatic1111", "openai_images": "openai", "kakao": "karlo",
            "comfy": "comfyui"}, setting="IMOGEN_T2I_PROVIDER")

__all__ = ["GeneratedImage", "GenerationRequest", "Provider", "ProviderError", "SizePreset", "PROVIDERS",
           "get_provider", "active_provider"]
log = logging.getLogger(__name__)


def get_provider(name):
    """An instance of the provider `name` (raises UnknownProvider, a ValueError, for an unknown one)."""
    return PROVIDERS.get(name)


def active_provider():
    """The provider IMOGEN_T2I_PROVIDER names; the offline engine (and a logged error) when it names none."""
    try:
        return get_provider(settings.IMOGEN_T2I_PROVIDER)
    except UnknownProvider as exc:
        log.error("%s; using the offline engine", exc)
        return get_provider("offline")
