from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.debug import sensitive_post_parameters

from .forms import EmailLoginForm, ProfileForm, SignupForm
from .throttling import check_page_throttle
from .transfer import remember_anonymous_session

BACKEND = "accounts.backends.EmailBackend"


def _too_many(request, template, context, wait):
    minutes = max(1, round(wait / 60))
    context["throttled"] = _("Too many attempts from your network. Please try again in %(minutes)d minutes.") % {
        "minutes": minutes}
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
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    template = "accounts/signup.html"
    if request.method == "POST":
        form = SignupForm(request.POST)
        wait = check_page_throttle(request, "signup")
        if wait:
            return _too_many(request, template, {"form": form}, wait)
        if form.is_valid():
            user = form.save()
            remember_anonymous_session(request)
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome to Imogen! Everything you made in this browser is now in your account."))
            return redirect(_next_url(request, reverse_lazy(settings.LOGIN_REDIRECT_URL)))
    else:
        form = SignupForm()
    return render(request, template, {"form": form, "next": request.GET.get("next", "")})


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
    return render(request, "accounts/account.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the reset link through Django's mail settings (EMAIL_BACKEND); throttled like login."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

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
    from django.contrib import admin
    from django.http import HttpResponse

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


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")
