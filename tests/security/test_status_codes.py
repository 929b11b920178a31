"""Issue 21, item 12: over a limit is 429 with Retry-After, not 503 (monitors read 503 as the site being down): the
per-address limit on account mails (a password reset), and nginx's per-address connection limit in the recipe."""
import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_password_resets_over_the_per_address_limit_are_429_with_retry_after(client, settings, rates, mailoutbox):
    settings.IMOGEN_MAIL_PROVIDER = "django"
    settings.IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT = "2/hour"
    make_user("forgetful@example.com")
    for _ in range(2):
        assert client.post("/accounts/password/reset/", {"email": "forgetful@example.com"}).status_code == 302
    over = client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})
    assert over.status_code == 429
    assert 0 < int(over["Retry-After"]) <= 2 * 3600  # the sliding window of "2/hour"
    assert "Too many emails were sent to this address" in over.content.decode()
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert unknown.status_code == 302, "an unknown address is counted the same way, so it says nothing"
    assert len(mailoutbox) == 2


def test_the_words_in_korean(client, settings, rates, korean):
    settings.IMOGEN_MAIL_PROVIDER = "django"
    settings.IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT = "1/hour"
    client.post("/accounts/password/reset/", {"email": "someone@example.com"})
    over = client.post("/accounts/password/reset/", {"email": "someone@example.com"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert over.status_code == 429 and "이 주소" in over.content.decode()
