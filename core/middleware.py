from django.conf import settings

# Pages keep scripts and styles in static files (no inline code), so a strict policy holds.
DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "IMOGEN_CSP", DEFAULT_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        # The API docs page (drf-spectacular's Swagger UI) loads its own inline bootstrap code.
        if self.policy and not request.path.startswith("/api/docs"):
            response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
