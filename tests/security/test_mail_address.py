"""Item 13 (issue 15): `victim+tag@example.com` (or any capitalisation) counts as `victim@example.com` in the
per-recipient mail limit, for mails of creations and for account mails. Item 10 (issue 21): Gmail's dots
(`v.i.c.t.i.m@gmail.com`) were three budgets for one box, and sign-up took `"name"@domain`, which the mail form
refuses, and made a second account for a known mailbox: one normalisation and one address rule for all of it."""
import pytest
from django.contrib.auth import get_user_model

from core.mail.addresses import normalise_address
from mailer.models import Delivery
from tests.conftest import HttpClient
from tests.factories import make_creation

from .conftest import session_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_tagged_and_capitalised_addresses_share_one_recipient_limit(live_server, mail_settings):
    mail_settings.IMOGEN_MAIL_LIMIT_PER_RECIPIENT = "3/hour"
    sender = HttpClient(live_server.url)
    creation = make_creation(session_key=session_of(sender))
    for address in ("victim@example.com", "victim+a@example.com", "Victim+B@Example.COM"):
        response = sender.post(f"/api/creations/{creation.pk}/email/", json={"to": address})
        assert response.status_code == 202, response.text
    refused = sender.post(f"/api/creations/{creation.pk}/email/", json={"to": "VICTIM+zzz@example.com"})
    assert refused.status_code == 429 and "Too many emails" in refused.json()["detail"]
    assert sender.post(f"/api/creations/{creation.pk}/email/", json={"to": "other@example.com"}).status_code == 202
    assert Delivery.objects.filter(recipient_key="victim@example.com").count() == 3
    sender.close()


def test_account_mails_are_limited_per_normalised_address_too(live_server, mail_settings, smtp_server):
    mail_settings.IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT = "2/hour"
    from tests.factories import make_user

    make_user("victim@example.com")
    for tag in ("", "+1", "+2", "+3"):
        bot = HttpClient(live_server.url)
        bot.get("/accounts/signup/")
        bot.post("/accounts/signup/", data={"email": f"victim{tag}@example.com", "password1": "a-long-pass-phrase-9",
                                            "password2": "a-long-pass-phrase-9",
                                            "csrfmiddlewaretoken": bot.cookies.get("csrftoken")})
        bot.close()
    assert len(smtp_server.messages) == 2, [m.rcpt_tos for m in smtp_server.messages]


def test_normalise_address():
    assert normalise_address(" Victim+Tag+More@Example.COM ") == "victim@example.com"
    assert normalise_address("+only@example.com") == "+only@example.com"
    assert normalise_address("no-at-sign") == "no-at-sign"
    assert {normalise_address(a) for a in ("victim@gmail.com", "v.i.c.t.i.m@gmail.com", "Vi.Ctim+x@GoogleMail.com",
                                           "victim@gmail.com.")} == {"victim@gmail.com"}
    assert normalise_address("v.ictim@example.com") == "v.ictim@example.com"  # dots matter elsewhere
    assert normalise_address("victim@EXÄMPLE.com") == normalise_address("victim@xn--exmple-cua.com")


def test_gmail_spellings_of_one_mailbox_share_one_recipient_limit(live_server, mail_settings):
    mail_settings.IMOGEN_MAIL_LIMIT_PER_RECIPIENT = "2/hour"
    sender = HttpClient(live_server.url)
    creation = make_creation(session_key=session_of(sender))
    answers = [sender.post(f"/api/creations/{creation.pk}/email/", json={"to": address}).status_code
               for address in ("victim@gmail.com", "v.i.c.t.i.m@gmail.com", "vi.ctim@gmail.com",
                               "victim@googlemail.com")]
    assert answers == [202, 202, 429, 429]
    sender.close()


def sign_up(live_server, email):
    bot = HttpClient(live_server.url)
    bot.get("/accounts/signup/")
    page = bot.post("/accounts/signup/", data={"email": email, "password1": "a-long-pass-phrase-9",
                                               "password2": "a-long-pass-phrase-9",
                                               "csrfmiddlewaretoken": bot.cookies.get("csrftoken")})
    bot.close()
    return page


def test_sign_up_refuses_the_addresses_the_mail_form_refuses(live_server, mail_settings, smtp_server):
    for address in ('"victim"@example.com', '"vic tim"@example.com'):
        page = sign_up(live_server, address)
        assert page.url.endswith("/accounts/signup/") and "Enter one valid email address" in page.text, address
    assert not get_user_model().objects.exists() and smtp_server.messages == []


def test_another_spelling_of_a_known_mailbox_makes_no_second_account(live_server, mail_settings, smtp_server):
    from tests.factories import make_user

    make_user("victim@gmail.com")
    for spelling in ("v.i.c.t.i.m@gmail.com", "Vi.ctim+new@googlemail.com"):
        assert sign_up(live_server, spelling).url.endswith("/accounts/signup/sent/")  # the page for everyone
    assert list(get_user_model().objects.values_list("email", flat=True)) == ["victim@gmail.com"]
    # Its owner is told, at the address of the account, that someone tried (not the new spelling).
    assert [m.rcpt_tos for m in smtp_server.messages] == [["victim@gmail.com"]] * 2
    assert sign_up(live_server, "victim2@gmail.com").url.endswith("/sent/")  # another mailbox, another account
    assert get_user_model().objects.count() == 2
