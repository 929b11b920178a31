"""Each filter function against values worked out by hand from the W3C Filter Effects spec, and their order."""
import math

import numpy as np
import pytest
from PIL import Image

from editor.filters import FILTERS, ORDER, apply_filters, apply_to_array, css_filter, step_for


def px(rgb, filters):
    """Render one 8-bit pixel through the image pipeline; returns its 8-bit RGB."""
    image = Image.new("RGB", (1, 1), rgb)
    return tuple(int(v) for v in np.asarray(apply_filters(image, filters))[0, 0])


def ref(rgb01, filters):
    """The float reference: the spec's steps with clamping after each, no rounding."""
    return apply_to_array(np.array([rgb01], dtype=float), [step_for(n, v) for n, v in filters])[0]


def test_saturate_zero_turns_pure_red_into_its_luminance_grey():
    # saturate(0): every row of the matrix starts with 0.213, so red → (0.213, 0.213, 0.213) → 54.3 → 54
    assert np.allclose(ref((1, 0, 0), [("saturate", 0)]), [0.213] * 3)
    assert px((255, 0, 0), [("saturate", 0)]) == (54, 54, 54)


def test_saturate_above_one_oversaturates():
    # saturate(2) of (0.5, 0.25, 0.25): row 0 = 1.787·0.5 − 0.715·0.25 − 0.072·0.25 = 0.69675
    # row 1 = −0.213·0.5 + 1.285·0.25 − 0.072·0.25 = 0.19675, row 2 = −0.213·0.5 − 0.715·0.25 + 1.928·0.25 = 0.19675
    assert np.allclose(ref((0.5, 0.25, 0.25), [("saturate", 2)]), [0.69675, 0.19675, 0.19675])


def test_hue_rotate_180_of_red():
    # cos = −1, sin = 0: first column = 0.213 − [0.787, −0.213, −0.213] = [−0.574, 0.426, 0.426] → clamp
    assert np.allclose(ref((1, 0, 0), [("hue_rotate", 180)]), [0, 0.426, 0.426])
    assert px((255, 0, 0), [("hue_rotate", 180)]) == (0, 109, 109)


def test_hue_rotate_90_of_green():
    # cos = 0, sin = 1: second column = [0.715, 0.715, 0.715] + [−0.715, 0.140, 0.715] = [0, 0.855, 1.43] → clamp
    assert np.allclose(ref((0, 1, 0), [("hue_rotate", 90)]), [0, 0.855, 1.0])


def test_hue_rotate_full_turn_and_zero_leave_colours_alone():
    colour = (0.9, 0.4, 0.1)
    assert np.allclose(ref(colour, [("hue_rotate", 360)]), colour, atol=1e-9)
    assert np.allclose(ref(colour, [("hue_rotate", 0)]), colour, atol=1e-9)


def test_contrast_two_keeps_mid_grey_and_spreads_the_rest():
    # linear slope 2, intercept 0.5 − 0.5·2 = −0.5
    assert np.allclose(ref((0.5, 0.5, 0.5), [("contrast", 2)]), [0.5] * 3)
    assert np.allclose(ref((0.25, 0.6, 0.75), [("contrast", 2)]), [0.0, 0.7, 1.0])
    # contrast(0) makes everything mid-grey
    assert px((10, 200, 255), [("contrast", 0)]) == (127, 127, 127)  # 127.5, truncated like Chromium


def test_brightness_scales_and_clamps():
    assert np.allclose(ref((0.3, 0.6, 0.0), [("brightness", 2)]), [0.6, 1.0, 0.0])
    assert px((100, 50, 20), [("brightness", 0)]) == (0, 0, 0)
    assert px((100, 50, 20), [("brightness", 0.5)]) == (50, 25, 10)


def test_grayscale_uses_the_spec_luminance_and_clamps_the_amount_at_one():
    assert np.allclose(ref((1, 0, 0), [("grayscale", 1)]), [0.2126] * 3)
    assert np.allclose(ref((0, 0, 1), [("grayscale", 1)]), [0.0722] * 3)
    # half way: red row 0 = 0.2126 + 0.7874·0.5 = 0.6063, rows 1–2 = 0.2126 − 0.2126·0.5 = 0.1063
    assert np.allclose(ref((1, 0, 0), [("grayscale", 0.5)]), [0.6063, 0.1063, 0.1063])
    assert np.allclose(ref((0.2, 0.7, 0.4), [("grayscale", 5)]), ref((0.2, 0.7, 0.4), [("grayscale", 1)]))


def test_sepia_matrix_and_amount_clamp():
    assert np.allclose(ref((1, 0, 0), [("sepia", 1)]), [0.393, 0.349, 0.272])
    # white: row sums 1.351, 1.203, 0.937 → clamped to 1, 1, 0.937
    assert np.allclose(ref((1, 1, 1), [("sepia", 1)]), [1, 1, 0.937])
    assert px((255, 255, 255), [("sepia", 1)]) == (255, 255, 239)
    assert np.allclose(ref((0.3, 0.5, 0.9), [("sepia", 2)]), ref((0.3, 0.5, 0.9), [("sepia", 1)]))


