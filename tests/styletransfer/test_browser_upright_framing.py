"""Issue 21, item 14, in headless Chromium: the framing chooser shows every accepted format upright, as the server
reads it, so the part chosen is the part painted.

A WebP with EXIF orientation 6 showed sideways in the chooser (Chromium ignores a WebP's orientation in <img> and
createImageBitmap; measured, Chromium 156) while the server read it upright, so the box landed on the wrong part;
a HEIC could not be framed at all (Chromium cannot decode it; centre crop only). Kept with the other browser tests
of the create page (tests/styletransfer/), not in tests/security/."""
import io

import pytest
from PIL import Image, ImageOps

from gallery.models import Creation
from tests.conftest import screenshot, wait_in_page

from .test_browser_phone_photos import frame_for_64x32, paint_the_bottom_quarter, thumb_colour
from .test_framing import QUADRANTS, nearest_quadrant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_engine(settings, tmp_path):
    settings.IMOGEN_TORCH_THREADS = 1
    settings.IMOGEN_STYLE_PROGRESS_SECONDS = 30
    settings.MEDIA_ROOT = str(tmp_path / "media")


def upright_photo():
    """200×400 upright: the top half in the "top-left" colour, the bottom half in the "top-right" one."""
    photo = Image.new("RGB", (200, 400), QUADRANTS["top-left"])
    photo.paste(QUADRANTS["top-right"], (0, 200, 200, 400))
    return photo


def stored_sideways(fmt, **kwargs):
    """The photo as a phone stores it: pixels turned a quarter left, EXIF orientation 6 (turn right to view)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    upright_photo().transpose(Image.Transpose.ROTATE_90).save(buffer, fmt, exif=exif.tobytes(), **kwargs)
    data = buffer.getvalue()
    assert ImageOps.exif_transpose(Image.open(io.BytesIO(data))).size == (200, 400)  # upright for the server
    return data


FILES = {
    "webp-exif-6": ("heron.webp", "image/webp", lambda: stored_sideways("WEBP", lossless=True)),
    "heic": ("IMG_0001.HEIC", "image/heic", lambda: stored_sideways("HEIF", quality=90)),
}


@pytest.mark.parametrize("kind", list(FILES))
def test_the_chooser_frames_the_photo_upright_and_the_result_shows_the_chosen_part(page, broker, kind):
    name, mime, make = FILES[kind]
    asked_server = []
    page.on("request", lambda r: asked_server.append(r.url) if "/api/uploads/inspect/" in r.url else None)
    page.goto("/style/")
    picker = page.locator(".st-picker[data-side=content]")
    picker.get_by_role("tab", name="Upload").click()
    picker.locator("input[type=file]").set_input_files({"name": name, "mimeType": mime, "buffer": make()})
    frame = frame_for_64x32(page)
    wait_in_page(page, "() => document.querySelector('.framing-image').naturalWidth > 0")
    # Upright: the stage is twice as tall as wide, red above blue, and the frame (2:1) is centred on the middle.
    shown = page.evaluate("""() => { const i = document.querySelector('.framing-image');
        return [i.naturalWidth, i.naturalHeight]; }""")
    assert shown[1] == 2 * shown[0], shown
    stage = page.locator(".framing-stage").bounding_box()
    assert abs(stage["height"] - 2 * stage["width"]) < 3, stage
    assert picker.locator("[data-note-for=content]").inner_text() == ""  # not "this browser cannot show it"
    # The WebP is turned in the page; only the HEIC, which Chromium cannot decode, is previewed by the server.
    assert len(asked_server) == (1 if kind == "heic" else 0), asked_server
    frame.scroll_into_view_if_needed()
    stage, box = page.locator(".framing-stage").bounding_box(), frame.bounding_box()
    assert abs(box["height"] - stage["height"] / 4) < 2 and abs(box["y"] - stage["y"] - 3 * stage["height"] / 8) < 2

    # Dragged down past the bottom edge: the bottom quarter, all blue.
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + stage["height"], steps=8)
    page.mouse.up()
    red, _green, blue = thumb_colour(page)
    assert blue > 150 and red < 100, (red, blue)
    screenshot(page, f"style-framing-upright-{kind}")
    paint_the_bottom_quarter(page, "Paint my wallpaper")


def corners(image):
    w, h = image.size
    return [image.getpixel(p)[:3] for p in ((2, 2), (w - 3, 2), (2, h - 3), (w - 3, h - 3))]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_webp_orientation_is_turned_upright_as_the_server_turns_it(page, orientation):
    """The four corners of what imogenFraming.upright gives, against Pillow's exif_transpose (what the server uses)."""
    stored = Image.new("RGB", (60, 30), QUADRANTS["top-left"])
    for color, place in zip(list(QUADRANTS.values())[1:], ((30, 0, 60, 15), (0, 15, 30, 30), (30, 15, 60, 30))):
        stored.paste(color, place)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, "WEBP", lossless=True, exif=exif.tobytes())
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(buffer.getvalue())))
    page.goto("/style/")
    got = page.evaluate("""async (bytes) => {
        const file = new File([new Uint8Array(bytes)], "p.webp", {type: "image/webp"});
        const picture = await imogenFraming.upright(file, "");
        const c = document.createElement("canvas");
        c.width = picture.width; c.height = picture.height;
        const ctx = c.getContext("2d");
        ctx.drawImage(picture.bitmap, 0, 0);
        const at = (x, y) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
        const w = c.width, h = c.height;
        return {size: [w, h], corners: [at(2, 2), at(w - 3, 2), at(2, h - 3), at(w - 3, h - 3)]};
    }""", list(buffer.getvalue()))
    assert tuple(got["size"]) == expected.size
    for have, want in zip(got["corners"], corners(expected)):
        assert max(abs(a - b) for a, b in zip(have, want)) < 8, (got["corners"], corners(expected))


def test_the_editor_opens_a_sideways_webp_upright_and_download_and_share_show_the_chosen_part(page):
    """The editor shares the chooser: its preview, download and server render all use the upright picture."""
    upright = Image.new("RGB", (256, 128), QUADRANTS["top-left"])
    upright.paste(QUADRANTS["top-right"], (128, 0, 256, 128))  # right half blue
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(buffer, "WEBP", lossless=True, exif=exif.tobytes())
    page.goto("/editor/")
    page.locator("#editor-file").set_input_files({"name": "sideways.webp", "mimeType": "image/webp",
                                                  "buffer": buffer.getvalue()})
    wait_in_page(page, "!document.getElementById('editor-download').disabled")
    assert page.evaluate("() => document.querySelector('#editor-preview').naturalWidth") == 256
    page.select_option("#editor-size", "square")
    frame = page.locator("#editor-framing .framing-box")
    frame.wait_for(state="visible")
    frame.scroll_into_view_if_needed()
    stage, box = page.locator("#editor-framing .framing-stage").bounding_box(), frame.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + stage["width"], box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    with page.expect_download() as info:
        page.locator("#editor-download").click()
    image = Image.open(io.BytesIO(open(info.value.path(), "rb").read())).convert("RGB")
    assert nearest_quadrant(image) == "top-right"  # blue: the right half of the upright picture
    page.locator("#editor-share").click()
    page.wait_for_url("**/gallery/c/*/", timeout=30000)
    with Creation.objects.get(kind="edit").image.open("rb") as handle:
        assert nearest_quadrant(Image.open(io.BytesIO(handle.read())).convert("RGB")) == "top-right"
