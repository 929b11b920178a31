import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.template import loader
from django.utils.translation import gettext_lazy as _

from core.mail import OutgoingMail, TemporaryMailError, get_provider
from core.mail.addresses import clean_address, normalise_address, spellings_pattern
from core.throttling import hit

DISPLAY_NAME_MAX = 40


def display_name(user):
    """The name shown on the board: the one the person chose, never their email address."""
    if user is None:
        return _("Anonymous")
    return user.first_name or _("Imogen artist")


def account_of_mailbox(email):
    """The account (the oldest, if several were made before this rule) whose address is the same mailbox as
    `email`, however either is written (core.mail.addresses: case, +tag, Gmail's dots), else None."""
    return get_user_model().objects.filter(email__iregex=spellings_pattern(email)).order_by("pk").first()


def make_username(email):
    """The (hidden) Django user name: the email when it fits, else a random one."""
    return email if len(email) <= 150 else f"user-{uuid.uuid4().hex}"


class EmailLoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email"), max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("That email and password do not match an account. Check both and try again."),
        "inactive": _("This account is disabled."),
    }


class SignupForm(forms.Form):
    email = forms.CharField(label=_("Email"), max_length=254,  # checked by clean_email: the mail form's rule
                            widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    display_name = forms.CharField(
        label=_("Display name"), max_length=DISPLAY_NAME_MAX, required=False,
        help_text=_("Shown with the pictures you share on the board. Your email is never shown."),
    )
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 8 characters; not only digits, not a common password."))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_email(self):
        # The addresses the mail form accepts, no others (no quoted "name"@domain). A known mailbox is not an error
        # here: the sign-up view answers as for a new one and mails its owner (account_of_mailbox).
        return get_user_model().objects.normalize_email(clean_address(self.cleaned_data["email"])).lower()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are different."))
        elif p1:
            user = get_user_model()(email=data.get("email") or "", first_name=data.get("display_name") or "")
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def save(self):
        email = self.cleaned_data["email"]
        return get_user_model().objects.create_user(
            username=make_username(email), email=email, password=self.cleaned_data["password1"],
            first_name=self.cleaned_data.get("display_name", "").strip(),
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["first_name"]
        labels = {"first_name": _("Display name")}
        help_texts = {"first_name": _("Shown with the pictures you share on the board. Your email is never shown.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].max_length = DISPLAY_NAME_MAX
        self.fields["first_name"].validators.append(MaxLengthValidator(DISPLAY_NAME_MAX))
        self.fields["first_name"].widget.attrs["maxlength"] = DISPLAY_NAME_MAX


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               help_text=_("To be sure it is you."))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not the password of this account."), code="wrong")
        return password


class OverRecipientLimit(TemporaryMailError):
    """Too many account mails to this address lately (IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT): the visitor is
    over a limit (429 with Retry-After), the mail service is not down (503)."""

    def __init__(self, wait):
        super().__init__("over IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT")
        self.wait = wait


class MailerPasswordResetForm(PasswordResetForm):
    """Password reset through the mail providers; raises MailError when the mail cannot go now, for known and
    unknown addresses alike (an unknown one checks the mail server instead), so the page can say so honestly
    without telling which addresses have accounts."""

    def save(self, **kwargs):
        email = self.cleaned_data["email"]
        wait = hit(f"account-mail:{normalise_address(email)}", settings.IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT)
        if wait:
            raise OverRecipientLimit(wait)
        if not any(True for _user in self.get_users(email)):
            get_provider().check()
        return super().save(**kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        get_provider().send(OutgoingMail(to=to_email, subject=subject, body=body,
                                         from_email=from_email or settings.DEFAULT_FROM_EMAIL,
                                         headers={"Auto-Submitted": "auto-generated"}))
