"""CSS filter functions rendered on the server, following the W3C Filter Effects Module Level 1.

https://drafts.fxtf.org/filter-effects/#supported-filter-functions gives each shorthand as an SVG primitive:

- brightness(a):  feComponentTransfer type=linear, slope=a, intercept=0
- contrast(a):    feComponentTransfer type=linear, slope=a, intercept=0.5 - 0.5a
- saturate(a):    feColorMatrix type=saturate values=a            (a > 1 over-saturates)
- grayscale(a):   the spec's grayscale matrix, a clamped to [0, 1]
- sepia(a):       the spec's sepia matrix, a clamped to [0, 1]
- hue-rotate(θ):  feColorMatrix type=hueRotate values=θ (degrees)
- invert(a):      feComponentTransfer type=table tableValues="a 1-a", a clamped to [0, 1]
- blur(r):        feGaussianBlur stdDeviation=r (px)

Browsers apply the shorthands in sRGB (not linearRGB), one after another in the order of the filter list, and
clamp every primitive's result to [0, 1]. This module does the same on float32 sRGB values in [0, 1], in horizontal
bands so a 40-megapixel image never needs more than a few tens of megabytes of temporary arrays.

`FILTERS` is the one definition of names, ranges and defaults: the API validates against it and the editor page
builds its sliders from it (passed with json_script).
"""
import math

import numpy as np
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFilter

# name -> range, default, slider step, CSS function and unit. Order = the CSS filter list order the editor uses.
FILTERS = {
    "brightness": {"css": "brightness", "min": 0.0, "max": 3.0, "default": 1.0, "step": 0.01, "unit": "",
                   "label": _("Brightness")},
    "contrast": {"css": "contrast", "min": 0.0, "max": 3.0, "default": 1.0, "step": 0.01, "unit": "",
                 "label": _("Contrast")},
    "saturate": {"css": "saturate", "min": 0.0, "max": 3.0, "default": 1.0, "step": 0.01, "unit": "",
                 "label": _("Saturation")},
    "grayscale": {"css": "grayscale", "min": 0.0, "max": 1.0, "default": 0.0, "step": 0.01, "unit": "",
                  "label": _("Grayscale")},
    "sepia": {"css": "sepia", "min": 0.0, "max": 1.0, "default": 0.0, "step": 0.01, "unit": "",
              "label": _("Sepia")},
    "hue_rotate": {"css": "hue-rotate", "min": -180.0, "max": 180.0, "default": 0.0, "step": 1, "unit": "deg",
                   "label": _("Hue")},
    "invert": {"css": "invert", "min": 0.0, "max": 1.0, "default": 0.0, "step": 0.01, "unit": "",
               "label": _("Invert")},
    "blur": {"css": "blur", "min": 0.0, "max": 20.0, "default": 0.0, "step": 0.1, "unit": "px",
             "label": _("Blur")},
}
ORDER = tuple(FILTERS)

# Named starting points (values not listed keep their defaults).
PRESETS = {
    "warm": {"label": _("Warm"), "values": {"sepia": 0.3, "saturate": 1.3, "hue_rotate": -10, "brightness": 1.05}},
    "cool": {"label": _("Cool"), "values": {"hue_rotate": 15, "saturate": 0.9, "contrast": 1.05,
                                             "brightness": 1.05}},
    "vintage": {"label": _("Vintage"), "values": {"sepia": 0.6, "contrast": 0.85, "brightness": 1.1,
                                                   "saturate": 0.8}},
    "mono": {"label": _("Mono"), "values": {"grayscale": 1.0, "contrast": 1.2}},
    "vivid": {"label": _("Vivid"), "values": {"saturate": 1.8, "contrast": 1.15}},
}

BAND_PIXELS = 1 << 20  # rows are processed in bands of about a million pixels


def defaults():
    return {name: spec["default"] for name, spec in FILTERS.items()}


def client_spec():
    """FILTERS and PRESETS as plain JSON for the page (labels translated for the current language)."""
    return {
        "filters": [{"name": name, **{k: (str(v) if k == "label" else v) for k, v in spec.items()}}
                    for name, spec in FILTERS.items()],
        "presets": [{"name": name, "label": str(p["label"]), "values": p["values"]} for name, p in PRESETS.items()],
    }


def css_filter(values):
    """The CSS `filter` string for these values, e.g. 'brightness(1.2) sepia(0.4)' ('none' when nothing changes)."""
    parts = []
    for name in ORDER:
        value = values.get(name, FILTERS[name]["default"])
        if value != FILTERS[name]["default"]:
            parts.append(f"{FILTERS[name]['css']}({_num(value)}{FILTERS[name]['unit']})")
    return " ".join(parts) or "none"


