from django.shortcuts import get_object_or_404, render

from core.ownership import owned_q

from .models import Creation


def board(request):
    posts = Creation.objects.published().order_by("-published_at")[:60]
    return render(request, "gallery/board.html", {"posts": posts})


def mine(request):
    creations = Creation.objects.filter(owned_q(request))[:60]
    return render(request, "gallery/mine.html", {"creations": creations})


def creation(request, pk):
    # The id is unguessable: whoever has the link (the owner, or someone they mailed it to) may see it.
    item = get_object_or_404(Creation, pk=pk, is_hidden=False)
    return render(request, "gallery/creation.html", {"creation": item})
