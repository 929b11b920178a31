"""Who owns what: a signed-in account, or else the browser session (anonymous use keeps working)."""
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .throttling import client_key


def session_key(request, create=True):
    if not request.session.session_key and create:
        request.session.save()
    return request.session.session_key or ""


def owner_fields(request):
    """Fields to stamp on a new job or creation made by this request: who owns it and which client asked."""
    owner = request.user if request.user.is_authenticated else None
    return {"owner": owner, "session_key": session_key(request), "client": client_key(request)}


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


def get_job_for(request, model, pk, queryset=None, not_found=None):
    """The one access rule for a background job (its API, page, preview, download and cancel).

    A job belongs to its owner (the account, or the browser session that made it anonymously) and answers 404 to
    anyone else, never 403, so a stranger cannot even learn that the id exists. Sharing goes through the creation
    page, which is a deliberate share link. Reading and changing (cancel) need the same ownership.
    `queryset` narrows or joins (e.g. `select_related`); `not_found` is the 404's message.
    """
    queryset = model.objects.all() if queryset is None else queryset
    job = queryset.filter(owned_q(request), pk=pk).first()
    if job is None:
        raise Http404(not_found or _("There is no such job among yours."))
    return job
