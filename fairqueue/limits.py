"""The caps on waiting jobs: one person, and one address however many cookies or unconfirmed accounts it uses,
cannot fill the queue (429 in plain words)."""
from django.conf import settings
from django.utils.translation import ngettext
from rest_framework import status
from rest_framework.response import Response

from core.models import JobStatus
from core.ownership import owned_q
from core.throttling import client_key, client_of, lock_client


def queue_cap(request):
    if request.user.is_authenticated:
        return settings.IMOGEN_STYLE_QUEUE_CAP_ACCOUNT
    return settings.IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS


def _too_many(message, waiting, cap):
    return Response({"detail": message, "waiting": waiting, "limit": cap},
                    status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": "60"})


def refuse_if_over_cap(request, model):
    """A 429 Response when this owner (account or session), or this client's address, already has as many waiting
    jobs as allowed, else None. Call it in the transaction that saves the job: it locks the client, so parallel
    requests cannot all see the same room (core.throttling.lock_client)."""
    session = request.session.session_key or ""
    client = client_of(request.user, client_key(request), session)
    lock_client(client)
    waiting_jobs = model.objects.filter(status=JobStatus.QUEUED, cancel_requested=False)
    cap = queue_cap(request)
    waiting = waiting_jobs.filter(owned_q(request)).count() if cap else 0
    if cap and waiting >= cap:
        return _too_many(ngettext(
            "You already have %(n)d wallpaper waiting, and %(cap)d is the most that can wait at once. "
            "Start this one when it has begun, or cancel it on its page.",
            "You already have %(n)d wallpapers waiting, and %(cap)d is the most that can wait at once. "
            "Start this one when one of them has begun, or cancel one in “My style transfers”.", waiting,
        ) % {"n": waiting, "cap": cap}, waiting, cap)
    cap = settings.IMOGEN_STYLE_QUEUE_CAP_ADDRESS
    if not cap or not client.startswith("ip:"):  # a confirmed account is a client of its own: the cap above
        return None
    waiting = waiting_jobs.filter(queue_client=client).count()
    if waiting < cap:
        return None
    return _too_many(ngettext(
        "%(n)d wallpaper from your address is already waiting, and %(cap)d is the most that can wait at once "
        "from one address. Try again when it has begun, or sign in to an account with a confirmed email "
        "address.",
        "%(n)d wallpapers from your address are already waiting, and %(cap)d is the most that can wait at once "
        "from one address. Try again when one of them has begun, or sign in to an account with a confirmed "
        "email address.", waiting) % {"n": waiting, "cap": cap},
        waiting, cap)
