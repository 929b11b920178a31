from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from core.ownership import is_owner
from gallery.models import Creation


@ensure_csrf_cookie
def send_page(request, pk):
    """A page of its own for emailing one of your creations (other pages include the same form)."""
    creation = Creation.objects.filter(pk=pk).first()
    if creation is None or not is_owner(request, creation):
        raise Http404
    return render(request, "mailer/send.html", {"creation": creation})
