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


def test_a_full_storage_quota_refuses_new_work_in_plain_words(http, settings, broker):
    settings.IMOGEN_STORAGE_QUOTA_ANONYMOUS_MB = 1
    creation = own_creation(http)
    Creation.objects.filter(pk=creation.pk).update(byte_size=2 * 2**20)  # as if a big render were stored
    response = http.post("/api/editor/renders/", data={"creation": str(creation.pk), "brightness": "1.2"})
    assert response.status_code == 403, response.text
    words = response.json()["detail"]
    assert "storage is full" in words and "2.0 MB of the 1.0 MB" in words and "Delete some" in words, words
    from styletransfer import samples

    job = http.post("/api/style-transfer/jobs/", data={
        "content_sample": samples.by_kind("content")[0].id, "style_sample": samples.by_kind("style")[0].id,
        "preset": "preview", "width": 64, "height": 64})
    assert job.status_code == 403 and "storage is full" in job.json()["detail"]
    assert Creation.objects.count() == 1
    # Deleting makes room again.
    Creation.objects.filter(pk=creation.pk).update(byte_size=1000)
    assert http.post("/api/editor/renders/", data={"creation": str(creation.pk)}).status_code == 201


def test_renders_take_turns_and_a_busy_server_says_so(http, settings):
    """4 renders at once held gunicorn at 3.6 GB: a process renders IMOGEN_EDITOR_RENDERS_PER_PROCESS at a time."""
    from editor.api_views import render_turn

    settings.IMOGEN_EDITOR_RENDER_WAIT_SECONDS = 0.2
    creation = own_creation(http)
    with render_turn():  # another request is rendering in this process
        response = http.post("/api/editor/renders/", data={"creation": str(creation.pk)})
        assert response.status_code == 429 and "busy" in response.json()["detail"]
        assert int(response.headers["Retry-After"]) > 0
    assert http.post("/api/editor/renders/", data={"creation": str(creation.pk)}).status_code == 201


def test_huge_sources_are_refused_without_being_rendered(http):
    """The attack's 39.9 MP upload took 18 s and stored 111 MB per request; above 16 MP (the default) it is now a
    400 that points to Download, for an upload and for a creation alike."""
    import io

    buffer = io.BytesIO()
    Image.new("L", (8000, 4990)).save(buffer, "PNG")
    response = http.post("/api/editor/renders/", files={"image": ("big.png", buffer.getvalue(), "image/png")},
                         data={"format": "png"})
    assert response.status_code == 400 and "Download" in response.json()["image"][0], response.text
    http.get("/api/csrf/")
    huge = Creation.objects.create(kind="edit", image="edit/none.png", width=8000, height=4990,
                                   session_key=session_of(http))
    response = http.post("/api/editor/renders/", data={"creation": str(huge.pk), "format": "png"})
    assert response.status_code == 400 and "8000×4990" in response.json()["creation"][0], response.text
    assert Creation.objects.count() == 1


def test_a_tiny_truncated_jpeg_that_declares_36_megapixels_is_refused(http):
    """The attack's 631-byte JPEG declaring 6000×6000 was accepted and decoded to 36 MP. Refusing truncated files
    is core.uploads' (issue 16); this checks both endpoints of item 2 against the live app."""
    import io

    buffer = io.BytesIO()
    Image.new("L", (6000, 6000)).save(buffer, "JPEG", quality=50)
    stub = buffer.getvalue()[:631]
    for path in ("/api/uploads/inspect/", "/api/editor/renders/"):
        response = http.post(path, files={"image": ("tiny.jpg", stub, "image/jpeg")})
        assert response.status_code == 400, (path, response.text)
    assert Creation.objects.count() == 0
