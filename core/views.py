import mimetypes

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils._os import safe_join
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from .disclosure import closing_stream
from .health import broker_name, broker_ok, database_ok
from .models import WorkerBeat


@ensure_csrf_cookie
def home(request):
    """The three tools, then what the visitor made lately, what people shared, and styles to try."""
    from gallery.models import Creation
    from styletransfer import samples

    from .ownership import owned_q

    return render(request, "core/home.html", {
        "recent": list(Creation.objects.filter(owned_q(request))[:4]),
        "shared": list(Creation.objects.published().order_by("-published_at")[:8]),
        "styles": samples.by_kind("style")[:8],
    })


@never_cache
@require_GET
def healthz(request):
    db_ok, db_error = database_ok()
    mq_ok, mq_error = broker_ok()
    workers = []
    if db_ok:
        try:
            workers = list(WorkerBeat.live().values("hostname", "queues", "last_seen"))
        except Exception as exc:  # tables missing: migrations not applied yet
            db_ok, db_error = False, str(exc)
    healthy = db_ok and mq_ok and len(workers) > 0
    body = {
        "status": "ok" if healthy else "degraded",
        "database": {"ok": db_ok, "error": db_error},
        "broker": {"ok": mq_ok, "kind": broker_name(), "error": mq_error},
        "workers": {"live": len(workers), "hosts": [w["hostname"] for w in workers]},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@ensure_csrf_cookie
@require_GET
def csrf(request):
    """For API clients: sets the csrftoken cookie and returns it (send it back as X-CSRFToken)."""
    from django.middleware.csrf import get_token

    return JsonResponse({"csrftoken": get_token(request)})


@require_GET
def media(request, path):
    """Serve stored media by its random name (no listing, no traversal outside MEDIA_ROOT)."""
    if ".." in path.split("/") or path.startswith("/"):
        raise Http404
    try:
        if isinstance(default_storage, FileSystemStorage):
            full = safe_join(str(settings.MEDIA_ROOT), path)
            handle = open(full, "rb")
        else:
            handle = default_storage.open(path, "rb")
    except (OSError, ValueError, Exception):
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
