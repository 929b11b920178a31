"""One PNG metadata format for every feature: the settings as JSON in one `imogen` iTXt chunk, and A1111's
`parameters` text; "run again" reads the JSON back from any picture."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.pngmeta import png_info, read_metadata
from core.uploads import encode_image
from gallery.models import Creation
from tests.conftest import image_bytes


def test_written_settings_read_back_with_a1111_parameters():
    meta = {"prompt": "밤하늘 아래 산", "seed": 42, "nested": {"a": 1}}
    data = encode_image(Image.new("RGB", (8, 8)), "PNG",
                        png_info("Imogen test", meta, prompt=meta["prompt"], negative_prompt="구름",
                                 settings={"Seed": 42, "Size": "8x8"}))
    png = Image.open(io.BytesIO(data))
    assert read_metadata(data) == meta and read_metadata(png) == meta
    assert png.text["parameters"] == "밤하늘 아래 산\nNegative prompt: 구름\nSeed: 42, Size: 8x8"
    assert set(png.text) == {"Software", "imogen", "parameters"}
    assert read_metadata(encode_image(Image.new("RGB", (8, 8)), "PNG")) == {}


@pytest.mark.django_db
def test_an_edited_picture_carries_the_same_format(client):
    file = SimpleUploadedFile("holiday.png", image_bytes("PNG", size=(32, 24)))
    body = client.post("/api/editor/renders/", {"image": file, "sepia": "0.4"}).json()
    with Creation.objects.get(pk=body["id"]).image.open("rb") as handle:
        png = Image.open(io.BytesIO(handle.read()))
    assert read_metadata(png)["filters"] == {"sepia": 0.4}
    assert png.text["parameters"].endswith("Filter: sepia(0.4), Size: 32x24")
