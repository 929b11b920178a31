"""The editor's output size with the framing chooser, in headless Chromium: the frame is dragged with the mouse,
the download has the chosen size and shows the chosen part, and Share's server rendering shows the same part."""
import io

import pytest
from PIL import Image

from gallery.models import Creation
from tests.conftest import screenshot, wait_in_page
from tests.styletransfer.test_framing import nearest_quadrant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choose_a_square_drag_the_frame_right_download_and_share(page, tmp_path):
    picture = Image.new("RGB", (256, 128), (220, 40, 40))  # left half red ("top-left" colour)
    picture.paste((40, 60, 220), (128, 0, 256, 128))  # right half blue ("top-right" colour)
    path = tmp_path / "halves.png"
    picture.save(path)
    page.goto("/editor/")
    page.locator("#editor-file").set_input_files(str(path))
    wait_in_page(page, "!document.getElementById('editor-download').disabled")
    page.select_option("#editor-size", "square")
    frame = page.locator("#editor-framing .framing-box")
    frame.wait_for(state="visible")
    frame.scroll_into_view_if_needed()
    stage = page.locator("#editor-framing .framing-stage").bounding_box()
    box = frame.bounding_box()
    assert abs(box["width"] - stage["width"] / 2) < 2 and abs(box["height"] - stage["height"]) < 2  # centred
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + stage["width"], box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    moved = frame.bounding_box()
    assert abs(moved["x"] + moved["width"] - (stage["x"] + stage["width"])) < 2  # at the right edge
    screenshot(page, "editor-output-size")
    with page.expect_download() as info:
        page.locator("#editor-download").click()
    download = info.value
    assert download.suggested_filename.endswith("-2048x2048.png")
    image = Image.open(io.BytesIO(open(download.path(), "rb").read())).convert("RGB")
    assert image.size == (2048, 2048) and nearest_quadrant(image) == "top-right"  # blue: the right half
    page.locator("#editor-share").click()
    page.wait_for_url("**/gallery/c/*/", timeout=30000)
    creation = Creation.objects.get(kind="edit")
    with creation.image.open("rb") as handle:
        rendered = Image.open(io.BytesIO(handle.read())).convert("RGB")
    assert rendered.size == (2048, 2048) and nearest_quadrant(rendered) == "top-right"
    assert creation.metadata["source"]["type"] == "upload"
