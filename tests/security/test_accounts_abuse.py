"""Items 9 and 12: accounts must confirm their email address (a real mail through SMTP) before they like or
publish, likes from unconfirmed accounts do not count, and sign-up answers a known address exactly like a new
one (mailing the known address's owner instead)."""
import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from gallery.models import Creation, Like
from tests.conftest import HttpClient
from tests.factories import PASSWORD, make_creation, make_user

from .conftest import log_in, mail_body

pytestmark = pytest.mark.django_db(transaction=True)


def sign_up(http, email, password=PASSWORD):
    http.get("/accounts/signup/")
    return http.post("/accounts/signup/", data={"email": email, "display_name": "Bot", "password1": password,
                                                 "password2": password, "csrfmiddlewaretoken":
                                                 http.cookies.get("csrftoken", "")})


def test_unconfirmed_accounts_cannot_like_or_publish_and_their_likes_do_not_count(live_server, mail_settings,
                                                                                  smtp_server):
    mail_settings.SITE_URL = live_server.url
    author = make_user("author@example.com", "Author")
    post = make_creation(owner=author, published_at=timezone.now(), title="Target")
    bots = []
    for number in range(3):
        bot = HttpClient(live_server.url)
        page = sign_up(bot, f"bot{number}@example.com")
        assert page.status_code == 200 and "Check your email" in page.text
        log_in(bot, f"bot{number}@example.com", PASSWORD)
        liked = bot.post(f"/api/board/{post.pk}/like/")
        assert liked.status_code == 403 and "Confirm your email address" in liked.json()["detail"]
        mine = make_creation(owner=get_user_model().objects.get(email=f"bot{number}@example.com"))
        published = bot.post(f"/api/creations/{mine.pk}/publish/", json={"title": "Spam"})
        assert published.status_code == 403 and "Confirm your email address" in published.json()["detail"]
        bots.append(bot)
    # Likes recorded before this rule (or by any other way in) do not count either.
    for user in get_user_model().objects.filter(email__startswith="bot"):
        Like.objects.create(user=user, creation=post)
    assert post.refresh_like_count() == 0
    # Counts stored before the upgrade (bot likes included) are recounted by the migration.
    Creation.objects.filter(pk=post.pk).update(like_count=3)
    import_module("accounts.migrations.0002_recount_likes").recount(django_apps, None)
    assert Creation.objects.get(pk=post.pk).like_count == 0
    assert len(smtp_server.messages) == 3
    # The first bot's owner opens the link from the real mail, in the same browser: logged in, and now it counts.
    message = next(m for m in smtp_server.messages if m.rcpt_tos == ["bot0@example.com"])
    link = re.search(r"(/accounts/verify/\S+/)", mail_body(message)).group(1)
    assert bots[0].get(link).status_code == 200
    assert Creation.objects.get(pk=post.pk).like_count == 1, "the confirmed account's like now counts"
    liked = bots[0].post(f"/api/board/{post.pk}/like/")
    assert liked.status_code == 200 and liked.json()["like_count"] == 1
    assert bots[1].get(link).status_code == 200  # someone else's link does not confirm them
    refused = bots[1].post(f"/api/board/{post.pk}/like/", headers={"Accept-Language": "ko"})
    assert refused.status_code == 403 and "이메일 주소를 확인해 주세요" in refused.json()["detail"]
    for bot in bots:
        bot.close()


def normalise(html):
    """The page without what differs on every request anyway (CSRF tokens)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).replace("known", "X").replace("fresh", "X")


def test_sign_up_answers_a_known_address_like_a_new_one_and_mails_its_owner(live_server, mail_settings,
                                                                             smtp_server):
    mail_settings.SITE_URL = live_server.url
    owner = make_user("known@example.com", "Owner")
    answers = {}
    for email in ("known@example.com", "fresh@example.com"):
        visitor = HttpClient(live_server.url)
        response = sign_up(visitor, email, password="another-long-passphrase-77")
        answers[email] = (response.status_code, [r.status_code for r in response.history], normalise(response.text))
        visitor.close()
    assert answers["known@example.com"] == answers["fresh@example.com"]
    assert "already exists" not in answers["known@example.com"][2]
    by_address = {m.rcpt_tos[0]: mail_body(m) for m in smtp_server.messages}
    assert "already has an account" in by_address["known@example.com"]
    assert "/accounts/verify/" not in by_address["known@example.com"]
    assert "/accounts/verify/" in by_address["fresh@example.com"]
    assert get_user_model().objects.filter(email__iexact="known@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD), "the known account is unchanged"
