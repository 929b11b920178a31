"""The home page leads somewhere: the visitor's own recent work, what people shared, and styles to try."""
import re

from tests.factories import make_creation


def thumbs(html, section):
    block = re.search(rf'<section class="home-strip" id="{section}">(.*?)</section>', html, re.S)
    return re.findall(r'href="([^"]+)"', block.group(1)) if block else None


def test_home_shows_my_recent_work_the_board_and_styles_to_try(people, published):
    mine_private = make_creation(owner=people["owner"], title="Only mine")
    strangers_private = make_creation(owner=people["other"], title="Not yours")

    html = people["clients"]["owner"].get("/").content.decode()
    recent = thumbs(html, "home-recent")
    assert mine_private.get_absolute_url() in recent and strangers_private.get_absolute_url() not in recent
    assert thumbs(html, "home-shared")[1:] == [published.get_absolute_url()]
    styles = thumbs(html, "home-styles")
    assert len(styles) == 9 and "/style/?style_sample=style-01" in styles  # "All styles" + 8 samples

    # Someone else sees the shared post, but no one's private work and no "recent" strip of their own.
    html = people["clients"]["anonymous"].get("/").content.decode()
    assert thumbs(html, "home-recent") is None
    assert published.get_absolute_url() in thumbs(html, "home-shared")
    assert mine_private.get_absolute_url() not in html and strangers_private.get_absolute_url() not in html


def test_unpublished_and_hidden_posts_leave_the_home_page(people, published, hidden):
    published.published_at = None
    published.save()
    html = people["clients"]["anonymous"].get("/").content.decode()
    assert thumbs(html, "home-shared") is None and hidden.get_absolute_url() not in html
    assert len(thumbs(html, "home-styles")) == 9  # styles to try are always there
