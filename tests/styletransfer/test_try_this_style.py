"""'Try this style' links from the board preselect the style on the create page."""
import pytest
from django.utils import timezone
from PIL import Image

from gallery.models import Creation

pytestmark = pytest.mark.django_db


def test_style_sample_link_preselects_that_sample(client):
    from styletransfer import samples

    wanted = samples.by_kind("style")[3]
    html = client.get("/style/", {"style_sample": wanted.id}).content.decode()
    assert f'class="st-sample selected" data-sample-id="{wanted.id}"' in html


def test_unknown_sample_falls_back_to_the_default(client):
    response = client.get("/style/", {"style_sample": "no-such-style"})
    assert response.status_code == 200 and "data-preload-url" not in response.content.decode()


def published_creation(**fields):
    creation = Creation.objects.create_from_image(Image.new("RGB", (40, 30), "purple"), kind="style",
                                                  session_key="someone-else", **fields)
    return creation


def test_published_creation_becomes_the_style_image(client):
    creation = published_creation()
    Creation.objects.filter(pk=creation.pk).update(published_at=timezone.now())
    html = client.get("/style/", {"style_creation": str(creation.pk)}).content.decode()
    assert f'data-preload-url="{creation.image_url}"' in html


def test_someone_elses_private_creation_is_not_offered(client):
    creation = published_creation()
    html = client.get("/style/", {"style_creation": str(creation.pk)}).content.decode()
    assert "data-preload-url" not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_try_this_style_loads_the_picture_into_the_style_picker(page):
    creation = published_creation()
    Creation.objects.filter(pk=creation.pk).update(published_at=timezone.now())
    page.goto(f"/style/?style_creation={creation.pk}")
    style = page.locator('.st-picker[data-side="style"]')
    style.locator(".st-drop.has-file").wait_for()
    assert style.locator(".st-chosen-title").inner_text() == creation.file_name
