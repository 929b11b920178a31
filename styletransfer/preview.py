"""The create page's live preview: the feed-forward network at about 384 px, in the web process, straight away.

Torch-free (onnxruntime + numpy + Pillow): the inputs are framed and coloured by the engine's own torch-free
functions (engine/images.py), as an `instant` job frames them, so the job's first picture looks like the preview.
One preview at a time per process, on one onnxruntime thread in a painter thread niced below the requests' threads
(bench/preview.py measured why: page loads during a burst of previews); the answer is cached per input (the bytes' hash plus the options) in Django's cache. Nothing is stored on disk."""
import functools
import hashlib
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache

from core.framing import long_side_size
from core.uploads import encode_image, read_image

from . import samples
from .engine import feedforward
from .engine.images import prepare, to_rgb, with_colors_of
from .tasks import load_side

CACHE_PREFIX = "st-preview:"
PAINTER_NICE = 10  # below page requests: a burst of previews waits for the CPU, the pages do not


def _yield_to_pages():
    # Linux's nice is per thread: only the painter thread is lowered (elsewhere this does nothing).
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), PAINTER_NICE)
    except (AttributeError, OSError):
        pass


# One preview at a time per process, on a thread of its own at a lower priority than the requests' threads.
_painter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preview-painter", initializer=_yield_to_pages)


class Busy(Exception):
    """Another preview held the painter for longer than IMOGEN_STYLE_PREVIEW_WAIT_SECONDS."""


def output_size(data, content_size):
    """The wallpaper's (width, height) for validated job fields: exact, or the content's (crop box's) shape."""
    if data.get("width"):
        return data["width"], data["height"]
    shape = tuple(data["crop"][2:]) if data.get("crop") else content_size
    return long_side_size(shape, data["size"])


@functools.lru_cache(maxsize=32)
def sample_image(sample_id, side):
    """A bundled sample, decoded once per process (every preview of it would decode it again)."""
    data = samples.get(sample_id, side).path.read_bytes()
    return read_image(data, max_bytes=len(data) + 1, max_pixels=10**9).image


def side_image(data, side):
    if data.get(f"{side}_image") is not None:
        return data[f"{side}_image"].image
    if data.get(f"{side}_source_job") is not None:
        return load_side(data[f"{side}_source_job"], side)  # Remix: the job's kept upload
    return sample_image(data[f"{side}_sample"], side)


def side_key(data, side):
    upload, source = data.get(f"{side}_image"), data.get(f"{side}_source_job")
    if upload is not None:
        return hashlib.sha256(upload.source or upload.image.tobytes()).hexdigest()
    return f"job:{source.pk}" if source is not None else f"sample:{data[f'{side}_sample']}"


def cache_key(data):
    options = {name: data.get(name) for name in ("width", "height", "size", "crop", "fit", "style_strength",
                                                 "preserve_colors")}
    options.update(side=settings.IMOGEN_STYLE_PREVIEW_SIDE, content=side_key(data, "content"),
                   style=side_key(data, "style"))
    return CACHE_PREFIX + hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()


def paint_now(content, style, size, crop=None, fit="cover", strength=1.0, preserve_colors=False):
    """The JPEG bytes of the preview of a `size` wallpaper: long side IMOGEN_STYLE_PREVIEW_SIDE, same shape."""
    width, height = long_side_size(size, settings.IMOGEN_STYLE_PREVIEW_SIDE)
    content, styles, colors = prepare(to_rgb(content, "content image"), [to_rgb(style, "style image")],
                                      width, height, crop, fit, preserve_colors)
    model = feedforward.load_feedforward(settings.IMOGEN_STYLE_PREVIEW_THREADS)
    image = model.stylize(content, model.blended_vector(content, styles, [1.0], strength), (width, height))
    if preserve_colors:
        image = with_colors_of(image, colors)
    return encode_image(image, "JPEG")


def paint(*args):
    """paint_now(*args) on the painter thread; Busy when it does not start within IMOGEN_STYLE_PREVIEW_WAIT_SECONDS."""
    wait = settings.IMOGEN_STYLE_PREVIEW_WAIT_SECONDS
    deadline, started = time.monotonic() + wait, threading.Event()

    def run():
        if time.monotonic() > deadline:
            return None  # its request has already answered "busy": nobody would see this picture
        started.set()
        return paint_now(*args)

    future = _painter.submit(run)
    if not started.wait(timeout=wait):
        future.cancel()
        raise Busy()
    return future.result()


def preview_jpeg(data, content_size):
    """(JPEG bytes, whether they came from the cache) for a validated PreviewSerializer's data."""
    key = cache_key(data)
    jpeg = cache.get(key)
    if jpeg is not None:
        return jpeg, True
    jpeg = paint(side_image(data, "content"), side_image(data, "style"), output_size(data, content_size),
                 data.get("crop"), data.get("fit", "cover"), data["style_strength"], data["preserve_colors"])
    cache.set(key, jpeg, settings.IMOGEN_STYLE_PREVIEW_CACHE_SECONDS)
    return jpeg, False
