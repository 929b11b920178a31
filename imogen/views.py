"""The home page: it shows every feature at once, so the project (not core, which imports no feature) composes it."""
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from gallery.models import Creation
from styletransfer import samples


@ensure_csrf_cookie
def home(request):
    """The three tools, then what the visitor made lately, what people shared, and styles to try."""
    return render(request, "core/home.html", {
        "recent": list(Creation.owned_by(request)[:4]),
        "shared": list(Creation.objects.published().order_by("-published_at")[:8]),
        "styles": samples.by_kind("style")[:8],
    })
