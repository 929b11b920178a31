from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

# Pages keep scripts and styles in static files (no inline code), so a strict policy holds.
DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.IMOGEN_CSP or DEFAULT_CSP

    def __call__(self, request):
        response = self.get_response(request)
        # The API docs page (drf-spectacular's Swagger UI) loads its own inline bootstrap code.
        if self.policy and not request.path.startswith("/api/docs"):
            response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RequestSizeLimitMiddleware:
    """Refuse oversized bodies from the Content-Length header, before a single byte of the body is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.IMOGEN_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            request._stream = None  # never read it
            message = _("The request is too large (%(size).1f MB). The limit is %(limit).1f MB.") % {
                "size": length / 1048576, "limit": limit / 1048576}
            response = JsonResponse({"detail": message}, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)
