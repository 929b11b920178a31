"""Storage quota per owner (docs/security.md): how much an account, or a browser session, may keep in creations.

Checked before anything new is made for the requester (editor renders, style-transfer and text-to-image jobs), so
one client cannot fill the disk: once over, the answer is a 403 in plain words saying how much is used and how to
make room. Counted from `Creation.byte_size` (the stored image; thumbnails are small on top): any owned model with a
`byte_size` field counts (core.models.owned_models), so core names no feature app."""
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException

from .models import owned_models
from .ownership import owned_q


class StorageFull(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "storage_full"


def quota_bytes(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    megabytes = settings.IMOGEN_STORAGE_QUOTA_MB if signed_in else settings.IMOGEN_STORAGE_QUOTA_ANONYMOUS_MB
    return megabytes * 2**20


def used_bytes(request):
    """Bytes the requester keeps: the `byte_size` of every row they own, of each owned model that has one."""
    total = 0
    for model in owned_models():
        if any(field.name == "byte_size" for field in model._meta.concrete_fields):
            total += model.objects.filter(owned_q(request)).aggregate(total=Sum("byte_size"))["total"] or 0
    return total


def _mb(n):
    return f"{n / 2**20:.0f}" if n >= 10 * 2**20 else f"{n / 2**20:.1f}"


def check_storage_quota(request):
    """Raise StorageFull (403) when the requester's creations already fill their quota (0 = no quota)."""
    limit = quota_bytes(request)
    if not limit:
        return
    used = used_bytes(request)
    if used < limit:
        return
    words = {"used": _mb(used), "limit": _mb(limit)}
    if request.user.is_authenticated:
        message = _("Your storage is full: your creations take %(used)s MB of the %(limit)s MB each account may "
                    "keep. Delete some in My creations to make room, then try again.") % words
    else:
        message = _("Your storage is full: your creations take %(used)s MB of the %(limit)s MB this browser may "
                    "keep. Delete some in My creations (or sign up for more room), then try again.") % words
    raise StorageFull(message)
