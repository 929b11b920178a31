"""The caps on waiting jobs: one person, and one address however many cookies or unconfirmed accounts it uses,
cannot fill the queue (429 in plain words). Each model names its cap settings and words (FairQueued.cap_settings,
cap_words)."""
from django.conf import settings
from rest_framework import status
from rest_framework.response import Response

from core.models import JobStatus
from core.ownership import owned_q
from core.throttling import client_key, client_of, lock_client


def cap_of(model, which):
    name = model.cap_settings.get(which)
    return getattr(settings, name) if name else 0  # a name the model gives is a setting; none: no cap


def queue_cap(request, model):
    return cap_of(model, "account" if request.user.is_authenticated else "anonymous")


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
    cap = queue_cap(request, model)
    waiting = waiting_jobs.filter(owned_q(request)).count() if cap else 0
    if cap and waiting >= cap:
        return _too_many(model.cap_words(waiting, cap, by_address=False), waiting, cap)
    cap = cap_of(model, "address")
    if not cap or not client.startswith("ip:"):  # a confirmed account is a client of its own: the cap above
        return None
    waiting = waiting_jobs.filter(queue_client=client).count()
    if waiting < cap:
        return None
    return _too_many(model.cap_words(waiting, cap, by_address=True), waiting, cap)
