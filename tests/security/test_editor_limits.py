"""Item 2 of issue 15: the editor's server render and the upload check could fill the disk and hold the web
server (one 40 MP upload, then ~300-byte requests that each stored 111 MB). Against the live app."""
import pytest
from PIL import Image

from gallery.models import Creation
from tests.conftest import image_bytes
from tests.security.conftest import session_of, spoofed

pytestmark = pytest.mark.django_db(transaction=True)


def own_creation(http, size=(64, 48)):
    http.get("/api/csrf/")
    return Creation.objects.create_from_image(Image.new("RGB", size, "teal"), kind="edit", session_key=session_of(http))


def test_server_renders_are_rate_limited(http, rates):
    rates("renders", "2/hour")
    creation = own_creation(http)
    answers = [http.post("/api/editor/renders/", data={"creation": str(creation.pk), "format": "png",
                                                        "brightness": "1.2"}, headers=spoofed()).status_code
               for _ in range(3)]
    assert answers == [201, 201, 429]


def test_upload_checks_are_rate_limited(http, rates):
    rates("inspect", "2/hour")
    answers = [http.post("/api/uploads/inspect/", files={"image": ("a.png", image_bytes(), "image/png")},
                         headers=spoofed()).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
