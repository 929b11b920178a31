import hmac
import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils._os import safe_join
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .api import too_many_parts_message
from .disclosure import closing_stream
from .health import broker_name, broker_ok, database_ok, processes_state
from .models import WorkerBeat
from .uploads import is_private_media


def may_see_health_details(request):
    """Staff, or a monitor that sends `Authorization: Bearer <IMOGEN_HEALTH_TOKEN>` (when a token is set)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    token = settings.IMOGEN_HEALTH_TOKEN
    sent = request.META.get("HTTP_AUTHORIZATION", "")
    return bool(token) and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].strip().encode(),
                                                                                token.encode())


@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok"} or 503 {"status": "degraded"} for anyone (load balancers probe it over plain http: it
    is exempt from the SSL redirect); which part failed, error texts and worker names only for staff or a token."""
    db_ok, db_error = database_ok()
    mq_ok, mq_error = broker_ok()
    workers = []
    if db_ok:
        try:
            workers = list(WorkerBeat.live().values("hostname", "queues", "last_seen", "pid"))
        except Exception as exc:  # tables missing: migrations not applied yet
            db_ok, db_error = False, str(exc)
    # Under `make run`: a process that died and is being started again, or a worker not ready again yet.
    processes = processes_state({w["pid"] for w in workers})
    healthy = db_ok and mq_ok and len(workers) > 0 and (processes is None or processes["ok"])
    body = {
        "status": "ok" if healthy else "degraded",
        "database": {"ok": db_ok, "error": db_error},
        "broker": {"ok": mq_ok, "kind": broker_name(), "error": mq_error},
        "workers": {"live": len(workers), "hosts": [w["hostname"] for w in workers]},
    }
    if processes is not None:
        body["processes"] = processes
    if not may_see_health_details(request):
        body = {"status": body["status"]}
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def media(request, path):
    """Serve stored media by its random name (no listing, no traversal outside MEDIA_ROOT)."""
    if ".." in path.split("/") or path.startswith("/") or is_private_media(path):
        raise Http404  # an upload is a user's original: only their own jobs read it (issue 21, item 8)
    if isinstance(default_storage, FileSystemStorage):
        try:
            handle = open(safe_join(str(settings.MEDIA_ROOT), path), "rb")
        except (OSError, ValueError, SuspiciousFileOperation):  # missing, a folder, or outside MEDIA_ROOT
            raise Http404 from None
    else:
        try:
            handle = default_storage.open(path, "rb")
        except Exception:  # whatever the bucket's client raises for a missing or unreadable object
            raise Http404 from None
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if content_type == "image/png":
        # Anyone with the link may fetch it: the prompt, settings and job id stay out (core.disclosure).
        response = StreamingHttpResponse(closing_stream(handle), content_type=content_type)
    else:
        response = FileResponse(handle, content_type=content_type)
    # No Content-Disposition: it would override the meaningful name in a link's `download` attribute.
    response.headers.pop("Content-Disposition", None)
    response["Cache-Control"] = "private, max-age=86400"
    return response


def bad_request(request, exception=None):
    """handler400: Django answers suspicious requests (too many form fields or files, a bad Host) with this."""
    message = too_many_parts_message(exception) or _("The request could not be understood.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    try:
        return render(request, "core/bad_request.html", {"message": message}, status=400)
    except Exception:  # the page itself needs the request to be sane (a bad Host, for one)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
