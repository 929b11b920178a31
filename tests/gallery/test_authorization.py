"""Who may do what: anonymous visitor, another user, the owner and staff, for every gallery page and endpoint."""
import json

import pytest

from gallery.models import Creation

ACTORS = ["anonymous", "other", "owner", "staff"]


def expect(anonymous, other, owner, staff):
    return {"anonymous": anonymous, "other": other, "owner": owner, "staff": staff}


ALL_200 = expect(200, 200, 200, 200)
OWNER_ONLY_200 = expect(404, 404, 200, 404)

# (what, method, url, target creation fixture, expected status per actor)
MATRIX = [
    ("board page", "get", "/gallery/", None, ALL_200),
    ("board page, most liked", "get", "/gallery/?sort=top&kind=text2image&page=9", None, ALL_200),
    ("my gallery page", "get", "/gallery/mine/", None, ALL_200),
    ("private creation page by its link", "get", "/gallery/c/{id}/", "private", ALL_200),
    ("published post page", "get", "/gallery/c/{id}/", "published", ALL_200),
    ("post hidden by staff", "get", "/gallery/c/{id}/", "hidden", expect(404, 404, 200, 200)),
    ("API: my creations", "get", "/api/creations/", None, ALL_200),
    ("API: one private creation", "get", "/api/creations/{id}/", "private", OWNER_ONLY_200),
    ("API: delete", "delete", "/api/creations/{id}/", "private", expect(404, 404, 204, 404)),
    ("API: publish", "post", "/api/creations/{id}/publish/", "private", OWNER_ONLY_200),
    ("API: unpublish", "post", "/api/creations/{id}/unpublish/", "published", OWNER_ONLY_200),
    ("API: board", "get", "/api/board/", None, ALL_200),
    ("API: board post", "get", "/api/board/{id}/", "published", ALL_200),
    ("API: board post that is private", "get", "/api/board/{id}/", "private", expect(404, 404, 404, 404)),
    ("API: board post hidden by staff", "get", "/api/board/{id}/", "hidden", expect(404, 404, 404, 404)),
    # Not logged in: 401 with `WWW-Authenticate: Bearer` (the API's own scheme, an API token; or log in).
    ("API: like", "post", "/api/board/{id}/like/", "published", expect(401, 200, 403, 200)),  # nobody likes their own post (issue 17)
    ("API: unlike", "delete", "/api/board/{id}/like/", "published", expect(401, 200, 200, 200)),
    ("API: like a private creation", "post", "/api/board/{id}/like/", "private", expect(401, 404, 404, 404)),
    ("account page", "get", "/accounts/", None, expect(302, 200, 200, 200)),
    ("change password page", "get", "/accounts/password/change/", None, expect(302, 200, 200, 200)),
    ("sign-up page", "get", "/accounts/signup/", None, expect(200, 302, 302, 302)),
    ("log-in page", "get", "/accounts/login/", None, expect(200, 302, 302, 302)),
    ("password reset page", "get", "/accounts/password/reset/", None, ALL_200),
    ("admin: creations", "get", "/admin/gallery/creation/", None, expect(302, 302, 302, 200)),
    ("admin: one creation", "get", "/admin/gallery/creation/{id}/change/", "published", expect(302, 302, 302, 200)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("what,method,url,target,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_authorisation_matrix(request, people, actor, what, method, url, target, expected):
    creation = request.getfixturevalue(target) if target else None
    client = people["clients"][actor]
    body = json.dumps({"title": "My lake"}) if method == "post" else None
    response = getattr(client, method)(url.format(id=creation.pk if creation else ""), data=body,
                                       content_type="application/json") if body else \
        getattr(client, method)(url.format(id=creation.pk if creation else ""))
    assert response.status_code == expected[actor], f"{what} as {actor}: {response.status_code}"
    if response.status_code >= 400 and url.startswith("/api/"):
        assert response.json()["detail"], "API errors carry a message"
    if creation is not None and response.status_code == 404:
        assert Creation.objects.filter(pk=creation.pk).exists(), "a refused request changed nothing"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("url", ["/gallery/mine/", "/api/creations/", "/gallery/", "/api/board/",
                                 "/gallery/?sort=top", "/api/board/?sort=top"])
def test_lists_never_show_someone_elses_private_creations(people, private, published, hidden, actor, url):
    body = people["clients"][actor].get(url).content.decode()
    is_mine_list = "board" not in url and url != "/gallery/" and not url.startswith("/gallery/?")
    assert (str(private.pk) in body) == (is_mine_list and actor == "owner")
    assert (str(hidden.pk) in body) == (is_mine_list and actor == "owner"), "hidden posts leave the board"
    assert (str(published.pk) in body) == (not is_mine_list or actor == "owner")
    assert "owner@example.com" not in body, "emails are never shown"


def test_only_the_owner_gets_the_tools_on_a_creation_page(people, private):
    url = f"/gallery/c/{private.pk}/"
    owner_page = people["clients"]["owner"].get(url).content.decode()
    assert 'id="publish-form"' in owner_page and 'data-action="delete"' in owner_page
    assert f"/editor/?creation={private.pk}" in owner_page
    for actor in ("anonymous", "other", "staff"):
        page = people["clients"][actor].get(url)
        text = page.content.decode()
        assert private.image_url in text, "the emailed link shows the picture"
        assert 'id="publish-form"' not in text and 'data-action="delete"' not in text
        assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_staff_hide_a_post_in_the_admin_and_it_leaves_the_board(people, published):
    staff = people["clients"]["staff"]
    assert str(published.pk) in people["clients"]["anonymous"].get("/gallery/").content.decode()
    response = staff.post("/admin/gallery/creation/", {"action": "hide", "_selected_action": [str(published.pk)]})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.is_hidden
    assert str(published.pk) not in people["clients"]["anonymous"].get("/gallery/").content.decode()
    assert people["clients"]["other"].get(f"/api/board/{published.pk}/").status_code == 404
    mine = people["clients"]["owner"].get("/gallery/mine/").content.decode()
    assert str(published.pk) in mine and "Hidden by moderators" in mine
    # Someone who is not staff cannot do it.
    other = people["clients"]["other"]
    other.post("/admin/gallery/creation/", {"action": "unhide", "_selected_action": [str(published.pk)]})
    published.refresh_from_db()
    assert published.is_hidden


def test_anonymous_sessions_own_their_creations_but_need_an_account_to_publish(client, people):
    from tests.factories import make_creation

    client.get("/gallery/mine/")
    key = client.session.session_key
    mine = make_creation(session_key=key)
    strangers = make_creation(session_key="someone-elses-session-key")
    listed = client.get("/api/creations/").json()
    assert [item["id"] for item in listed["results"]] == [str(mine.pk)]
    assert client.get(f"/api/creations/{strangers.pk}/").status_code == 404
    response = client.post(f"/api/creations/{mine.pk}/publish/", {"title": "Mine"}, content_type="application/json")
    assert response.status_code == 403
    assert "account" in response.json()["detail"]
    assert client.delete(f"/api/creations/{mine.pk}/").status_code == 204
    assert client.delete(f"/api/creations/{strangers.pk}/").status_code == 404
