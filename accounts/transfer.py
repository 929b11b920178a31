"""Anonymous work belongs to the browser session; at sign-up or log-in it moves to the account.

Django gives the session a new key at login (against session fixation), so the old key is captured first
(`remember_anonymous_session`, called by every login path of this app) and read by the `user_logged_in`
receiver. The old key is also kept in the new session, so work that was still running at login (a job that
finishes later and stamps the old key on its creation) is adopted the next time the gallery is opened.
"""
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from core.models import Job, owned_models

PREVIOUS_KEY_ATTR = "_imogen_anonymous_session_key"
ADOPT_SESSION_KEY = "imogen_adopt_session_keys"


def remember_anonymous_session(request):
    """Call before `login()`: remembers the anonymous session key that is about to be replaced."""
    if not request.user.is_authenticated:
        key = request.session.session_key  # None when the cookie named no real session
        if key:
            setattr(request, PREVIOUS_KEY_ATTR, key)


def adopt(user, keys):
    """Give everything these anonymous sessions own (creations, jobs: core.models.owned_models) to `user`.
    Returns counts."""
    keys = [k for k in keys if k]
    counts = {"creations": 0, "jobs": 0}
    if not keys:
        return counts
    for model in owned_models():
        key = "jobs" if issubclass(model, Job) else str(model._meta.verbose_name_plural)
        moved = model.objects.filter(owner__isnull=True, session_key__in=keys).update(owner=user)
        counts[key] = counts.get(key, 0) + moved
    return counts


def adopt_late_work(request):
    """Adopt creations that jobs running at login time finished afterwards (cheap: one UPDATE)."""
    if request.user.is_authenticated:
        keys = request.session.get(ADOPT_SESSION_KEY)
        if keys:
            adopt(request.user, keys)


@receiver(user_logged_in, dispatch_uid="imogen-move-session-work")
def move_session_work_to_account(sender, request, user, **kwargs):
    key = getattr(request, PREVIOUS_KEY_ATTR, None) if request is not None else None
    if not key:
        return
    adopt(user, [key])
    request.session[ADOPT_SESSION_KEY] = [key]
