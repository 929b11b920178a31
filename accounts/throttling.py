"""The `login` rate (REST_FRAMEWORK DEFAULT_THROTTLE_RATES) for every way in: pages, API and /admin/login/."""
from core.throttling import RateThrottle, check_rate


class LoginRateThrottle(RateThrottle):
    """Counts attempts per client address (core.throttling.client_ip) and action (log in, sign up, reset)."""

    scope = "login"
    per_account = False

    def __init__(self, action="login"):
        super().__init__(action=action)


def check_page_throttle(request, action):
    """For Django form views: None if allowed, else the seconds to wait."""
    return check_rate(request, "login", action)