def test_invert_is_the_table_a_to_one_minus_a():
    assert np.allclose(ref((0.2, 0.5, 1.0), [("invert", 1)]), [0.8, 0.5, 0.0])
    assert np.allclose(ref((0.2, 0.9, 1.0), [("invert", 0.5)]), [0.5, 0.5, 0.5])
    # invert(0.25): 0.25 + C·0.5
    assert np.allclose(ref((0.0, 0.5, 1.0), [("invert", 0.25)]), [0.25, 0.5, 0.75])
    assert px((0, 128, 255), [("invert", 1)]) == (255, 127, 0)


def test_blur_is_a_gaussian_with_standard_deviation_in_pixels():
    # A black/white step edge blurred with σ = 4 follows the normal CDF Φ(d/σ) across the edge.
    sigma, width = 4.0, 80
    image = Image.new("RGB", (width, 20), (0, 0, 0))
    image.paste((255, 255, 255), (40, 0, width, 20))
    row = np.asarray(apply_filters(image, [("blur", sigma)]))[10, :, 0].astype(float)
    centres = np.arange(width) + 0.5 - 40
    expected = np.array([255 * 0.5 * (1 + math.erf(d / (sigma * math.sqrt(2)))) for d in centres])
    assert np.abs(row - expected).max() <= 4
    assert row[40 - 4] == pytest.approx(255 * 0.5 * (1 + math.erf(-3.5 / (sigma * math.sqrt(2)))), abs=4)
    # Blur of a flat image changes nothing (edges repeat the border pixels).
    flat = Image.new("RGB", (30, 30), (10, 120, 240))
    assert np.array_equal(np.asarray(apply_filters(flat, [("blur", 6)])), np.asarray(flat))


def test_composition_follows_the_filter_list_order_with_clamping_between_steps():
    # brightness(2) then contrast(0.5): 0.8 → 1 (clamped) → 0.75;  the other way: 0.8 → 0.65 → 1
    assert np.allclose(ref((0.8, 0.8, 0.8), [("brightness", 2), ("contrast", 0.5)]), [0.75] * 3)
    assert np.allclose(ref((0.8, 0.8, 0.8), [("contrast", 0.5), ("brightness", 2)]), [1.0] * 3)
    assert px((204, 204, 204), [("brightness", 2), ("contrast", 0.5)]) == (191, 191, 191)
    assert px((204, 204, 204), [("contrast", 0.5), ("brightness", 2)]) == (255, 255, 255)
    # grayscale then invert of red: 0.2126 → 0.7874; invert then grayscale: (0,1,1) → 0.7874 too (linear),
    # but sepia then hue-rotate differs from hue-rotate then sepia:
    a = ref((0.9, 0.2, 0.1), [("sepia", 1), ("hue_rotate", 120)])
    b = ref((0.9, 0.2, 0.1), [("hue_rotate", 120), ("sepia", 1)])
    assert not np.allclose(a, b)
    # A dict is applied in the editor's order (ORDER), the same order css_filter() writes.
    values = {"invert": 0.3, "brightness": 1.4, "sepia": 0.5}
    image = Image.new("RGB", (2, 2), (180, 90, 30))
    listed = [(name, values[name]) for name in ORDER if name in values]
    assert np.array_equal(np.asarray(apply_filters(image, values)), np.asarray(apply_filters(image, listed)))
    assert css_filter(values) == "brightness(1.4) sepia(0.5) invert(0.3)"
    assert list(ORDER) == ["brightness", "contrast", "saturate", "grayscale", "sepia", "hue_rotate", "invert", "blur"]


def test_fast_image_path_matches_the_float_reference_on_random_pixels():
    # The image path keeps 8-bit values between runs and truncates in transfer tables like Chromium, so it may
    # differ from the exact float maths by the rounding of one 8-bit step (amplified by later contrast/saturate).
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(40, 50, 3), dtype=np.uint8)
    image = Image.fromarray(pixels, "RGB")
    for _ in range(16):
        names = list(rng.permutation([n for n in ORDER if n != "blur"]))[: rng.integers(1, 7)]
        filters = [(n, float(rng.uniform(FILTERS[n]["min"], FILTERS[n]["max"]))) for n in names]
        fast = np.asarray(apply_filters(image, filters)).astype(int)
        slow = np.rint(apply_to_array(pixels / 255.0, [step_for(n, v) for n, v in filters]) * 255).astype(int)
        diff = np.abs(fast - slow)
        assert diff.mean() <= 2.0 and diff.max() <= 8, (filters, diff.mean(), diff.max())
    # colour matrices alone are exact up to the final rounding
    for _ in range(8):
        names = list(rng.permutation(["saturate", "grayscale", "sepia", "hue_rotate"]))[: rng.integers(1, 5)]
        filters = [(n, float(rng.uniform(FILTERS[n]["min"], FILTERS[n]["max"]))) for n in names]
        fast = np.asarray(apply_filters(image, filters)).astype(int)
        slow = np.rint(apply_to_array(pixels / 255.0, [step_for(n, v) for n, v in filters]) * 255).astype(int)
        assert np.abs(fast - slow).max() <= 1, filters


def test_defaults_change_nothing_and_every_range_contains_its_default():
    image = Image.fromarray(np.random.default_rng(1).integers(0, 256, (20, 20, 3), dtype=np.uint8), "RGB")
    defaults = {name: spec["default"] for name, spec in FILTERS.items()}
    assert np.array_equal(np.asarray(apply_filters(image, defaults)), np.asarray(image))
    assert css_filter(defaults) == "none"
    for spec in FILTERS.values():
        assert spec["min"] <= spec["default"] <= spec["max"]
