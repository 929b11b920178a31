"""How a text-to-image creation is described, and "Use this prompt" (registered in text2image.apps).

Link: /text2image/?prompt=<text>&negative_prompt=<text>[&width=&height=&seed=&steps=] (only when the owner shared
the settings, or for the owner; the parameters a text-to-image picture recorded)."""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from gallery.sharing import size_words

from .providers import PROVIDERS


def prompt_of(creation):
    """(prompt, negative prompt) of a creation, '' when there is none."""
    meta = creation.metadata or {}
    prompt, negative = meta.get("prompt"), meta.get("negative_prompt")
    return (prompt.strip() if isinstance(prompt, str) else "",
            negative.strip() if isinstance(negative, str) else "")


def rows(creation, meta):
    prompt, negative = prompt_of(creation)
    found = [{"label": _("Prompt"), "value": prompt, "long": True}] if prompt else []
    if negative:
        found.append({"label": _("Leave out"), "value": negative, "long": True})
    translated = meta.get("translated_prompt")
    if isinstance(translated, str) and translated.strip() and translated.strip() != prompt:
        found.append({"label": _("Prompt as sent to the model"), "value": translated.strip(), "long": True})
    found.append({"label": _("Size"), "value": size_words(creation)})
    if meta.get("seed") is not None:
        found.append({"label": _("Seed"), "value": str(meta["seed"])})
    if meta.get("provider"):
        name = meta["provider"]
        found.append({"label": _("Made with"), "value": PROVIDERS.label(name, _("Another service"))
                      if name in PROVIDERS else _("Another service")})
    return found


def use_prompt_url(creation, mine):
    """The prompt tool filled in with this creation's prompt, for its owner or when its owner shared it; else ''."""
    if not mine and not creation.show_settings:
        return ""
    prompt, negative = prompt_of(creation)
    if not prompt:
        return ""
    query = {"prompt": prompt}
    if negative:
        query["negative_prompt"] = negative
    if creation.kind == "text2image":  # every parameter comes back (text2image's form reads them)
        meta = creation.metadata or {}
        for key in ("width", "height", "seed", "steps"):
            if isinstance(meta.get(key), int) and not isinstance(meta.get(key), bool):
                query[key] = meta[key]
    return f"{reverse('text2image:create')}?{urlencode(query)}"
