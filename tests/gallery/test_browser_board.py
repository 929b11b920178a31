"""The whole sharing story in Chromium: sign up, publish, see it from another browser, like, unpublish."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache

from gallery.models import Creation, CreationKind
from tests.conftest import screenshot, wait_in_page
from tests.factories import PASSWORD, make_creation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" and (
        "Content Security Policy" in msg.text or "Refused to" in msg.text) else None)
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    return problems


def sign_up(page, email, name, mailoutbox):
    """Sign up, then open the confirmation link from the mail in the same browser (which logs in)."""
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/sent/")
    mail = next(m for m in reversed(mailoutbox) if m.to == [email])
    page.goto(re.search(r"(/accounts/verify/\S+/)", mail.body).group(1))
    page.wait_for_url("**/gallery/mine/")


def test_sign_up_publish_like_unpublish(browser_context_factory, live_server, mailoutbox, settings):
    cache.clear()
    settings.IMOGEN_MAIL_PROVIDER = "django"  # the confirmation mails land in Django's test outbox
    author = browser_context_factory().new_page()
    problems = watch(author)
    # Before signing up, the visitor made a picture in this browser (the session owns it).
    session = SessionStore()
    session.create()  # what any feature does when an anonymous visitor submits a job
    session_key = session.session_key
    author.context.add_cookies([{"name": "sessionid", "value": session_key, "url": live_server.url}])
    made = make_creation(session_key=session_key, kind=CreationKind.TEXT2IMAGE, size=(320, 200))
    sign_up(author, "author@example.com", "Lake Painter", mailoutbox)
    user = get_user_model().objects.get(email="author@example.com")
    made.refresh_from_db()
    assert made.owner == user, "the picture made before signing up moved to the account"
    assert author.locator(f"[data-creation='{made.pk}'] img").is_visible()
    screenshot(author, "gallery-mine")

    # Open it and publish it with a title, sharing the prompt.
    author.locator(f"[data-creation='{made.pk}']").get_by_role("link", name="Share").click()
    author.get_by_label("Title").fill("Quiet lake")
    author.get_by_label("Show the settings or prompt with the post").check()
    author.get_by_role("button", name="Publish on the board").click()
    author.locator("#published-badge").wait_for()
    assert author.locator("h1").inner_text() == "Quiet lake"
    screenshot(author, "gallery-creation-owner")

    # Another browser (a different person) sees it on the board, signs up and likes it.
    visitor = browser_context_factory(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    problems += watch(visitor)
    visitor.goto("/gallery/")
    card = visitor.locator(f"[data-creation='{made.pk}']")
    assert card.locator(".post-title").inner_text() == "Quiet lake"
    assert card.locator(".post-author").inner_text() == "Lake Painter"
    card.locator("[data-action=like]").click()
    assert "Log in to like" in visitor.locator(".toast.error").inner_text()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    sign_up(visitor, "fan@example.com", "Fan", mailoutbox)
    visitor.goto("/gallery/")
    like = visitor.locator(f"[data-creation='{made.pk}'] [data-action=like]")
    like.click()
    wait_in_page(visitor, "document.querySelector('[data-action=like]').getAttribute('aria-pressed') === 'true'")
    assert like.locator(".like-count").inner_text() == "1"
    visitor.reload()
    assert visitor.locator(f"[data-creation='{made.pk}'] .like-count").inner_text() == "1"
    screenshot(visitor, "gallery-board-phone")
    # The post page offers "use this prompt" with the shared prompt.
    visitor.locator(f"[data-creation='{made.pk}'] .post-title").click()
    prompt_link = visitor.get_by_role("link", name="Use this prompt").get_attribute("href")
    assert re.match(r"^/text2image/\?prompt=a\+quiet\+lake\+at\+dawn&negative_prompt=people&steps=20$", prompt_link)
    assert visitor.get_by_role("link", name="Try this style").get_attribute("href") == \
        f"/style/?style_creation={made.pk}"
    assert visitor.locator("#publish-form").count() == 0 and visitor.locator("[data-action=delete]").count() == 0
    assert "upload_path" not in visitor.content(), "private settings stay private"

    # The author unpublishes; the post is gone from the board for the other browser.
    author.get_by_role("button", name="Unpublish").click()
    wait_in_page(author, "!document.getElementById('published-badge')")
    assert Creation.objects.get(pk=made.pk).published_at is None
    visitor.goto("/gallery/")
    assert visitor.locator(f"[data-creation='{made.pk}']").count() == 0
    assert "Nothing shared yet." in visitor.locator("#board").inner_text()

    # Finally the author deletes it from My creations: the files go too.
    author.goto("/gallery/mine/")
    author.once("dialog", lambda dialog: dialog.accept())
    author.locator(f"[data-creation='{made.pk}'] [data-action=delete]").click()
    author.locator(".toast.success").wait_for()
    assert not Creation.objects.filter(pk=made.pk).exists()
    assert author.locator(f"[data-creation='{made.pk}']").count() == 0
    assert not problems, problems


def test_korean_board_and_creation_page(browser_context_factory):
    owner = get_user_model().objects.create_user("kim@example.com", "kim@example.com", PASSWORD, first_name="김")
    post = make_creation(owner=owner, title="호수", show_settings=True)
    Creation.objects.filter(pk=post.pk).update(published_at=post.created_at)
    page = browser_context_factory(locale="ko-KR").new_page()
    problems = watch(page)
    page.goto("/gallery/")
    assert page.locator("h1").inner_text() == "갤러리"
    assert page.get_by_role("link", name="좋아요순").count() == 1
    page.locator(".post-title").first.click()
    assert page.get_by_role("link", name="이 프롬프트 사용하기").count() == 1
    assert page.get_by_text("김 작품").count() == 1
    screenshot(page, "gallery-post-ko")
    assert not problems, problems
