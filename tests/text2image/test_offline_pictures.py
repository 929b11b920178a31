"""The offline sketch engine paints a picture worth keeping for the words it understands (issue 24): a forest is
trees, not a flat band; water under a low sun shows a path of light, not a second (green) sun."""
import colorsys

import numpy as np

from text2image.providers.offline import render


def test_a_snowy_forest_at_night_has_trees_and_snow_not_a_red_sky():
    image = np.asarray(render("a red fox in a snowy forest at night", "", 960, 540, 1), dtype=np.float32)
    band = image[int(540 * 0.45):int(540 * 0.72)].mean(axis=2)  # the tree line
    # Trees: dark trunks and tiers alternate with snow and sky along a row, a flat band does not.
    crossings = (np.abs(np.diff((band > band.mean()).astype(np.int8), axis=1)) > 0).sum(axis=1)
    assert np.median(crossings) >= 30
    ground = image[int(540 * 0.85):].reshape(-1, 3).mean(axis=0)
    assert ground.mean() > 120 and ground[2] >= ground[0]  # snow on the ground, moonlit blue
    sky = image[:int(540 * 0.3)].reshape(-1, 3).mean(axis=0)
    assert sky.mean() < 70 and sky[0] < 60  # a night sky, only tinted by the fox's red


def test_the_sea_under_a_setting_sun_reflects_light_not_a_green_disc():
    height = 540
    image = np.asarray(render("노을 지는 바다", "", 960, height, 3), dtype=np.float32)
    sky = image[:int(height * 0.56)]  # the sea starts at 58 % of the height
    ys, xs = np.nonzero(sky.min(axis=2) > 0.97 * sky.min(axis=2).max())  # the disc: the brightest part of the sky
    sun_x, radius = xs.mean(), max(8, (xs.max() - xs.min()) / 2)
    top = int(height * 0.585)  # just under the horizon, where a mirrored disc would be
    water = image[top:top + int(0.05 * height), int(sun_x - radius / 2):int(sun_x + radius / 2)]
    r, g, b = water.reshape(-1, 3).mean(axis=0) / 255
    hue = colorsys.rgb_to_hsv(r, g, b)[0]
    assert hue < 20 / 360 or hue > 0.9, f"the water under the sun reads olive or green (hue {hue * 360:.0f}°)"
    # and it is lighter straight under the sun than beside it: a path of light
    beside = image[top:top + int(0.05 * height), :max(1, int(sun_x - 3 * radius))]
    assert water.mean() > beside.mean() * 1.2
