"""One way to choose a provider (mail, text-to-image, prompt translation): a lazy table of dotted paths, in the
manner of healthchecks' transports. A module is imported only when its provider is chosen, so an optional client
library (Google's, for one) is never loaded for nothing, and adding a provider is one line in its family's table.

    PROVIDERS = ProviderRegistry("text-to-image", {"offline": "text2image.providers.offline.OfflineProvider", ...},
                                 aliases={"a1111": "automatic1111"})
    PROVIDERS.get("offline")   # an instance; a dotted path of any class with the interface works too

Each family has one error type for its failures (MailError, ProviderError, TranslationError); an unknown name is
an `UnknownProvider` (a ValueError) naming the choices.
"""
from django.conf import settings
from django.utils.module_loading import autodiscover_modules, import_string


class UnknownProvider(ValueError):
    """The settings name a provider that is not in the family's table (and is not a dotted path)."""


REGISTRIES = []  # every family, in the order their modules were imported (`describe_all`)


class ProviderRegistry:
    def __init__(self, family, paths, aliases=None, setting=""):
        self.family = family
        self.paths = dict(paths)
        self.aliases = dict(aliases or {})
        self.setting = setting  # the setting that names the choice
        self.choose = None  # the family sets a function returning the chosen name (settings decide)
        REGISTRIES.append(self)

    def chosen(self):
        return self.choose() if self.choose else getattr(settings, self.setting, "")

    def describe(self):
        """One line for the logs: the family, the chosen provider and where it comes from."""
        name = self.chosen()
        try:
            return f"{self.family}: {self.key(name)} ({self.path(name)})"
        except UnknownProvider as exc:
            return f"{self.family}: {exc}"

    def __contains__(self, name):
        return self.key(name) in self.paths

    def names(self):
        return list(self.paths)

    def key(self, name):
        """The table's name for `name` (case and aliases forgiven); a dotted path stays as it is."""
        name = (name or "").strip()
        lowered = self.aliases.get(name.lower(), name.lower())
        return lowered if lowered in self.paths or "." not in name else name

    def path(self, name):
        key = self.key(name)
        if key in self.paths:
            return self.paths[key]
        if "." in key:
            return key
        raise UnknownProvider(f"Unknown {self.family} provider {name!r}; choose one of {', '.join(self.paths)}")

    def get_class(self, name):
        try:
            return import_string(self.path(name))
        except ImportError as exc:
            raise UnknownProvider(f"The {self.family} provider {name!r} cannot be loaded: {exc}") from exc

    def get(self, name):
        return self.get_class(name)()

    def label(self, name, default=None):
        """A provider's words for people (its class's `label`), or `default` (the name) when there is none."""
        try:
            return str(getattr(self.get_class(name), "label", "") or (name if default is None else default))
        except UnknownProvider:
            return name if default is None else default


def describe_all():
    """The chosen provider of every family (the apps' `providers`, `translation` and `mail` modules are loaded;
    core.mail is the mail family)."""
    autodiscover_modules("providers", "translation", "mail")
    return [registry.describe() for registry in REGISTRIES]
