"""One sweep over every page, as a person sees it: desktop and a 390-px phone, English and Korean, signed out and
signed in (not staff). On each page: it answers, the content security policy blocked nothing and no script failed,
nothing is wider than the phone, every visible picture keeps its natural shape (within 1 %: no stretching, no
cropping), no text is in the other language, and no administrator hint shows. Screenshots of the creation page
(desktop and phone, a 16:9 and a 9:16 picture) go to test-artifacts/creation-*.png.

One browser, four contexts, pages visited one after another (no per-page browser start)."""
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from gallery.models import Creation
from styletransfer.models import StyleTransferJob
from tests.conftest import screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
# Words that are the same in both languages: names of things, formats, units, and what the test itself typed.
LATIN_OK = {"Imogen", "Text2Imagen", "PNG", "JPEG", "API", "English", "HEIC", "WebP", "AVIF", "ComfyUI",
            "Karlo", "Kakao", "OpenAI", "Stable", "Diffusion", "web", "UI", "CC0", "render", "py", "Wide",
            "Tall", "Lake", "Painter", "Neighbour", "example", "com", "name",
            # HTTP's own words on the account page's API-token help (a header to type as it is)
            "Authorization", "Bearer", "CSRF",
            # the English words the offline text-to-image engine understands, listed beside the Korean ones
            "sunset", "sea", "night", "sky", "forest", "mountain", "snow", "flowers", "rain"}
# Korean on purpose on the English pages: the language switch, and the Korean words the offline text-to-image
# engine understands (listed beside their English ones).
HANGUL_OK = {"한국어", "노을", "바다", "밤하늘", "숲", "산", "눈", "꽃", "비"}
ADMIN_HINTS = ("var/mail", "mail server", "메일 서버", ".env", "EMAIL_HOST", "manage.py", "settings.py",
               "Traceback", "urlpatterns")

IMAGES_JS = """() => [...document.images].filter((img) => {
    const r = img.getBoundingClientRect(), s = getComputedStyle(img);
    return img.complete && img.naturalWidth > 0 && r.width > 0 && r.height > 0 && s.visibility !== "hidden";
  }).map((img) => {
    const r = img.getBoundingClientRect();
    return {src: img.currentSrc || img.src, w: r.width, h: r.height, nw: img.naturalWidth, nh: img.naturalHeight,
            fit: getComputedStyle(img).objectFit};
  })"""


def wallpaper(owner, size, title, **fields):
    """A real picture of that shape (with some detail) on the board."""
    image = Image.radial_gradient("L").resize(size).convert("RGB")
    creation = Creation.objects.create_from_image(image, kind="style", owner=owner, title=title)
    Creation.objects.filter(pk=creation.pk).update(title=title, **fields)
    return Creation.objects.get(pk=creation.pk)


@pytest.fixture
def world(broker, django_user_model):
    from styletransfer import samples

    owner = make_user("painter@example.com", "Painter")
    neighbour = make_user("neighbour@example.com", "Neighbour")
    now = timezone.now()
    wide = wallpaper(owner, (1920, 1080), "Wide", published_at=now, show_settings=True)
    tall = wallpaper(owner, (1080, 1920), "Tall", published_at=now, show_settings=True)
    theirs = wallpaper(neighbour, (1280, 720), "Lake", published_at=now, show_settings=True)
    content, style = samples.by_kind("content")[0], samples.by_kind("style")[0]
    options = {"preset": "preview", "width": 1920, "height": 1080, "size": None, "size_preset": "desktop-1080p",
               "style_strength": 1.5, "preserve_colors": True, "seed": 7}
    done = StyleTransferJob.objects.create(owner=owner, content_sample=content.id, style_sample=style.id,
                                           options=options, status="succeeded", progress=1, result=wide,
                                           finished_at=now)
    Creation.objects.filter(pk__in=[wide.pk, tall.pk]).update(
        metadata={"job_id": str(done.pk), "content": content.id, "style": style.id, **options})
    queued = StyleTransferJob.objects.create(owner=owner, content_sample=content.id, style_sample=style.id,
                                             options=options)
    canceled = StyleTransferJob.objects.create(owner=owner, content_sample=content.id, style_sample=style.id,
                                               options=options, status="canceled", finished_at=now)
    return {"owner": owner, "wide": wide, "tall": tall, "theirs": theirs, "done": done, "queued": queued,
            "canceled": canceled}


def signed_in(context, user, base_url):
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def watched(context):
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: page.problems.append(f"{page.url}: {msg.text}") if msg.type == "error" and (
        "Content Security Policy" in msg.text or "Refused to" in msg.text) else None)
    page.on("pageerror", lambda exc: page.problems.append(f"{page.url}: script error: {exc}"))
    return page


