"""Storage quota per owner (docs/security.md): how much an account, or a visitor's address, may keep.

Checked before anything new is made for the requester (editor renders, style-transfer and text-to-image jobs), so
one client cannot fill the disk: once over, the answer is a 403 in plain words saying how much is used and how to
make room. Counted from the `byte_size` of every owned model that has one (core.models.owned_models, so core names no
feature app): a creation's image (its ≤480 px thumbnail is small on top), a style job's uploads, their thumbnails and
its preview. Anonymous sessions from one address share one quota; an account has its own."""
from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException

from .models import owned_models
from .ownership import owned_q
from .throttling import client_key


class StorageFull(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "storage_full"


def quota_bytes(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    megabytes = settings.IMOGEN_STORAGE_QUOTA_MB if signed_in else settings.IMOGEN_STORAGE_QUOTA_ANONYMOUS_MB
    return megabytes * 2**20


def quota_q(request):
    """The rows that share the requester's quota: an account's own; for a visitor without one, every anonymous row
    from the same client (core.throttling.client_key: IPv4 address or IPv6 /64) as well as this session's, so that
    dropping the cookie does not bring a fresh quota."""
    if request.user.is_authenticated:
        return owned_q(request)
    return owned_q(request) | Q(owner__isnull=True, client=client_key(request))


def used_bytes(request):
    """Bytes the requester keeps: the `byte_size` of every row sharing their quota, of each owned model that has one
    (creations: the image; style transfer jobs: the uploads, their thumbnails and the preview)."""
    total, rows = 0, quota_q(request)
    for model in owned_models():
        if any(field.name == "byte_size" for field in model._meta.concrete_fields):
            total += model.objects.filter(rows).aggregate(total=Sum("byte_size"))["total"] or 0
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
        message = _("Your storage is full: your pictures and uploaded photos take %(used)s MB of the %(limit)s MB "
                    "each account may keep. Delete some in My creations to make room, then try again.") % words
    else:
        message = _("Your storage is full: pictures and uploaded photos from your connection take %(used)s MB of "
                    "the %(limit)s MB a visitor without an account may keep. Delete some in My creations (or sign "
                    "up for more room), then try again.") % words
    raise StorageFull(message)
