"""The `login` rate (REST_FRAMEWORK DEFAULT_THROTTLE_RATES) for every way in: pages and API."""
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class LoginRateThrottle(SimpleRateThrottle):
    """Counts attempts per client address and action (log in, sign up, password reset)."""

    scope = "login"

    def __init__(self, action="login"):
        self.action = action
        super().__init__()

    def get_rate(self):
        # Read at call time so a changed setting (or a test's override) applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        return f"throttle_{self.scope}_{self.action}_{self.get_ident(request)}"


def check_page_throttle(request, action):
    """For Django form views: None if allowed, else the seconds to wait."""
    throttle = LoginRateThrottle(action)
    if throttle.allow_request(request, None):
        return None
    return int(throttle.wait() or 60)
