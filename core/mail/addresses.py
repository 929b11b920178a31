"""One address, however it is written: every limit on mail the site sends, and the one-account-per-mailbox rule,
count `V.i.c.t.i.m+anything@GoogleMail.com` as `victim@gmail.com`, and one rule says which addresses are accepted.
"""
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Only a bare address: no display name, no list, no quoted local part, no whitespace or control characters (header
# injection).
FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f,;<>\"'()\[\]\\]")
# Gmail delivers v.i.c.t.i.m@ to victim@, and googlemail.com is the same mailboxes.
DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def clean_address(value):
    """The one clean address in `value` (stripped), or ValidationError with words for people. Every form that takes
    an address the site will mail (the mail form, "email me when it's ready", sign-up) accepts the same ones."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(_("Enter an email address."))
    address = value.strip()
    if len(address) > 254 or FORBIDDEN.search(address) or address.count("@") != 1:
        raise ValidationError(_("Enter one valid email address, like name@example.com."))
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(_("Enter one valid email address, like name@example.com.")) from None
    return address


def _domain(domain):
    domain = domain.rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")  # exämple.com and xn--exmple-cua.com are one domain
    except UnicodeError:
        return domain


def normalise_address(address):
    """Lowercase; the local part without its +tag (most providers deliver name+tag@ to name@); without dots where
    the provider ignores them (Gmail); the domain in its ASCII form."""
    address = (address or "").strip().lower()
    local, sep, domain = address.rpartition("@")
    if not sep:
        return address
    domain = _domain(domain)
    local = local.split("+", 1)[0] or local
    if domain in DOTS_IGNORED:
        domain = DOTS_IGNORED[domain]
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def spellings_pattern(address):
    """A regular expression (for `email__iregex`) matching every spelling of `address` that `normalise_address`
    makes the same: another case, a +tag, and for Gmail dots and googlemail.com. Finds the one account of a mailbox."""
    normal = normalise_address(address)
    local, _sep, domain = normal.rpartition("@")
    if domain in DOTS_IGNORED.values():
        local_pattern = r"\.*".join(re.escape(char) for char in local) + r"\.*"
        domains = sorted(name for name, same in DOTS_IGNORED.items() if same == domain)
        domain_pattern = "(" + "|".join(re.escape(name) for name in domains) + ")"
    else:
        local_pattern, domain_pattern = re.escape(local), re.escape(domain)
    return rf"^{local_pattern}(\+[^@]*)?@{domain_pattern}\.?$"
