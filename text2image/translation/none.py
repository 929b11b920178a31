"""No translation service: prompts go to the provider as written (the page says so)."""
from .base import Translator


class NoTranslator(Translator):
    name = "none"
    configured = False

    def translate(self, texts, target="en", source=None):
        return list(texts)
