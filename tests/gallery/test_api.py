"""What the gallery API does for its user: publish with a title, one like per account, delete removes the files,
newest/most-liked order, kind filter and paging; and the OpenAPI schema stays clean."""
import json

import pytest
from django.utils import timezone

from gallery.models import Creation, CreationKind
from tests.factories import make_creation, make_user

pytestmark = pytest.mark.django_db


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_publish_needs_a_title_and_shares_settings_only_when_asked(people, private):
    owner, anonymous = people["clients"]["owner"], people["clients"]["anonymous"]
    bad = post_json(owner, f"/api/creations/{private.pk}/publish/", {"title": "  "})
    assert bad.status_code == 400 and "title" in bad.json()["title"][0]
    assert post_json(owner, f"/api/creations/{private.pk}/publish/", {"title": "x" * 121}).status_code == 400
    ok = post_json(owner, f"/api/creations/{private.pk}/publish/", {"title": "Dawn"})
    assert ok.status_code == 200 and ok.json()["published"] is True
    post = anonymous.get(f"/api/board/{private.pk}/").json()
    assert post["title"] == "Dawn" and post["author"] == "Owner Artist"
    assert post["settings"] == {} and post["use_prompt_url"] == ""
    post_json(owner, f"/api/creations/{private.pk}/publish/", {"title": "Dawn", "show_settings": True})
    post = anonymous.get(f"/api/board/{private.pk}/").json()
    assert post["settings"]["prompt"] == "a quiet lake at dawn" and "upload_path" not in post["settings"]
    assert post["use_prompt_url"] == "/text2image/?prompt=a+quiet+lake+at+dawn&negative_prompt=people&steps=20"
    assert post["try_style_url"] == f"/style/?style_creation={private.pk}"


def test_publish_in_korean_says_what_is_missing(people, private):
    response = people["clients"]["owner"].post(f"/api/creations/{private.pk}/publish/", "{}",
                                               content_type="application/json", headers={"Accept-Language": "ko"})
    assert response.status_code == 400 and "제목" in response.json()["title"][0]


def test_one_like_per_account_and_unlike(people, published):
    url = f"/api/board/{published.pk}/like/"
    for _ in range(3):
        assert post_json(people["clients"]["other"], url).json() == {"liked": True, "like_count": 1}
    assert post_json(people["clients"]["staff"], url).json()["like_count"] == 2
    assert people["clients"]["other"].delete(url).json() == {"liked": False, "like_count": 1}
    denied = post_json(people["clients"]["anonymous"], url)
    assert denied.status_code == 401 and "Log in" in denied.json()["detail"]
    assert denied["WWW-Authenticate"] == "Bearer"  # how a script authenticates: an API token
    published.refresh_from_db()
    assert published.like_count == 1
    board = people["clients"]["staff"].get("/api/board/").json()["results"]
    assert board[0]["liked"] is True


def test_delete_removes_the_image_and_thumbnail_files(people, private):
    image, thumb = private.image.path, private.thumbnail.path
    import os

    assert os.path.exists(image) and os.path.exists(thumb)
    assert people["clients"]["owner"].delete(f"/api/creations/{private.pk}/").status_code == 204
    assert not Creation.objects.filter(pk=private.pk).exists()
    assert not os.path.exists(image) and not os.path.exists(thumb)


def test_board_orders_by_newest_or_most_liked_filters_and_pages(people, settings):
    settings.IMOGEN_GALLERY_PAGE_SIZE = 2
    now = timezone.now()
    old_popular = make_creation(owner=people["owner"], kind=CreationKind.STYLE, published_at=now - timezone.timedelta(
        days=2), like_count=5)
    middle = make_creation(owner=people["other"], published_at=now - timezone.timedelta(days=1), like_count=1)
    newest = make_creation(owner=people["owner"], published_at=now)
    make_creation(owner=people["owner"])  # private: never on the board
    client = people["clients"]["anonymous"]
    new = client.get("/api/board/").json()
    assert new["count"] == 3 and [p["id"] for p in new["results"]] == [str(newest.pk), str(middle.pk)]
    assert new["next"]
    assert [p["id"] for p in client.get("/api/board/?page=2").json()["results"]] == [str(old_popular.pk)]
    top = client.get("/api/board/?sort=top").json()["results"]
    assert [p["id"] for p in top] == [str(old_popular.pk), str(middle.pk)]
    assert [p["id"] for p in client.get("/api/board/?kind=style").json()["results"]] == [str(old_popular.pk)]
    page = client.get("/gallery/?sort=top").content.decode()
    assert page.index(str(old_popular.pk)) < page.index(str(middle.pk)) and str(newest.pk) not in page
    assert str(newest.pk) in client.get("/gallery/?sort=top&page=2").content.decode()


def test_my_gallery_filters_by_kind_and_pages_newest_first(people, settings):
    settings.IMOGEN_GALLERY_PAGE_SIZE = 2
    owner = people["owner"]
    made = [make_creation(owner=owner, kind=kind, created_at=timezone.now() - timezone.timedelta(minutes=i))
            for i, kind in enumerate([CreationKind.EDIT, CreationKind.STYLE, CreationKind.TEXT2IMAGE])]
    client = people["clients"]["owner"]
    first = client.get("/api/creations/").json()
    assert first["count"] == 3 and [c["id"] for c in first["results"]] == [str(made[0].pk), str(made[1].pk)]
    assert [c["id"] for c in client.get("/api/creations/?kind=style").json()["results"]] == [str(made[1].pk)]
    assert first["results"][0]["edit_url"] == f"/editor/?creation={made[0].pk}"
    page = client.get("/gallery/mine/?kind=edit").content.decode()
    assert str(made[0].pk) in page and str(made[1].pk) not in page
    assert str(made[2].pk) in client.get("/gallery/mine/?page=2").content.decode()


def test_api_schema_is_clean(client):
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    for path in ["/api/creations/", "/api/creations/{id}/", "/api/creations/{id}/publish/",
                 "/api/creations/{id}/unpublish/", "/api/board/", "/api/board/{id}/", "/api/board/{id}/like/",
                 "/api/accounts/login/"]:
        assert path in schema["paths"], path
    assert client.get("/api/schema/").status_code == 200


def test_a_display_name_is_not_a_login(db):
    make_user("a@example.com", "Same Name")
    from django.contrib.auth import authenticate

    assert authenticate(username="Same Name", password="a-long-test-passphrase-42") is None
