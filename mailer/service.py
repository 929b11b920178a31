"""The shared mail service: address checks, abuse limits, the message itself, and retry timing.

Every feature emails a creation the same way: `POST /api/creations/{id}/email/` (mailer.api_views), which
calls `check_recipient` and `reserve` here, records a `Delivery` and enqueues `mailer.tasks.send_delivery`;
the task builds the mail with `build_mail` and hands it to the configured provider (core.mail).
"Email me when it's ready" (fairqueue) reserves its mail the same way when it is asked for.
"""
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import Attachment, OutgoingMail
from core.mail.addresses import clean_address, normalise_address
from core.ownership import owner_fields
from core.throttling import client_ip as core_client_ip
from core.throttling import client_key, lock_client, parse_rate

from .models import MailRequest

check_recipient = clean_address  # the one rule for addresses the site mails (core.mail.addresses)


def client_ip(request):
    """The visitor's IP address (None if unknown): core.throttling.client_ip, which every limit shares (it trusts
    X-Forwarded-For only from IMOGEN_TRUSTED_PROXIES proxies)."""
    return core_client_ip(request) or None


def client_q(request):
    """Mails asked for by this client: its account, its browser session, or its address (an IPv6 /64 as one)."""
    q = Q(pk__in=[])
    if request.user.is_authenticated:
        q |= Q(owner=request.user)
    if request.session.session_key:
        q |= Q(session_key=request.session.session_key)
    if client_ip(request):
        q |= Q(client=client_key(request))
    return q


@dataclass
class Refusal:
    message: str
    retry_after: int


def _wait_words(seconds):
    minutes = max(1, round(seconds / 60))
    if minutes < 120:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = round(minutes / 60)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def _window_words(seconds):
    if seconds % 86400 == 0:
        return ngettext("day", "%(n)d days", seconds // 86400) % {"n": seconds // 86400}
    if seconds % 3600 == 0:
        return ngettext("hour", "%(n)d hours", seconds // 3600) % {"n": seconds // 3600}
    if seconds % 60 == 0:
        return ngettext("minute", "%(n)d minutes", seconds // 60) % {"n": seconds // 60}
    return ngettext("second", "%(n)d seconds", seconds) % {"n": seconds}


def _over(queryset, rate, now):
    """None if under the limit, else seconds until the oldest counted delivery leaves the window."""
    limit = parse_rate(rate)
    if limit is None:
        return None
    count, window = limit
    recent = queryset.filter(created_at__gte=now - timezone.timedelta(seconds=window)).order_by("-created_at")
    times = list(recent.values_list("created_at", flat=True)[:count])
    if len(times) < count:
        return None
    return count, window, max(1, int((times[-1] + timezone.timedelta(seconds=window) - now).total_seconds()) + 1)


def check_limits(request, recipient):
    """A Refusal (answered with 429) when this client or this address had too many mails asked for lately, else
    None. Counts `MailRequest` rows: use `reserve`, which counts and records in one step."""
    now = timezone.now()
    over = _over(MailRequest.objects.filter(recipient_key=normalise_address(recipient)),
                 settings.IMOGEN_MAIL_LIMIT_PER_RECIPIENT, now)
    if over:
        count, window, wait = over
        return Refusal(_("Too many emails to %(to)s: at most %(count)d per %(window)s. Try again in %(wait)s.")
                       % {"to": recipient, "count": count, "window": _window_words(window),
                          "wait": _wait_words(wait)}, wait)
    over = _over(MailRequest.objects.filter(client_q(request)), settings.IMOGEN_MAIL_LIMIT_PER_CLIENT, now)
    if over:
        count, window, wait = over
        return Refusal(_("You have sent too many emails: at most %(count)d per %(window)s. Try again in %(wait)s.")
                       % {"count": count, "window": _window_words(window), "wait": _wait_words(wait)}, wait)
    return None


def reserve(request, recipient):
    """Count one mail to `recipient`, asked for now by this client, against the per-recipient and per-client limits:
    a Refusal when over one of them, else None and the mail is counted (a `MailRequest` row) whenever it is sent.
    Check and count are one step: the recipient and the client are locked until the transaction ends
    (core.throttling.lock_client; SQLite serialises writers anyway), so parallel requests cannot all see room."""
    key = normalise_address(recipient)
    fields = owner_fields(request)
    names = {f"mail-to:{key}", f"mail-from:{fields['client']}", f"mail-from:s:{fields['session_key']}"}
    if fields["owner"] is not None:
        names.add(f"mail-from:u:{fields['owner'].pk}")
    with transaction.atomic():
        for name in sorted(names):  # always in one order: two requests never wait for each other's second lock
            lock_client(name)
        refusal = check_limits(request, recipient)
        if refusal is None:
            MailRequest.objects.create(recipient_key=key, **fields)
    return refusal


def retry_delay(attempt):
    """Seconds to wait after the `attempt`-th try failed temporarily (exponential, capped)."""
    base = max(0.0, float(settings.IMOGEN_MAIL_RETRY_BACKOFF))
    return min(float(settings.IMOGEN_MAIL_RETRY_BACKOFF_MAX), base * (2 ** max(0, attempt - 1)))


def human_size(num_bytes):
    return f"{num_bytes / (1024 * 1024):.1f} MB" if num_bytes >= 1024 * 1024 else f"{max(1, num_bytes // 1024)} KB"


def build_mail(delivery):
    """The message for a delivery, in the active language (the task activates the sender's language).

    Subject: the creation's file name. Body: a few lines with the absolute link. The exact image bytes are
    attached unless they exceed IMOGEN_MAIL_ATTACHMENT_MAX_BYTES; then the mail says it is link only."""
    creation = delivery.creation
    storage = creation.image.storage
    size = storage.size(creation.image.name)
    limit = settings.IMOGEN_MAIL_ATTACHMENT_MAX_BYTES
    link = creation.absolute_image_url()
    attachments = []
    lines = [_("Hello,"), "", _("Here is an image made with Imogen: %(name)s (%(width)d × %(height)d).")
             % {"name": creation.file_name, "width": creation.width, "height": creation.height}, ""]
    if size <= limit:
        with storage.open(creation.image.name, "rb") as handle:
            content = handle.read()
        mimetype = mimetypes.guess_type(creation.file_name)[0] or "application/octet-stream"
        attachments.append(Attachment(creation.file_name, content, mimetype))
        lines += [_("The image is attached. You can also open or download it here:"), link]
    else:
        lines += [_("The image is too large to attach (%(size)s; the limit is %(limit)s), so this email has only "
                    "the link. Open or download it here:") % {"size": human_size(size), "limit": human_size(limit)},
                  link]
    lines += ["", "—", _("Imogen · wallpapers made with generative AI"),
              _("Someone using Imogen asked us to send you this image. If you did not expect it, you can ignore "
                "this email.")]
    return OutgoingMail(to=delivery.recipient, subject=creation.file_name, body="\n".join(lines) + "\n",
                        from_email=settings.DEFAULT_FROM_EMAIL, attachments=attachments,
                        headers={"Auto-Submitted": "auto-generated", "X-Imogen-Delivery": str(delivery.pk)})
