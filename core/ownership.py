"""Who owns what: a signed-in account, or else the browser session (anonymous use keeps working)."""
from django.db.models import Q


def session_key(request, create=True):
    if not request.session.session_key and create:
        request.session.save()
    return request.session.session_key or ""


def owner_fields(request):
    """Fields to stamp on a new job or creation made by this request."""
    if request.user.is_authenticated:
        return {"owner": request.user, "session_key": session_key(request)}
    return {"owner": None, "session_key": session_key(request)}


def owned_q(request):
    """Q matching objects that belong to the requester (their account, or this browser session)."""
    key = request.session.session_key
    if request.user.is_authenticated:
        q = Q(owner=request.user)
        if key:
            q |= Q(owner__isnull=True, session_key=key)
        return q
    if not key:
        return Q(pk__in=[])
    return Q(owner__isnull=True, session_key=key)


def is_owner(request, obj):
    if request.user.is_authenticated and obj.owner_id == request.user.pk:
        return True
    key = request.session.session_key
    return bool(key) and obj.owner_id is None and obj.session_key == key
