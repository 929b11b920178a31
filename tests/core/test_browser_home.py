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
    menu = page.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert page.locator(".site-nav").is_visible()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "home-phone")


def test_phone_menu_works_from_the_keyboard(browser_context_factory):
    """A real button (not a label over a hidden checkbox): reachable with Tab, opened with Enter, closed with Escape,
    and a screen reader hears whether it is open."""
    context = browser_context_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-nav"
    page.keyboard.press("Enter")
    assert page.locator(".site-nav").is_visible()
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not page.locator(".site-nav").is_visible()
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-nav"


def test_toast_component_shows_success_and_failure(page):
    page.goto("/")
    page.evaluate("imogen.toast('Saved!', 'success'); imogen.toast('It broke', 'error')")
    assert page.locator(".toast.success").inner_text().startswith("Saved!")
    assert page.locator(".toast.error").get_attribute("role") == "alert"
