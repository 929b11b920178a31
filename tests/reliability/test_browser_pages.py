"""Every page of the app, on a 390-px phone and on a desktop: no content-security-policy violation, no script
error, and (on the phone) nothing wider than the screen. Screenshots go to test-artifacts/pages-*.png."""
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from PIL import Image

from gallery.models import Creation
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def watched_page(context):
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: page.problems.append(f"{page.url}: {msg.text}") if msg.type == "error" and (
        "Content Security Policy" in msg.text or "Refused to" in msg.text) else None)
    page.on("pageerror", lambda exc: page.problems.append(f"{page.url}: script error: {exc}"))
    return page


def visit(page, path, name, phone):
    response = page.goto(path, wait_until="networkidle")
    assert response.status == 200, f"{path} answered {response.status}"
    assert urlsplit(page.url).path == urlsplit(path).path, f"{path} was redirected to {page.url}"
    if phone:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a 390-px phone screen"
    screenshot(page, f"pages-{name}-{'phone' if phone else 'desktop'}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_satisfies_the_csp_and_fits(browser_context_factory, django_user_model, broker, viewport):
    from styletransfer import samples

    phone = viewport is PHONE
    context = browser_context_factory(viewport=viewport)
    page = watched_page(context)

    # A shared creation someone else published.
    other = Creation.objects.create_from_image(Image.new("RGB", (64, 36), "teal"), kind="edit", session_key="x",
                                               title="teal")
    Creation.objects.filter(pk=other.pk).update(published_at=timezone.now(), title="Teal")

    anonymous = [("/", "home"), ("/style/", "style-create"), ("/text2image/", "text2image-create"),
                 ("/editor/", "editor"), ("/gallery/", "board"), ("/gallery/mine/", "mine-anonymous"),
                 (other.get_absolute_url(), "creation-public"), ("/accounts/login/", "login"),
                 ("/accounts/signup/", "signup"), ("/style/jobs/", "style-jobs")]
    for path, name in anonymous:
        visit(page, path, name, phone)

    # A text-to-image job made through the page's own API call (so it belongs to this browser).
    page.goto("/text2image/")
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    made = page.request.post("/api/text2image/jobs/", headers={"X-CSRFToken": token, "Referer": page.url},
                             data={"prompt": "sunset", "width": 1920, "height": 1080, "samples": 1})
    assert made.status == 202, made.text()
    visit(page, made.json()["url"], "text2image-job", phone)
    # A style job of this browser too (queued: no worker runs here); a job answers only its owner.
    made = page.request.post("/api/style-transfer/jobs/", headers={"X-CSRFToken": token, "Referer": page.url},
                             form={"content_sample": samples.by_kind("content")[0].id,
                                   "style_sample": samples.by_kind("style")[0].id, "preset": "preview",
                                   "width": "64", "height": "64"})
    assert made.status == 202, made.text()
    visit(page, made.json()["page_url"], "style-job", phone)

    # Signed in: account, my creations, own creation page, editor on a creation, mail page.
    user = django_user_model.objects.create_user("pages@example.com", "pages@example.com", "pw-123456789-long")
    mine = Creation.objects.create_from_image(Image.new("RGB", (64, 36), "orange"), kind="edit", owner=user)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "pages@example.com")
    page.fill("input[name=password]", "pw-123456789-long")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    for path, name in [("/accounts/", "account"), ("/gallery/mine/", "mine"), (mine.get_absolute_url(), "creation-own"),
                       (f"/editor/?creation={mine.pk}", "editor-creation"), (f"/mail/send/{mine.pk}/", "mail-send"),
                       ("/accounts/password/change/", "password-change")]:
        visit(page, path, name, phone)
    assert not page.problems, page.problems
