"""The editor's output size and framing on the server render: `width`+`height` and the `crop` box the page's
chooser picked are honoured (measured on the stored result); bad boxes are refused with words."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gallery.models import Creation
from tests.styletransfer.test_framing import nearest_quadrant, quadrants

URL = "/api/editor/renders/"
pytestmark = pytest.mark.django_db


def render(client, **data):
    buffer = io.BytesIO()
    quadrants(256, 128).save(buffer, "PNG")
    return client.post(URL, {"image": SimpleUploadedFile("four.png", buffer.getvalue()), **data})


def result(response):
    with Creation.objects.get(pk=response.json()["id"]).image.open("rb") as handle:
        return Image.open(io.BytesIO(handle.read())).convert("RGB")


@pytest.mark.parametrize("box,expected", [('{"x": 128, "y": 0, "width": 128, "height": 64}', "top-right"),
                                          ('{"x": 0, "y": 64, "width": 128, "height": 64}', "bottom-left")])
def test_the_chosen_part_at_the_chosen_size(client, box, expected):
    response = render(client, width="90", height="45", crop=box)
    assert response.status_code == 201, response.content
    image = result(response)
    assert image.size == (90, 45) and nearest_quadrant(image) == expected


def test_a_size_alone_takes_the_centre_and_a_box_alone_keeps_its_pixels(client):
    image = result(render(client, width="64", height="128"))  # tall from a wide picture: the middle column
    assert image.size == (64, 128)
    assert nearest_quadrant(image.crop((0, 0, 32, 64))) == "top-left"
    assert nearest_quadrant(image.crop((32, 0, 64, 64))) == "top-right"
    image = result(render(client, crop='{"x": 0, "y": 0, "width": 100, "height": 50}'))
    assert image.size == (100, 50) and nearest_quadrant(image) == "top-left"


@pytest.mark.parametrize("data,field,words", [
    ({"crop": '{"x": 200, "y": 0, "width": 128, "height": 64}'}, "crop", "inside the photo, which is 256×128"),
    ({"crop": '{"x": 0, "y": 0, "width": 8, "height": 64}'}, "crop", "at least 32"),
    ({"crop": "[1, 2]"}, "crop", "JSON object"),
    ({"width": "640"}, "width", "both width and height"),
])
def test_bad_sizes_and_boxes_are_refused(client, data, field, words):
    response = render(client, **data)
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not Creation.objects.exists()
