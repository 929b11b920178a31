"""axe-core (from its npm package, pinned in package.json) on every kind of page, on a desktop and on a 390-px phone,
in English and Korean: no violation of any rule axe checks by default (WCAG 2.x A/AA and best practices)."""
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore

from gallery.models import CreationKind
from tests.factories import make_creation, make_style_job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/style/", "/text2image/", "/editor/", "/gallery/", "/gallery/mine/", "/accounts/login/",
         "/accounts/signup/", "/style/jobs/"]
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


def violations(page):
    page.evaluate(AXE.read_text())  # evaluated by the browser's debugger protocol: the page's CSP does not apply
    found = page.evaluate("async () => (await axe.run(document)).violations.map("
                          "v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)")
    return found


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_no_axe_violations(browser_context_factory, live_server, korean, device, language):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test runs npm ci)")
    phone = device == "phone"
    context = browser_context_factory(locale=language, viewport=VIEWPORTS[device], is_mobile=phone, has_touch=phone,
                                      extra_http_headers={"Accept-Language": language})
    session = SessionStore()
    session.create()
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])
    creation = make_creation(session_key=session.session_key, kind=CreationKind.TEXT2IMAGE, size=(320, 200))
    job = make_style_job(session_key=session.session_key)
    page = context.new_page()
    problems = {}
    for path in [*PAGES, f"/gallery/c/{creation.pk}/", f"/style/jobs/{job.pk}/", f"/editor/?creation={creation.pk}"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found = violations(page)
        if found:
            problems[path] = found
    assert not problems, problems
