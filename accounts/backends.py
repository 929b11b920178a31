"""Log in with an email address (case does not matter) and a password."""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        User = get_user_model()
        login = (email or username or kwargs.get(User.USERNAME_FIELD) or "").strip()
        if not login or password is None:
            return None
        # Email first; an exact user name (admin-made accounts) second.
        candidates = list(User._default_manager.filter(Q(email__iexact=login) | Q(username=login)).order_by("pk"))
        candidates.sort(key=lambda u: 0 if u.email.lower() == login.lower() else 1)
        if not candidates:
            User().set_password(password)  # same work as a real check: no timing hint that the email is unknown
            return None
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None
