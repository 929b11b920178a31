"""The per-owner cap on waiting jobs: one person cannot fill the queue (429 in plain words)."""
from django.conf import settings
from django.utils.translation import ngettext
from rest_framework import status
from rest_framework.response import Response

from core.models import JobStatus
from core.ownership import owned_q


def queue_cap(request):
    if request.user.is_authenticated:
        return settings.IMOGEN_STYLE_QUEUE_CAP_ACCOUNT
    return settings.IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS


def refuse_if_over_cap(request, model):
    """A 429 Response when this owner already has as many waiting jobs as allowed, else None."""
    cap = queue_cap(request)
    if not cap:
        return None
    waiting = model.objects.filter(owned_q(request), status=JobStatus.QUEUED, cancel_requested=False).count()
    if waiting < cap:
        return None
    message = ngettext(
        "You already have %(n)d wallpaper waiting, and %(cap)d is the most that can wait at once. "
        "Start this one when it has begun, or cancel it on its page.",
        "You already have %(n)d wallpapers waiting, and %(cap)d is the most that can wait at once. "
        "Start this one when one of them has begun, or cancel one in “My style transfers”.", waiting,
    ) % {"n": waiting, "cap": cap}
    return Response({"detail": message, "waiting": waiting, "limit": cap},
                    status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": "60"})
