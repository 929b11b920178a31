"""Item 13: `victim+tag@example.com` (or any capitalisation) counts as `victim@example.com` in the per-recipient
mail limit, for mails of creations and for account mails."""
import pytest

from mailer.addresses import normalise_address
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
