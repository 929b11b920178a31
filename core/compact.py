"""How an upload is kept (docs/uploads.md, "Stored format"): the bytes received, without their metadata.

A JPEG, PNG or still WebP is stored as the very file that came in, minus every segment or chunk that does not
change a pixel (EXIF with GPS and its embedded thumbnail, XMP, ICC, IPTC, comments, text chunks, anything after the
image's end). Its orientation, which does change what `core.uploads.read_image` makes of it, travels on as a
one-tag EXIF. Decoding the kept file therefore gives exactly the pixels the original gave, it is never larger than
what was received, and nothing is encoded on the web server: the 7.8 MB JPEG of issue 21 is kept as 7.8 MB, not as
a 115 MB PNG after 5 s of CPU.

Everything else (HEIC/HEIF, AVIF, animations, a file the walk does not understand) is encoded from the decoded
image: a PNG that came in as a PNG (lossless in, lossless kept), else a JPEG whose quality steps down until it
weighs at most KEEP_FACTOR times the bytes received. Remix and Run again copy the kept bytes, so every job made
from them decodes the same pixels.
"""
import io
import struct
import zlib

from PIL import Image

# A re-encoded upload may weigh this many times the bytes received (the floor lets tiny files stay sharp).
KEEP_FACTOR = 2
KEEP_FLOOR_BYTES = 256 * 1024
JPEG_QUALITIES = (92, 80, 65, 50, 35)

ORIENTATION = 0x0112
# JPEG segments that change how the pixels decode: APP0 (JFIF: the colour space is YCbCr) and APP14 (Adobe: the
# colour transform of CMYK and YCCK files). Every other APPn and COM is metadata.
JPEG_APP_KEPT = {0xE0, 0xEE}
# PNG chunks that make the pixels: the header, palette, transparency (composited on white) and the data.
PNG_KEPT = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
WEBP_KEPT = {b"VP8X", b"ALPH", b"VP8 ", b"VP8L"}
WEBP_METADATA_FLAGS = 0x20 | 0x08 | 0x04  # ICC, EXIF, XMP
WEBP_EXIF_FLAG, WEBP_ANIMATION_FLAG = 0x08, 0x02


def orientation_of(data):
    """The EXIF (or XMP) orientation `read_image` applies to these bytes (1 when none), from the header only."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            value = image.getexif().get(ORIENTATION, 1)
    except Exception:  # noqa: BLE001  (the file was read once already; an odd header just means no rotation)
        return 1
    return value if value in range(1, 9) else 1


def orientation_exif(orientation):
    """A TIFF block with one tag, the orientation (b"" for 1: nothing to say)."""
    if orientation == 1:
        return b""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif.tobytes()[6:]  # without the b"Exif\0\0" that only JPEG's APP1 carries


def strip_jpeg(data, orientation=1):
    """The JPEG without metadata segments and without what follows its end (MPO frames, appended files); None if
    its structure is not the one expected (then it is re-encoded)."""
    out, pos = [b"\xff\xd8"], 2
    tiff = orientation_exif(orientation)
    if tiff:
        payload = b"Exif\x00\x00" + tiff
        out.append(b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload)
    while pos + 1 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7 or pos + 4 > len(data):
            return None
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        end = pos + 2 + length
        if length < 2 or end > len(data):
            return None
        metadata = (0xE0 <= marker <= 0xEF and marker not in JPEG_APP_KEPT) or marker == 0xFE
        if not metadata:
            out.append(data[pos:end])
        pos = end
        if marker == 0xDA:  # entropy-coded data: up to the next marker that is neither stuffing nor a restart
            scan = pos
            while True:
                scan = data.find(b"\xff", scan)
                if scan < 0 or scan + 1 >= len(data):
                    return None
                following = data[scan + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    scan += 2
                elif following == 0xFF:
                    scan += 1
                else:
                    break
            out.append(data[pos:scan])
            pos = scan
    return None


def _png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def strip_png(data, orientation=1):
    """The PNG with only the chunks that make its pixels (up to IEND), the orientation as a one-tag eXIf."""
    out, pos = [data[:8]], 8
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if end > len(data):
            return None
        if kind == b"acTL":
            return None  # an APNG, even of one frame: which image Pillow shows first depends on chunks dropped here
        if kind in PNG_KEPT:
            out.append(data[pos:end])
        if kind == b"IHDR" and orientation != 1:
            out.append(_png_chunk(b"eXIf", orientation_exif(orientation)))
        if kind == b"IEND":
            return b"".join(out)
        pos = end
    return None


def strip_webp(data, orientation=1):
    """A still WebP without its ICC, EXIF and XMP chunks (flags cleared), the orientation as a one-tag EXIF."""
    if len(data) < 20 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    riff_end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    chunks, pos, extended = [], 12, None
    while pos + 8 <= riff_end:
        kind, length = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        end = pos + 8 + length + (length & 1)
        if pos + 8 + length > riff_end:
            return None
        if kind == b"VP8X":
            extended = len(chunks)
        if kind in WEBP_KEPT:
            chunks.append(bytearray(data[pos:min(end, riff_end)]))
        pos = end
    if extended is not None:
        flags = chunks[extended][8]
        if flags & WEBP_ANIMATION_FLAG:
            return None
        chunks[extended][8] = flags & ~WEBP_METADATA_FLAGS
    tiff = orientation_exif(orientation)
    if tiff:
        if extended is None:
            return None  # a simple WebP has no room for EXIF: re-encoded instead (rare: WebP rarely rotates)
        chunks[extended][8] |= WEBP_EXIF_FLAG
        chunks.append(bytearray(b"EXIF" + struct.pack("<I", len(tiff)) + tiff + b"\x00" * (len(tiff) & 1)))
    body = b"WEBP" + b"".join(bytes(chunk) for chunk in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


STRIPPERS = {"JPEG": (strip_jpeg, "jpg"), "PNG": (strip_png, "png"), "WEBP": (strip_webp, "webp")}


def encoded(image, received_bytes, lossless):
    """(bytes, extension) of a decoded upload: a PNG when it came in lossless, else the best JPEG within budget."""
    if lossless:
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=6)
        return buffer.getvalue(), "png"
    budget = max(KEEP_FACTOR * received_bytes, KEEP_FLOOR_BYTES)
    data = b""
    for quality in JPEG_QUALITIES:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, subsampling=0 if quality >= 90 else 2)
        data = buffer.getvalue()
        if len(data) <= budget:
            break
    return data, "jpg"


def compact(clean):
    """(bytes, extension) to keep for a `core.uploads.CleanImage`: see the module's doc."""
    source = clean.source
    stripper = STRIPPERS.get(clean.format)
    animated = clean.frames > 1 and clean.format != "JPEG"  # a JPEG's further frames all follow its end
    if source and stripper and not animated:
        kept = stripper[0](source, orientation_of(source))
        if kept is not None:
            return kept, stripper[1]
    return encoded(clean.image, len(source) if source else 0, lossless=clean.format == "PNG")
