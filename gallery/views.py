from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from accounts.forms import display_name
from accounts.transfer import adopt_late_work
from core import features
from core.ownership import is_owner, owned_q

from . import sharing
from .models import Creation, CreationKind, Like


def js_strings():
    """Messages gallery.js shows, in the page's language (passed with json_script)."""
    return {
        "confirm_delete": _("Delete this picture for good? Its files are removed too."),
        "deleted": _("Deleted."),
        "published": _("Published on the board."),
        "unpublished": _("Taken off the board."),
        "copied": _("Link copied."),
        "copy_failed": _("Could not copy. Select the link and copy it yourself."),
        "failed": _("That did not work. Please try again."),
        "login_to_like": _("Log in to like pictures: likes are for accounts, one per person."),
    }


def _kind(request):
    kind = request.GET.get("kind", "")
    return kind if kind in CreationKind.values else ""


def _page(request, queryset):
    return Paginator(queryset, settings.IMOGEN_GALLERY_PAGE_SIZE).get_page(request.GET.get("page"))


@ensure_csrf_cookie
def board(request):
    kind = _kind(request)
    sort = "top" if request.GET.get("sort") == "top" else "new"
    posts = Creation.objects.published().select_related("owner")
    if kind:
        posts = posts.filter(kind=kind)
    posts = posts.order_by("-like_count", "-published_at") if sort == "top" else posts.order_by("-published_at")
    page = _page(request, posts)
    liked = set()
    if request.user.is_authenticated:
        liked = set(Like.objects.filter(user=request.user, creation__in=[p.pk for p in page])
                    .values_list("creation_id", flat=True))
    for post in page:
        post.author = display_name(post.owner)
        post.liked = post.pk in liked
    return render(request, "gallery/board.html", {
        "page": page, "kind": kind, "sort": sort, "kinds": CreationKind.choices, "js_strings": js_strings(),
    })


@ensure_csrf_cookie
def mine(request):
    adopt_late_work(request)
    kind = _kind(request)
    creations = Creation.objects.filter(owned_q(request))
    if kind:
        creations = creations.filter(kind=kind)
    page = _page(request, creations)
    for item in page:
        item.edit_url = sharing.edit_url(item)
    return render(request, "gallery/mine.html", {
        "page": page, "kind": kind, "kinds": CreationKind.choices, "mail_form": True, "tools": features.tools(),
        "js_strings": js_strings(),
    })


@ensure_csrf_cookie
def creation(request, pk):
    """The hub for one creation. Whoever has the (unguessable) link may see it; only the owner gets the tools."""
    item = get_object_or_404(Creation.objects.select_related("owner"), pk=pk)
    if not sharing.can_view(request, item):
        raise Http404
    mine = is_owner(request, item)
    context = {
        "creation": item,
        "is_mine": mine,
        "author": display_name(item.owner),
        "share_url": request.build_absolute_uri(item.get_absolute_url()),
        "download_name": sharing.download_name(item, mine),
        # The words a saved file is titled with: the prompt or the inputs' names only for the owner, or when shown.
        "save_title": item.title or sharing.file_title_for(item, mine),
        "settings_shown": sharing.described_settings(item) if (item.show_settings or mine) else [],
        **sharing.links(item, mine),  # remix_url, try_style_url, use_prompt_url, edit_url: the features' buttons
        "feature_buttons": sharing.buttons(item, mine),
        "mail_form": mine,
        "liked": item.is_published and request.user.is_authenticated
        and Like.objects.filter(user=request.user, creation=item).exists(),
        "can_publish": mine and request.user.is_authenticated,
        "js_strings": js_strings(),
    }
    response = render(request, "gallery/creation.html", context)
    if not item.is_published:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def download(request, pk):
    """Download a creation as a file: whoever may see its page may download it, with only what the owner shows."""
    item = get_object_or_404(Creation, pk=pk)
    if not sharing.can_view(request, item):
        raise Http404
    return sharing.download_response(request, item)