def check(page, path, lang, phone, status=200, words=True):
    response = page.goto(path, wait_until="load")
    assert response.status == status, f"{path} answered {response.status}"
    assert urlsplit(page.url).path == urlsplit(path).path, f"{path} was redirected to {page.url}"
    # Lazy pictures load too: every picture on the page is checked, not only the first screen.
    page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach((i) => { i.loading = 'eager'; })")
    page.wait_for_function("() => [...document.images].every((i) => i.complete)", timeout=15000)
    where = f"{path} ({lang}, {'phone' if phone else 'desktop'})"
    for img in page.evaluate(IMAGES_JS):
        natural, shown = img["nw"] / img["nh"], img["w"] / img["h"]
        if img["fit"] in ("contain", "scale-down"):
            continue  # the picture is drawn whole inside its box, in its own shape
        assert abs(shown / natural - 1) <= 0.01, (
            f"{where}: {img['src']} is {img['nw']}×{img['nh']} but shown {img['w']:.0f}×{img['h']:.0f}")
    if phone:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{where} is {overflow}px wider than the phone"
    text = page.inner_text("body")
    for hint in ADMIN_HINTS:
        assert hint not in text and hint not in page.content().split("<body", 1)[-1].replace(
            "data-msg-saved", ""), f"{where} shows an administrator hint: {hint!r}"
    if not words:
        return
    text = re.sub(r"\S+\.(?:png|jpe?g)\b|\S+@\S+", "", text)  # file names and mail addresses are names
    if lang == "en":
        korean = set(re.findall(r"[\uac00-\ud7a3]+", text)) - HANGUL_OK
        assert not korean, f"{where} has Korean text on the English page: {sorted(korean)[:10]}"
    else:
        # Korean lines break between words, never inside one (휴대/폰, 고/르세요).
        assert page.evaluate("getComputedStyle(document.body).wordBreak") == "keep-all", where
        english = set(re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", text)) - LATIN_OK
        assert not english, f"{where} has English words on the Korean page: {sorted(english)[:15]}"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_page_shows_pictures_right_in_one_language_without_admin_hints(
        lang, world, browser_context_factory, live_server, korean):
    owner = world["owner"]
    for viewport in (DESKTOP, PHONE):
        phone = viewport is PHONE
        context = browser_context_factory(locale="ko-KR" if lang == "ko" else "en-US", viewport=viewport,
                                          is_mobile=phone, has_touch=phone)
        page = watched(context)
        for path in ["/", "/style/", "/text2image/", "/editor/", "/gallery/", "/accounts/login/",
                     "/accounts/signup/", "/accounts/password/reset/", "/accounts/password/reset/sent/",
                     world["theirs"].get_absolute_url(), world["wide"].get_absolute_url(),
                     f"/style/?remix={world['wide'].pk}"]:
            check(page, path, lang, phone)
        check(page, "/no-such-page/", lang, phone, status=404)
        # A text-to-image job made through the API, as its page does (it belongs to this browser).
        token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
        made = page.request.post("/api/text2image/jobs/", headers={"X-CSRFToken": token, "Referer": page.url},
                                 data={"prompt": "sunset", "width": 1920, "height": 1080, "samples": 1})
        assert made.status == 202, made.text()
        check(page, made.json()["url"], lang, phone)
        signed_in(context, owner, live_server.url)
        for path in ["/", "/gallery/", "/gallery/mine/", "/gallery/?sort=top", "/style/jobs/",
                     f"/style/jobs/{world['done'].pk}/", f"/style/jobs/{world['queued'].pk}/",
                     f"/style/jobs/{world['canceled'].pk}/", world["wide"].get_absolute_url(),
                     world["tall"].get_absolute_url(), world["theirs"].get_absolute_url(),
                     f"/editor/?creation={world['wide'].pk}", f"/mail/send/{world['wide'].pk}/",
                     f"/style/?remix={world['wide'].pk}", "/accounts/", "/accounts/password/change/",
                     "/accounts/password/reset/sent/"]:
            check(page, path, lang, phone)
        check(page, "/api/docs/", lang, phone, words=False)  # Swagger UI is English; our bar leads back
        page.locator("#back-to-site").click()
        page.wait_for_url(f"{live_server.url}/")
        for name in ("wide", "tall"):
            page.goto(world[name].get_absolute_url(), wait_until="load")
            screenshot(page, f"creation-{'16x9' if name == 'wide' else '9x16'}-{'phone' if phone else 'desktop'}-{lang}")
        assert not page.problems, page.problems
        context.close()
