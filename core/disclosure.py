"""What an image file tells someone who is not its owner.

PNG files carry text chunks (tEXt, zTXt, iTXt): the prompt, the settings, the job id. Every way an image leaves
the site for someone other than its owner (the public /media/ route, the download view) streams the file through
`filtered_png`, which drops the text chunks the caller's `keep(keyword, text)` refuses and eXIf data, and copies
the pixels unchanged (no re-encoding: cheap for any size). The policy (which keys a creation shows) lives with the
creation; this module only knows the file format.
"""
import io
import json
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}
DROPPED_CHUNKS = {b"eXIf"}
MAX_TEXT_CHUNK = 1024 * 1024  # larger text chunks are dropped unread
BLOCK = 64 * 1024


def keep_software_only(keyword, text):
    """The public default: only the name of the program that made the picture."""
    return text if keyword == "Software" else None


def json_without(text, is_private):
    """`text` unchanged unless it is a JSON object; then the same object without its private keys."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if not isinstance(value, dict):
        return text
    return json.dumps({k: v for k, v in value.items() if not is_private(k)}, ensure_ascii=False)


def _parse_text(kind, data):
    """(keyword, text) of a text chunk; None when it cannot be read (it is then dropped)."""
    keyword, sep, rest = data.partition(b"\0")
    if not sep:
        return None
    try:
        name = keyword.decode("latin-1")
        if kind == b"tEXt":
            return name, rest.decode("latin-1")
        if kind == b"zTXt":
            return name, _inflate(rest[1:]).decode("latin-1")
        compressed, rest = rest[:1] == b"\1", rest[2:]
        _lang, _sep, rest = rest.partition(b"\0")
        _translated, _sep, text = rest.partition(b"\0")
        return name, (_inflate(text) if compressed else text).decode("utf-8")
    except (ValueError, zlib.error):
        return None


def _inflate(data):
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, MAX_TEXT_CHUNK)
    if inflater.unconsumed_tail:
        raise ValueError("text chunk too large")
    return out


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def itxt_chunk(keyword, text):
    return _chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0\0\0" + text.encode("utf-8"))


def filtered_png(handle, keep=keep_software_only):
    """Yield the bytes of the PNG read from `handle` with only the text chunks `keep` allows.

    `keep(keyword, text)` returns the text to keep (the same, or a shortened version) or None to drop the chunk.
    A file that is not a PNG is passed through unchanged; a damaged PNG ends where the damage starts."""
    signature = handle.read(len(PNG_SIGNATURE))
    yield signature
    if signature != PNG_SIGNATURE:
        while block := handle.read(BLOCK):
            yield block
        return
    while True:
        header = handle.read(8)
        if len(header) < 8:
            return
        length, kind = struct.unpack(">I", header[:4])[0], header[4:]
        if kind in TEXT_CHUNKS or kind in DROPPED_CHUNKS:
            if kind in DROPPED_CHUNKS or length > MAX_TEXT_CHUNK:
                if not _skip(handle, length + 4):
                    return
                continue
            data = handle.read(length)
            handle.read(4)  # the CRC: the chunk is written anew if kept
            if len(data) < length:
                return
            parsed = _parse_text(kind, data)
            shown = keep(*parsed) if parsed else None
            if shown is not None:
                yield _chunk(kind, data) if shown == parsed[1] else itxt_chunk(parsed[0], shown)
            continue
        yield header
        remaining = length + 4
        while remaining:
            block = handle.read(min(BLOCK, remaining))
            if not block:
                return
            remaining -= len(block)
            yield block
        if kind == b"IEND":
            return


def closing_stream(handle, keep=keep_software_only):
    """`filtered_png` that closes `handle` when the response is done (for StreamingHttpResponse)."""
    try:
        yield from filtered_png(handle, keep)
    finally:
        handle.close()


def _skip(handle, count):
    while count:
        block = handle.read(min(BLOCK, count))
        if not block:
            return False
        count -= len(block)
    return True


def filtered_png_bytes(data, keep=keep_software_only):
    return b"".join(filtered_png(io.BytesIO(data), keep))
