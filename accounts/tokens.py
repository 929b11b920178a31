"""Personal API tokens: an account makes one on its account page for scripts (django-rest-knox).

The token is shown once, right after it is made (kept in the session only until the next page shows it); the
database keeps a SHA-512 digest and the first characters, so a leaked database reveals no usable token. A token
acts as its account on every API endpoint (`Authorization: Bearer imogen_…`), needs no CSRF token, and is
counted by the account's own rate limits and quota. Revoking deletes it: the next request with it answers 401.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from knox.models import AuthToken

from .verification import is_verified

SESSION_KEY = "imogen_new_api_token"


def tokens_context(request):
    """What the account page shows: the account's tokens (never their secret) and a just-made token, once."""
    return {
        "api_tokens": AuthToken.objects.filter(user=request.user).order_by("-created"),
        "new_api_token": request.session.pop(SESSION_KEY, None),
        "api_token_limit": settings.REST_KNOX["TOKEN_LIMIT_PER_USER"],
    }


@login_required
@require_POST
def create_token(request):
    if not is_verified(request.user):
        messages.error(request, _("Confirm your email address first: then you can make API tokens."))
        return redirect("accounts:account")
    limit = settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]
    if limit and AuthToken.objects.filter(user=request.user).count() >= limit:
        messages.error(request, _("You already have %(n)s API tokens, the most an account may hold. Revoke one you "
                                  "no longer use, then make a new one.") % {"n": limit})
        return redirect("accounts:account")
    _instance, token = AuthToken.objects.create(user=request.user, expiry=None)
    request.session[SESSION_KEY] = token
    return redirect("accounts:account")


@login_required
@require_POST
def revoke_token(request, key):
    deleted, _detail = AuthToken.objects.filter(user=request.user, token_key=key).delete()
    if deleted:
        messages.success(request, _("Token revoked: scripts using it now get 401."))
    else:
        messages.error(request, _("There is no such token among yours."))
    return redirect("accounts:account")
