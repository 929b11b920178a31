"""The home page in a real browser, in Korean and in English, on a desktop and on a phone."""
import pytest

from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locale,heading,nav", [
    ("en-US", "Make a wallpaper that is yours", "Style Transfer"),
    ("ko-KR", "나만의 배경화면을 만드세요", "스타일 변환"),
])
def test_home_page_speaks_the_browsers_language(browser_context_factory, locale, heading, nav):
    context = browser_context_factory(locale=locale)
    page = context.new_page()
    page.goto("/")
    assert page.locator("h1").inner_text() == heading
    assert page.locator(".site-nav").get_by_text(nav, exact=True).count() == 1
    assert page.locator(".feature").count() == 3
    screenshot(page, f"home-{locale}")


def test_language_switcher_changes_language(page):
    page.goto("/")
    page.get_by_role("button", name="한국어").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "나만의 배경화면을 만드세요"
    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "Make a wallpaper that is yours"


def test_phone_layout_has_a_menu_and_no_sideways_scroll(browser_context_factory):
    context = browser_context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/")
    assert not page.locator(".site-nav").is_visible()
    page.locator(".nav-toggle-label").click()
    assert page.locator(".site-nav").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "home-phone")


def test_toast_component_shows_success_and_failure(page):
    page.goto("/")
    page.evaluate("imogen.toast('Saved!', 'success'); imogen.toast('It broke', 'error')")
    assert page.locator(".toast.success").inner_text().startswith("Saved!")
    assert page.locator(".toast.error").get_attribute("role") == "alert"
