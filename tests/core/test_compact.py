"""core.compact: an upload is kept as the bytes received minus their metadata, decoding to the very same pixels.

Each kind of file a phone or a browser sends: JPEG with EXIF (GPS, orientation, thumbnail), XMP, ICC, comments and
appended frames; CMYK, progressive and greyscale JPEGs; PNGs with text, eXIf orientation, a palette with
transparency, 16 bits; WebP lossy and lossless; HEIC and animations, which are re-encoded within the byte budget."""
import io

import numpy as np
import pillow_heif
import pytest
from PIL import Image

from core.compact import KEEP_FACTOR, compact
from core.uploads import read_image

SECRET = b"GPS-secret-47.6N"


def noise(size=(96, 64), mode="RGB", seed=0):
    rng = np.random.default_rng(seed)
    channels = {"RGB": 3, "RGBA": 4, "CMYK": 4}.get(mode)
    shape = (size[1], size[0], channels) if channels else (size[1], size[0])
    return Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode)


def exif(orientation=None):
    data = Image.Exif()
    data[0x010E] = SECRET.decode()  # ImageDescription: stands for any private text
    gps = data.get_ifd(0x8825)
    gps[2] = (47.0, 36.0, 0.0)
    if orientation:
        data[0x0112] = orientation
    return data.tobytes()


def encoded(image, fmt, **params):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description tiff:Orientation="8" ' \
      b'xmlns:tiff="http://ns.adobe.com/tiff/1.0/"/><secret>' + SECRET + b"</secret></rdf:RDF></x:xmpmeta>"
FAKE_ICC = b"\x00\x00\x01\x00" + SECRET + b"\x00" * 100


def jpeg_with_everything():
    data = encoded(noise(), "JPEG", quality=90, exif=exif(6), icc_profile=FAKE_ICC, comment=SECRET)
    return data + encoded(noise(seed=9), "JPEG")  # an appended file, as an MPO's second frame or a zip would be


def png_with_text_and_orientation():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return encoded(noise(), "PNG", pnginfo=info, exif=exif(3)) + b"trailing " + SECRET


def palette_png_with_transparency():
    image = noise().convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    return encoded(image, "PNG", transparency=5)


CASES = {
    "jpeg: exif gps orientation icc comment appended": (jpeg_with_everything, "jpg"),
    "jpeg: xmp orientation only": (lambda: encoded(noise(), "JPEG", xmp=XMP), "jpg"),
    "jpeg: cmyk (adobe marker)": (lambda: encoded(noise(mode="CMYK"), "JPEG", quality=90), "jpg"),
    "jpeg: progressive with restarts": (lambda: encoded(noise(), "JPEG", progressive=True, restart_marker_blocks=2,
                                                        exif=exif(5)), "jpg"),
    "jpeg: greyscale": (lambda: encoded(noise().convert("L"), "JPEG", exif=exif(8)), "jpg"),
    "png: text, xmp, exif orientation, trailing bytes": (png_with_text_and_orientation, "png"),
    "png: palette with transparency": (palette_png_with_transparency, "png"),
    "png: 16-bit greyscale": (lambda: encoded(Image.fromarray(
        np.random.default_rng(3).integers(0, 65535, (64, 96), dtype=np.uint16)).convert("I;16"), "PNG"), "png"),
    "webp: lossy with exif orientation and icc": (lambda: encoded(noise(), "WEBP", quality=80, exif=exif(6),
                                                                  icc_profile=FAKE_ICC, xmp=XMP), "webp"),
    "webp: lossless with alpha": (lambda: encoded(noise(mode="RGBA"), "WEBP", lossless=True, exif=exif()), "webp"),
}


@pytest.mark.parametrize("name", CASES)
def test_kept_bytes_decode_to_the_same_pixels_without_metadata_and_no_larger(name):
    make, extension = CASES[name]
    received = make()
    clean = read_image(received)
    kept, kept_extension = compact(clean)
    assert kept_extension == extension
    assert len(kept) <= len(received)
    assert SECRET not in kept and b"GPS" not in kept and b"xmpmeta" not in kept
    again = read_image(kept)
    assert again.size == clean.size
    assert np.array_equal(np.asarray(again.image), np.asarray(clean.image))
    assert compact(again) == (kept, extension)  # Remix and Run again keep the very same bytes once more


def test_heic_and_animations_are_encoded_within_the_budget():
    pillow_heif.register_heif_opener()
    # A photo-like picture: smooth gradients with a little grain.
    ramps = np.indices((480, 640)).sum(axis=0) // 5
    grain = np.asarray(noise((640, 480)), dtype=int) // 8
    photo = Image.fromarray(np.clip(ramps[..., None] + grain, 0, 255).astype(np.uint8))
    heic = encoded(photo, "HEIF", quality=60, exif=exif(6))
    clean = read_image(heic)
    kept, extension = compact(clean)
    assert extension == "jpg" and len(kept) <= max(KEEP_FACTOR * len(heic), 256 * 1024) and SECRET not in kept
    again = read_image(kept)
    assert again.size == clean.size == (480, 640)  # upright: the orientation was applied before encoding
    assert np.abs(np.asarray(again.image, dtype=int) - np.asarray(clean.image, dtype=int)).mean() < 4

    frames = [noise(seed=s) for s in range(3)]
    animated = encoded(frames[0], "PNG", save_all=True, append_images=frames[1:])
    clean = read_image(animated)
    kept, extension = compact(clean)
    assert clean.frames == 3 and extension == "png"
    assert np.array_equal(np.asarray(read_image(kept).image), np.asarray(frames[0]))
