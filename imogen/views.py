"""The home page: it shows every feature at once, so the project (not core, which imports no feature) composes it."""
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from core import features
from gallery.models import Creation


@ensure_csrf_cookie
def home(request):
    """The features' tools, the visitor's jobs under way, what they made lately, what people shared, and what the
    features add (core.features: "Styles to try")."""
    return render(request, "core/home.html", {
        "tools": features.tools(),
        "recent": list(Creation.owned_by(request)[:4]),
        "shared": list(Creation.objects.published().order_by("-published_at")[:8]),
    })
