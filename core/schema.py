"""OpenAPI description of our session authentication (cookie + X-CSRFToken header)."""
from drf_spectacular.authentication import SessionScheme


class CsrfSessionScheme(SessionScheme):
    target_class = "core.authentication.CsrfSessionAuthentication"
