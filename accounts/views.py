import logging

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core.mail import MailError

from .deletion import delete_account
from .forms import (
    DeleteAccountForm,
    EmailLoginForm,
    MailerPasswordResetForm,
    OverRecipientLimit,
    ProfileForm,
    SignupForm,
    account_of_mailbox,
)
from .throttling import check_page_throttle
from .tokens import tokens_context
from .transfer import remember_anonymous_session
from .verification import (
    CONFIRMED,
    INVALID,
    confirm,
    is_verified,
    mark_confirmed,
    send_known_address_notice,
    send_verification,
)

log = logging.getLogger(__name__)
BACKEND = "accounts.backends.EmailBackend"
SIGNUP_SESSION_KEY = "imogen_signup_user"
SIGNUP_EMAIL_KEY = "imogen_signup_email"
SIGNUP_SENT_KEY = "imogen_signup_sent"


def _too_many(request, template, context, wait, words=None):
    minutes = max(1, round(wait / 60))
    words = words or _("Too many attempts from your network. Please try again in %(minutes)d minutes.")
    context["throttled"] = words % {"minutes": minutes}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _next_url(request, default):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return default


class LoginView(auth_views.LoginView):
    """Email + password; throttled; the visitor's session work moves to the account."""

    template_name = "accounts/login.html"
    form_class = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        wait = check_page_throttle(request, "login")
        if wait:
            return _too_many(request, self.template_name, self.get_context_data(form=self.get_form()), wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        remember_anonymous_session(self.request)
        return super().form_valid(form)


@sensitive_post_parameters("password1", "password2")
@ensure_csrf_cookie
def signup(request):
    """New and known addresses get the same answer (a page saying a mail is on its way): a new one gets the
    confirmation link, a known one a note that it already has an account. Nobody is logged in here; the link,
    opened in this browser, logs the new account in and moves this browser's work to it."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    template = "accounts/signup.html"
    if request.method == "POST":
        form = SignupForm(request.POST)
        wait = check_page_throttle(request, "signup")
        if wait:
            return _too_many(request, template, {"form": form}, wait)
        if form.is_valid():
            email = form.cleaned_data["email"]
            known = account_of_mailbox(email)  # v.i.c.t.i.m@gmail.com is victim@gmail.com's mailbox
            if known is not None:
                get_user_model()().set_password(form.cleaned_data["password1"])  # the same work as a sign-up
                sent = send_known_address_notice(known)
                request.session[SIGNUP_SESSION_KEY] = None
            else:
                user = form.save()
                sent = send_verification(user)
                request.session[SIGNUP_SESSION_KEY] = user.pk
            request.session[SIGNUP_EMAIL_KEY] = email
            request.session[SIGNUP_SENT_KEY] = sent
            return redirect("accounts:signup_sent")
    else:
        form = SignupForm()
    return render(request, template, {"form": form, "next": request.GET.get("next", "")})


def signup_sent(request):
    email = request.session.get(SIGNUP_EMAIL_KEY)
    if not email:
        return redirect("accounts:signup")
    return render(request, "accounts/signup_sent.html", {"email": email,
                                                          "sent": request.session.get(SIGNUP_SENT_KEY, True)})


def verify(request, uidb64, token):
    """The link in the confirmation mail. In the browser that signed up, it also logs the new account in."""
    try:
        user = get_user_model().objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        user = None
    outcome = confirm(user, token)
    if outcome == INVALID:
        return render(request, "accounts/verify_failed.html", status=400)
    if (outcome == CONFIRMED and not request.user.is_authenticated
            and request.session.get(SIGNUP_SESSION_KEY) == user.pk and user.is_active):
        request.session.pop(SIGNUP_SESSION_KEY, None)
        remember_anonymous_session(request)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome to Imogen! Your email address is confirmed, and everything you made "
                                    "in this browser is now in your account."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    messages.success(request, _("Your email address is confirmed. You can like pictures and share yours on the "
                                "board."))
    return redirect("accounts:account" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def resend_verification(request):
    wait = check_page_throttle(request, "verify")
    if wait:
        messages.error(request, _("Too many attempts from your network. Please try again in %(minutes)d minutes.")
                       % {"minutes": max(1, round(wait / 60))})
    elif is_verified(request.user):
        messages.success(request, _("Your email address is already confirmed."))
    elif send_verification(request.user):
        messages.success(request, _("A new confirmation link is on its way to %(email)s.")
                         % {"email": request.user.email})
    else:
        messages.error(request, _("The email could not be sent right now. Please try again in a few minutes."))
    return redirect("accounts:account")


@login_required
def account(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect("accounts:account")
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "accounts/account.html",
                  {"form": form, "verified": is_verified(request.user), **tokens_context(request)})


@login_required
@sensitive_post_parameters("password")
def delete_account_view(request):
    """Delete the account with all its work, after the password is typed again."""
    template = "accounts/delete_account.html"
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST":
        wait = check_page_throttle(request, "delete_account")
        if wait:
            return _too_many(request, template, {"form": form}, wait)
        if form.is_valid():
            user = request.user
            logout(request)
            delete_account(user)
            messages.success(request, _("Your account and everything in it are deleted."))
            return redirect("core:home")
    return render(request, template, {"form": form, "creations": request.user.creations.count()})


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the reset link through the mail provider (core.mail, IMOGEN_MAIL_PROVIDER); throttled like login."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    form_class = MailerPasswordResetForm

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except OverRecipientLimit as exc:
            return _too_many(self.request, self.template_name, self.get_context_data(form=form), exc.wait, _(
                "Too many emails were sent to this address lately. Please try again in %(minutes)d minutes."))
        except MailError as exc:
            log.warning("Password reset mail not sent: %s", exc)
            form.add_error(None, _("The email could not be sent right now. Please try again in a few minutes."))
            response = self.render_to_response(self.get_context_data(form=form), status=503)
            response["Retry-After"] = "120"
            return response

    def get_extra_email_context(self):
        return {"site_url": settings.SITE_URL}

    def post(self, request, *args, **kwargs):
        wait = check_page_throttle(request, "password_reset")
        if wait:
            return _too_many(request, self.template_name, self.get_context_data(form=self.get_form()), wait)
        self.extra_email_context = self.get_extra_email_context()
        return super().post(request, *args, **kwargs)


def admin_login(request, extra_context=None):
    """/admin/login/ with the same `login` limit as the site's log-in (the two count together)."""
    if request.method == "POST":
        wait = check_page_throttle(request, "login")
        if wait:
            minutes = max(1, round(wait / 60))
            response = HttpResponse(
                _("Too many attempts from your network. Please try again in %(minutes)d minutes.") % {
                    "minutes": minutes}, status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(wait)
            return response
    return admin.site.login(request, extra_context)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        mark_confirmed(form.user)  # the reset link was opened from the mailbox: the address is proven too
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")
