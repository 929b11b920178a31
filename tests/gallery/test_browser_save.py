"""'Save to Photos' where the browser cannot hand a file to the share sheet: it downloads, and says so."""
import pytest
from django.contrib.sessions.backends.db import SessionStore

from gallery.models import CreationKind
from tests.factories import make_creation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language, words", [("en", "Saved to your downloads"), ("ko", "다운로드 폴더에 저장했습니다")])
def test_save_to_photos_says_it_downloaded(browser_context_factory, live_server, korean, language, words):
    context = browser_context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                      locale=language,
                                      extra_http_headers={"Accept-Language": language})
    session = SessionStore()
    session.create()
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])
    creation = make_creation(session_key=session.session_key, kind=CreationKind.TEXT2IMAGE, size=(320, 200))
    page = context.new_page()
    page.add_init_script("delete Navigator.prototype.canShare; delete Navigator.prototype.share;")  # a desktop browser
    page.goto(f"/gallery/c/{creation.pk}/")
    with page.expect_download() as download:
        page.locator("[data-action=save-image]").click()
    assert download.value.suggested_filename.endswith(".png")
    assert words in page.locator(".toast.success").inner_text()
