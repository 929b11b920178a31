"""Google Cloud Translation through the official `google-cloud-translate` client library.

v2 (default) is the REST "Basic" API: `POST {endpoint}/language/translate/v2` and `.../v2/detect`.
v3 ("Advanced") needs a project (IMOGEN_TRANSLATE_PROJECT) and uses the REST transport as well.
Credentials come from GOOGLE_APPLICATION_CREDENTIALS (application default credentials).
IMOGEN_TRANSLATE_ENDPOINT overrides the address (a regional endpoint, or a local emulator; with
IMOGEN_TRANSLATE_ANONYMOUS=1 no credentials are sent, for emulators only).

The Google client libraries load with this module, which core.registry imports only when this translator is chosen.
"""
import html
import logging

import google.auth
import requests
from django.conf import settings
from django.utils.translation import gettext as _
from google.api_core import exceptions as gexc
from google.auth.credentials import AnonymousCredentials
from google.auth.exceptions import DefaultCredentialsError
from google.auth.transport.requests import AuthorizedSession
from google.cloud import translate_v2, translate_v3

from core.fetch import FetchAdapter

from .base import TranslationError, Translator

log = logging.getLogger(__name__)
SCOPES = ("https://www.googleapis.com/auth/cloud-translation",)
DEFAULT_ENDPOINT = "https://translation.googleapis.com"  # the client library's own default
ANSWER_MAX_BYTES = 1024 * 1024  # a prompt's translation or detection is a few kilobytes


def _credentials():
    if settings.IMOGEN_TRANSLATE_ANONYMOUS:
        return AnonymousCredentials()
    try:
        credentials, _project = google.auth.default(scopes=SCOPES)
    except DefaultCredentialsError as exc:
        log.warning("Google Cloud Translation has no credentials: %s", exc)
        raise TranslationError(_("Translation is not set up correctly on this server (no Google credentials)."))
    return credentials


def _failure(exc):
    log.warning("Google Cloud Translation failed: %r", exc)
    if isinstance(exc, gexc.Unauthorized | gexc.Forbidden):
        return TranslationError(_("The translation service refused this server's credentials."))
    if isinstance(exc, gexc.TooManyRequests):
        return TranslationError(_("The translation service is busy or its quota is used up. Please try again later."))
    return TranslationError(_("The translation service could not translate the prompt. Please try again later."))


class GoogleTranslator(Translator):
    name = "google"
    configured = True

    def __init__(self):
        self.version = settings.IMOGEN_TRANSLATE_API
        self._client = None

    # --- v2 ---
    def _v2(self):
        if self._client is None:
            timeout = settings.IMOGEN_TRANSLATE_TIMEOUT

            class Session(AuthorizedSession):
                def request(self, method, url, data=None, headers=None, **kwargs):
                    kwargs["timeout"] = timeout  # the client library waits 60 s by default
                    return super().request(method, url, data=data, headers=headers, **kwargs)

            endpoint = settings.IMOGEN_TRANSLATE_ENDPOINT or DEFAULT_ENDPOINT
            options = {"api_endpoint": settings.IMOGEN_TRANSLATE_ENDPOINT} if settings.IMOGEN_TRANSLATE_ENDPOINT else None
            credentials = _credentials()
            session = Session(credentials)
            # Under core.fetch's rules: that endpoint only, no redirect elsewhere, a capped answer, one deadline.
            adapter = FetchAdapter(endpoint, max_bytes=ANSWER_MAX_BYTES, timeout=timeout)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self._client = translate_v2.Client(credentials=credentials, _http=session, client_options=options)
        return self._client

    # --- v3 ---
    def _v3(self):
        if self._client is None:
            if not settings.IMOGEN_TRANSLATE_PROJECT:
                raise TranslationError(_("Translation is not set up correctly on this server (no project)."))
            options = {"api_endpoint": settings.IMOGEN_TRANSLATE_ENDPOINT} if settings.IMOGEN_TRANSLATE_ENDPOINT else None
            self._client = translate_v3.TranslationServiceClient(
                credentials=_credentials(), transport="rest", client_options=options)
        return self._client

    @property
    def _parent(self):
        return f"projects/{settings.IMOGEN_TRANSLATE_PROJECT}/locations/global"

    def _call(self, fn):
        try:
            return fn()
        except TranslationError:
            raise
        except (gexc.GoogleAPIError, requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise _failure(exc)

    def detect(self, texts):
        texts = list(texts)
        if not texts:
            return []
        if self.version == "v3":
            def run():
                client = self._v3()
                found = []
                for text in texts:
                    answer = client.detect_language(parent=self._parent, content=text, mime_type="text/plain",
                                                    timeout=settings.IMOGEN_TRANSLATE_TIMEOUT)
                    found.append(answer.languages[0].language_code if answer.languages else "und")
                return found
            return self._call(run)

        def run_v2():
            answers = self._v2().detect_language(texts)
            return [str(a.get("language") or "und") for a in answers]
        return self._call(run_v2)

    def translate(self, texts, target="en", source=None):
        texts = list(texts)
        if not texts:
            return []
        if self.version == "v3":
            def run():
                answer = self._v3().translate_text(
                    parent=self._parent, contents=texts, target_language_code=target, source_language_code=source,
                    mime_type="text/plain", timeout=settings.IMOGEN_TRANSLATE_TIMEOUT)
                if len(answer.translations) != len(texts):
                    raise ValueError("translation count")
                return [t.translated_text for t in answer.translations]
            return self._call(run)

        def run_v2():
            answers = self._v2().translate(texts, target_language=target, source_language=source, format_="text")
            # v2 may still escape entities in some answers; prompts are plain text.
            return [html.unescape(str(a["translatedText"])) for a in answers]
        return self._call(run_v2)