def _num(value):
    return f"{float(value):.4f}".rstrip("0").rstrip(".") or "0"


def changed(values):
    """The (name, value) pairs that differ from the defaults, in filter-list order."""
    return [(name, float(values[name])) for name in ORDER
            if name in values and float(values[name]) != FILTERS[name]["default"]]


# --- the spec's matrices and transfer functions (3×3 on RGB plus an offset; alpha is untouched) ---------------
def _clamp01(a):
    return min(1.0, max(0.0, float(a)))


def saturate_matrix(s):
    s = max(0.0, float(s))
    return np.array([
        [0.213 + 0.787 * s, 0.715 - 0.715 * s, 0.072 - 0.072 * s],
        [0.213 - 0.213 * s, 0.715 + 0.285 * s, 0.072 - 0.072 * s],
        [0.213 - 0.213 * s, 0.715 - 0.715 * s, 0.072 + 0.928 * s],
    ])


def grayscale_matrix(a):
    k = 1.0 - _clamp01(a)
    return np.array([
        [0.2126 + 0.7874 * k, 0.7152 - 0.7152 * k, 0.0722 - 0.0722 * k],
        [0.2126 - 0.2126 * k, 0.7152 + 0.2848 * k, 0.0722 - 0.0722 * k],
        [0.2126 - 0.2126 * k, 0.7152 - 0.7152 * k, 0.0722 + 0.9278 * k],
    ])


def sepia_matrix(a):
    k = 1.0 - _clamp01(a)
    return np.array([
        [0.393 + 0.607 * k, 0.769 - 0.769 * k, 0.189 - 0.189 * k],
        [0.349 - 0.349 * k, 0.686 + 0.314 * k, 0.168 - 0.168 * k],
        [0.272 - 0.272 * k, 0.534 - 0.534 * k, 0.131 + 0.869 * k],
    ])


def hue_rotate_matrix(degrees):
    t = math.radians(float(degrees))
    c, s = math.cos(t), math.sin(t)
    base = np.array([[0.213, 0.715, 0.072]] * 3)
    cos_part = np.array([[0.787, -0.715, -0.072], [-0.213, 0.285, -0.072], [-0.213, -0.715, 0.928]])
    sin_part = np.array([[-0.213, -0.715, 0.928], [0.143, 0.140, -0.283], [-0.787, 0.715, 0.072]])
    return base + c * cos_part + s * sin_part


def linear_transfer(slope, intercept):
    """feComponentTransfer type=linear on R, G and B: C' = slope·C + intercept, as (matrix, offset)."""
    return np.eye(3) * float(slope), np.full(3, float(intercept))


def step_for(name, value):
    """One filter function as an affine map (3×3 matrix, offset) on sRGB values; None for blur."""
    if name == "brightness":
        return linear_transfer(max(0.0, float(value)), 0.0)
    if name == "contrast":
        a = max(0.0, float(value))
        return linear_transfer(a, 0.5 - 0.5 * a)
    if name == "saturate":
        return saturate_matrix(value), np.zeros(3)
    if name == "grayscale":
        return grayscale_matrix(value), np.zeros(3)
    if name == "sepia":
        return sepia_matrix(value), np.zeros(3)
    if name == "hue_rotate":
        return hue_rotate_matrix(value), np.zeros(3)
    if name == "invert":
        # table [a, 1-a]: C' = a + C·((1-a) - a)
        a = _clamp01(value)
        return linear_transfer(1.0 - 2.0 * a, a)
    if name == "blur":
        return None
    raise ValueError(f"unknown filter {name!r}")


def _is_per_channel(step):
    matrix = step[0]
    return not np.any(matrix - np.diag(np.diag(matrix)))


def apply_to_array(rgb, steps):
    """Apply affine steps to float RGB values in [0, 1] (shape (..., 3)), clamping after each like browsers.

    The reference implementation (used by the tests); images go through the faster `_colour_pass`."""
    out = np.asarray(rgb, dtype=np.float64)
    for matrix, offset in steps:
        out = np.clip(out @ matrix.T + offset, 0.0, 1.0)
    return out


def _never_clamps(step):
    """True when the step maps the unit cube into itself, so clamping after it changes nothing."""
    matrix, offset = step
    low = offset + np.minimum(matrix, 0).sum(axis=1)
    high = offset + np.maximum(matrix, 0).sum(axis=1)
    return bool(np.all(low >= -1e-9) and np.all(high <= 1 + 1e-9))


