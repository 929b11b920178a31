"""The translation interface: detect languages, translate to English. One module per service."""
import re


class TranslationError(Exception):
    """Translation was configured but failed; the message is plain words for the user."""


HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
KANA = re.compile(r"[\u3040-\u30ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def guess_language(text):
    """A local guess, good enough to know that text is not English: 'ko', 'ja', 'zh', 'en' or 'und'."""
    if not text or not text.strip():
        return "und"
    if HANGUL.search(text):
        return "ko"
    if KANA.search(text):
        return "ja"
    if HAN.search(text):
        return "zh"
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isascii() for c in letters):
        return "en"
    return "und"


class Translator:
    name = ""
    configured = False

    def detect(self, texts):
        """Language codes (ISO 639-1, e.g. 'ko', 'en') for each text."""
        return [guess_language(t) for t in texts]

    def translate(self, texts, target="en", source=None):
        raise NotImplementedError
