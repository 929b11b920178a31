"""Prompt translation (to English, for providers that need or prefer it), chosen by IMOGEN_TRANSLATE_PROVIDER."""
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.registry import ProviderRegistry, UnknownProvider

from .base import TranslationError, Translator, guess_language

log = logging.getLogger(__name__)

__all__ = ["TranslationError", "Translator", "guess_language", "get_translator", "prepare_prompts", "Prepared"]


TRANSLATORS = ProviderRegistry("translation", {
    "none": "text2image.translation.none.NoTranslator",
    "google": "text2image.translation.google.GoogleTranslator",
}, aliases={"google_v2": "google", "google_v3": "google", "gcp": "google", "": "none"},
    setting="IMOGEN_TRANSLATE_PROVIDER")


def get_translator(name=None):
    """The translator IMOGEN_TRANSLATE_PROVIDER names (none: prompts go as written, the page says so)."""
    try:
        return TRANSLATORS.get(name or settings.IMOGEN_TRANSLATE_PROVIDER or "none")
    except UnknownProvider as exc:
        log.error("%s; prompts are not translated", exc)
        return TRANSLATORS.get("none")


@dataclass
class Prepared:
    prompt: str
    negative_prompt: str
    source_language: str
    notice: str = ""


def is_english(language):
    return language in ("en", "und", "")


def prepare_prompts(prompt, negative_prompt, provider, translator=None):
    """What to send to `provider`: translated to English when it needs or prefers English and the text is not.

    Raises TranslationError with a message for the user when the provider needs English and that cannot be had.
    """
    translator = translator or get_translator()
    texts = [t for t in (prompt, negative_prompt) if t.strip()]
    wants_english = provider.needs_english or getattr(provider, "prefers_english", False)
    local = [guess_language(t) for t in texts]
    if not wants_english:
        return Prepared(prompt, negative_prompt, local[0] if local else "")
    if not translator.configured:
        if any(not is_english(lang) for lang in local):
            if provider.needs_english:
                raise TranslationError(needs_english_message(provider))
            return Prepared(prompt, negative_prompt, local[0],
                            _("Translation is not set up, so the prompt was sent as written."))
        return Prepared(prompt, negative_prompt, local[0] if local else "en")
    try:
        languages = translator.detect(texts)
        foreign = [i for i, lang in enumerate(languages) if not is_english(lang)]
        translated = dict(zip(foreign, translator.translate([texts[i] for i in foreign], target="en")))
    except TranslationError as exc:
        if provider.needs_english and any(not is_english(lang) for lang in local):
            raise
        return Prepared(prompt, negative_prompt, local[0] if local else "",
                        _("%(reason)s The prompt was sent as written.") % {"reason": exc})
    out = [translated.get(i, text) for i, text in enumerate(texts)]
    new_prompt = out[0] if prompt.strip() else prompt
    new_negative = (out[1] if prompt.strip() else out[0]) if negative_prompt.strip() else negative_prompt
    return Prepared(new_prompt.strip(), new_negative.strip(), languages[0] if languages else "")


def needs_english_message(provider):
    return _("%(provider)s understands English only, and translation is not set up on this server. "
             "Please write the prompt in English.") % {"provider": provider.label}