def _merge_unclamped(steps):
    """Compose each step whose clamp is a no-op with the step after it (same result, fewer passes)."""
    merged = []
    carry = None
    for matrix, offset in steps:
        if carry is not None:
            matrix, offset = matrix @ carry[0], matrix @ carry[1] + offset
            carry = None
        if _never_clamps((matrix, offset)):
            carry = (matrix, offset)
        else:
            merged.append((matrix, offset))
    if carry is not None:
        merged.append(carry)
    return merged


def _transfer_table(steps):
    """A run of per-channel steps (feComponentTransfer) as one 256-entry table per channel, built the way Chromium
    builds its 8-bit transfer tables: value = slope·i + 255·intercept on float32 parameters, clamped to [0, 255]
    and truncated, one step after another. Returns uint8 of shape (3, 256)."""
    levels = np.tile(np.arange(256, dtype=np.float64), (3, 1))
    for matrix, offset in steps:
        slope = np.diag(matrix).astype(np.float32).astype(np.float64)[:, None]
        intercept = offset.astype(np.float32).astype(np.float64)[:, None]
        levels = np.floor(np.clip(slope * levels + 255.0 * intercept, 0.0, 255.0) + 1e-9)
    return levels.astype(np.uint8)


def _runs(steps):
    """Split steps into runs: ("table", uint8 (3, 256)) for per-channel steps, ("matrix", [(m, o)…]) for the rest."""
    runs = []
    for step in steps:
        kind = "table" if _is_per_channel(step) else "matrix"
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(step)
        else:
            runs.append((kind, [step]))
    out = []
    for kind, group in runs:
        if kind == "table":
            out.append(("table", _transfer_table(group)))
        else:
            out.append(("matrix", [(m.astype(np.float32), o.astype(np.float32)[:, None])
                                   for m, o in _merge_unclamped(group)]))
    return out


def _colour_pass(image, steps):
    """Colour steps over a PIL RGB image, band by band; returns a new uint8 RGB image.

    Per-channel steps (brightness, contrast, invert) become 8-bit lookup tables, as in Chromium's
    feComponentTransfer; colour-matrix steps run as 3×3 products on planar float32 values, clamped after each
    (merged where the clamp cannot change anything) and rounded to 8 bits at the end of the run."""
    if not steps:
        return image
    image = image.convert("RGB")
    runs = _runs(steps)
    # Tables at either end run in Pillow's C code over the whole image (Image.point), the rest band by band.
    if runs and runs[0][0] == "table":
        image = image.point(runs.pop(0)[1].ravel().tolist())
    last = runs.pop()[1] if runs and runs[-1][0] == "table" else None
    if runs:
        image = _band_pass(image, runs)
    if last is not None:
        image = image.point(last.ravel().tolist())
    return image


def _band_pass(image, runs):
    src = np.asarray(image)
    height, width = src.shape[:2]
    out = np.empty_like(src)
    rows = max(1, BAND_PIXELS // max(1, width))
    for top in range(0, height, rows):
        band = src[top:top + rows]
        planar = np.ascontiguousarray(band.reshape(-1, 3).T)  # (3, N) uint8
        for kind, run in runs:
            if kind == "table":
                planar = np.stack([run[c][planar[c]] for c in range(3)])
                continue
            values = planar.astype(np.float32)
            values *= 1.0 / 255.0
            for matrix, offset in run:
                values = matrix @ values
                values += offset
                np.clip(values, 0.0, 1.0, out=values)
            values *= 255.0
            np.rint(values, out=values)
            planar = values.astype(np.uint8)
        out[top:top + rows] = planar.T.reshape(band.shape)
    return Image.fromarray(out, "RGB")


def gaussian_blur(image, std_deviation):
    """feGaussianBlur with stdDeviation in px. Edges repeat the border pixels (browsers fade them to transparent;
    the editor's download pads with the border pixels the same way, so a wallpaper keeps solid edges)."""
    sigma = float(std_deviation)
    if sigma <= 0:
        return image
    # Pillow's GaussianBlur(radius) takes the standard deviation (extended box blur, three passes).
    return image.filter(ImageFilter.GaussianBlur(radius=sigma))


def apply_filters(image, filters):
    """Render `filters` — a list of (name, value) in CSS filter-list order, or a dict (editor order) — on a PIL
    image. Returns an RGB image of the same size."""
    if isinstance(filters, dict):
        filters = [(name, filters[name]) for name in ORDER if name in filters]
    image = image.convert("RGB")
    pending = []
    for name, value in filters:
        step = step_for(name, value)
        if step is not None:
            pending.append(step)
            continue
        image = _colour_pass(image, pending)
        pending = []
        image = gaussian_blur(image, value)
    return _colour_pass(image, pending)
