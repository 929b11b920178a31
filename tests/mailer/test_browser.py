"""A visitor emails a style-transfer result from the page and sees honest popups."""
import pytest

from tests.conftest import screenshot

from .conftest import make_creation, new_session_key, worker_env

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def visitor_owning_a_creation(context, live_server):
    key = new_session_key()
    context.add_cookies([{"name": "sessionid", "value": key, "url": live_server.url}])
    return make_creation(key, size=(320, 200))


def test_email_success_popup_then_failure_popup_when_smtp_is_down(page, live_server, smtp_server, worker_factory,
                                                                   settings):
    settings.EMAIL_HOST = "127.0.0.1"  # the web page then does not say "mail goes to a folder"
    settings.IMOGEN_MAIL_LIMIT_PER_RECIPIENT = "1/hour"
    worker_factory(queues="default", extra_env=worker_env(smtp_server.port))
    creation = visitor_owning_a_creation(page.context, live_server)

    page.goto(f"/mail/send/{creation.pk}/")
    form = page.locator("form.email-form")
    assert form.get_attribute("data-creation-id") == str(creation.pk)
    assert page.locator(".email-form-folder").count() == 0
    form.locator("input[name=to]").fill("friend@example.com")
    form.locator("button[type=submit]").click()
    page.locator(".toast.success", has_text="Email sent to friend@example.com").wait_for(timeout=30000)
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].rcpt_tos == ["friend@example.com"]
    screenshot(page, "mailer-sent")

    # The SMTP server goes away: after the retries, the error popup says why (and no success popup appears).
    smtp_server.stop()
    form.locator("input[name=to]").fill("other@example.com")
    form.locator("button[type=submit]").click()
    error = page.locator(".toast.error", has_text="could not be sent after 3 tries")
    error.wait_for(timeout=30000)
    assert "mail server" in error.inner_text()
    assert page.locator(".toast.success", has_text="other@example.com").count() == 0
    screenshot(page, "mailer-failed")

    # A refusal by the API (rate limit, 429) is an error popup with the server's words.
    form.locator("input[name=to]").fill("friend@example.com")
    form.locator("button[type=submit]").click()
    page.locator(".toast.error", has_text="Too many emails to friend@example.com").wait_for(timeout=10000)
    assert len(smtp_server.messages) == 1


def test_email_form_in_korean_fits_a_phone(browser_context_factory, live_server, settings, korean):
    settings.EMAIL_HOST = ""  # no SMTP: the form says mail goes to a folder
    context = browser_context_factory(locale="ko-KR", viewport={"width": 390, "height": 844})
    creation = visitor_owning_a_creation(context, live_server)
    page = context.new_page()
    page.goto(f"/mail/send/{creation.pk}/")
    assert page.locator("form.email-form button[type=submit]").inner_text() == "보내기"
    # The folder is the administrator's business: a visitor sees no note about it (issue 17).
    assert page.locator(".email-form-folder").count() == 0 and "var/mail" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # An invalid address typed past the browser's own check gets the server's Korean reason.
    page.evaluate("document.querySelector('form.email-form input[name=to]').type = 'text'")
    page.locator("form.email-form input[name=to]").fill("a@example.com, b@example.com")
    page.locator("form.email-form button[type=submit]").click()
    page.locator(".toast.error", has_text="올바른 이메일 주소").wait_for(timeout=10000)
    screenshot(page, "mailer-phone-ko")
