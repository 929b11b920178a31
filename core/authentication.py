from rest_framework.authentication import SessionAuthentication


class CsrfSessionAuthentication(SessionAuthentication):
    """Session auth that checks CSRF for anonymous visitors too (their jobs and creations are theirs).

    Browsers send the `csrftoken` cookie value in the X-CSRFToken header; API clients first GET any page
    or /api/csrf/ to receive the cookie.
    """

    def authenticate(self, request):
        self.enforce_csrf(request)
        user = getattr(request._request, "user", None)
        if not user or not user.is_active:
            return None
        return (user, None)

    def enforce_csrf(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return
        super().enforce_csrf(request)
