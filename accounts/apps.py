from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.throttling import count_accounts_alone_when


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # In ready(): these reach models, which load only once the app registry is ready.
        from . import transfer  # noqa: F401  (moves a visitor's work to the account at login)
        from .verification import is_verified

        count_accounts_alone_when(is_verified)  # a confirmed account is a client of its own, not its address


# Labels of the account links in the shared navigation (templates/base.html), translated in this app's catalog.
NAV_LABELS = [_("Account"), _("Sign up"), _("Log in"), _("Log out"), _("My creations")]
