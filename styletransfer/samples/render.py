"""Paint Imogen's 32 sample images (16 content, 16 style) with NumPy and Pillow. Deterministic: the same code
always draws the same pictures. Everything here is the project's own work, dedicated to the public domain (CC0).

    .venv/bin/python -m styletransfer.samples.render            # all samples + thumbnails
    .venv/bin/python -m styletransfer.samples.render marble    # only the named functions
"""
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
# Each picture is drawn on a design canvas (768 units wide) and rendered at U pixels per unit, so the same
# drawing comes out at any resolution: lengths in units (shapes, noise scales, blur radii) are multiplied by U.
DESIGN_WIDTH = 768
CONTENT_SIZE = (2560, 1707)  # 3:2, 2560 px wide: a 1440p wallpaper without enlarging (see docs/engine.md)
STYLE_SIZE = (2560, 2560)
THUMB = 256
SS = 2  # supersampling for shapes drawn with ImageDraw
U = 1.0  # pixels per design unit of the picture being rendered (set by render())


# --- helpers ----------------------------------------------------------------------------------------------
def rng(seed):
    return np.random.default_rng(seed)


def grid(w, h):
    """x, y in 0..1 (arrays of shape h×w)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return x / (w - 1), y / (h - 1)


def noise(w, h, scale, seed):
    """Smooth value noise in 0..1 with features about `scale` pixels wide."""
    r = rng(seed)
    scale *= U
    gw, gh = max(2, int(w / scale) + 2), max(2, int(h / scale) + 2)
    small = Image.fromarray((r.random((gh, gw)) * 255).astype(np.uint8), "L")
    big = small.resize((int(gw * scale), int(gh * scale)), Image.Resampling.BICUBIC)
    return np.asarray(big, dtype=np.float32)[:h, :w] / 255


def fbm(w, h, scale, seed, octaves=5, gain=0.5):
    total, amp, norm = np.zeros((h, w), np.float32), 1.0, 0.0
    for i in range(octaves):
        total += amp * noise(w, h, max(2, scale / 2**i), seed + 101 * i)
        norm += amp
        amp *= gain
    return total / norm


def noise1d(n, scale, seed, octaves=4):
    return fbm(n, 4, scale, seed, octaves)[0]


def hexrgb(value):
    value = value.lstrip("#")
    return np.array([int(value[i:i + 2], 16) for i in (0, 2, 4)], np.float32)


def ramp(t, stops):
    """Colour ramp: t (any shape, 0..1) → RGB using [(position, "#rrggbb"), ...]."""
    t = np.clip(t, 0, 1)
    positions = np.array([p for p, _ in stops], np.float32)
    colours = np.stack([hexrgb(c) for _, c in stops])
    out = np.empty(t.shape + (3,), np.float32)
    for ch in range(3):
        out[..., ch] = np.interp(t, positions, colours[:, ch])
    return out


def smoothstep(a, b, x):
    t = np.clip((x - a) / (b - a), 0, 1)
    return t * t * (3 - 2 * t)


def mix(a, b, t):
    t = np.asarray(t, np.float32)
    if t.ndim == 2:
        t = t[..., None]
    return a * (1 - t) + b * t


def to_image(array):
    return Image.fromarray(np.clip(array, 0, 255).round().astype(np.uint8), "RGB")


def from_image(image):
    return np.asarray(image.convert("RGB"), dtype=np.float32)


def blur(array, radius):
    """Gaussian blur of an H×W or H×W×3 float array (0..255 range kept); `radius` in design units."""
    radius *= U
    if array.ndim == 2:
        img = Image.fromarray(np.clip(array * 255, 0, 255).astype(np.uint8), "L")
        return np.asarray(img.filter(ImageFilter.GaussianBlur(radius)), np.float32) / 255
    return from_image(to_image(array).filter(ImageFilter.GaussianBlur(radius)))


def mask_from_draw(w, h, draw_fn):
    """Antialiased 0..1 mask from ImageDraw calls in design units (draw_fn(draw, s), s the pixels per unit)."""
    img = Image.new("L", (w * SS, h * SS), 0)
    draw_fn(ImageDraw.Draw(img), SS * U)
    return np.asarray(img.resize((w, h), Image.Resampling.LANCZOS), np.float32) / 255


def ridge_mask(w, h, profile):
    """1 below the curve y = profile[x] (pixels), antialiased over a pixel."""
    y, _ = np.mgrid[0:h, 0:w].astype(np.float32)
    return np.clip(y - profile[None, :] + 0.5, 0, 1)


def glow(w, h, cx, cy, radius, power=2.0):
    """A soft light around (cx, cy) in pixels, `radius` in design units."""
    x, y = np.mgrid[0:h, 0:w].astype(np.float32)[::-1]
    d = np.sqrt((x - cx) ** 2 + (y - cy) ** 2) / (radius * U)
    return 1 / (1 + d**power)


def stars(w, h, seed, count, max_y=1.0, bright=1.0):
    """`count` stars on the design canvas: as many per unit² at any resolution."""
    r = rng(seed)
    count = round(count * U * U)
    layer = np.zeros((h, w), np.float32)
    xs, ys = r.integers(0, w, count), (r.random(count) ** 1.3 * h * max_y).astype(int)
    layer[ys.clip(0, h - 1), xs] = r.random(count) ** 3 * bright
    big = r.random(count) > 0.97
    halo = np.zeros_like(layer)
    halo[ys[big].clip(0, h - 1), xs[big]] = 1
    return np.clip(layer + blur(halo, 1.2) * 3 * bright, 0, 1)


def sky(w, h, stops, seed=0, clouds=0.0):
    _, y = grid(w, h)
    base = ramp(y, stops)
    if clouds:
        c = fbm(w, h, 180, seed, 5)
        c = smoothstep(0.5, 0.8, c) * clouds * (1 - y)
        base = mix(base, np.full_like(base, 255), c * 0.8)
    return base


def pine(draw, x, base, height, width, s, fill):
    """A stylised pine: stacked triangles."""
    tiers = 5
    for i in range(tiers):
        top = base - height * (0.25 + 0.75 * (i + 1) / tiers)
        bottom = base - height * (i / tiers) * 0.85
        half = width * (1 - i / (tiers + 1)) / 2
        draw.polygon([((x - half) * s, bottom * s), ((x + half) * s, bottom * s), (x * s, top * s)], fill=fill)
    draw.rectangle([(x - width * 0.05) * s, (base - height * 0.1) * s, (x + width * 0.05) * s, base * s], fill=fill)


def layered_ridges(img, w, h, layers, seed):
    """Mountain ridges from back to front: [(base_y, amplitude, scale, colour, haze_colour, haze)]."""
    for i, (base, amp, scale, colour, haze_colour, haze) in enumerate(layers):
        profile = base * h - amp * h * (noise1d(w, scale, seed + i, 5) - 0.3)
        m = ridge_mask(w, h, profile)
        _, y = grid(w, h)
        depth = np.clip((y * h - profile[None, :]) / (0.35 * h), 0, 1)
        col = mix(np.broadcast_to(hexrgb(haze_colour), (h, w, 3)), np.broadcast_to(hexrgb(colour), (h, w, 3)),
                  0.4 + 0.6 * (1 - haze) + depth * 0.3 * haze)
        img = mix(img, col, m)
    return img


# --- content ----------------------------------------------------------------------------------------------
def mountains_dawn(w, h):
    img = sky(w, h, [(0, "#1b2150"), (0.35, "#5b3f7a"), (0.55, "#e07a6a"), (0.68, "#ffc07a"), (1, "#ffe2a8")])
    sun = glow(w, h, w * 0.62, h * 0.6, 40, 2.2)
    img = mix(img, np.broadcast_to(hexrgb("#fff2c8"), img.shape), np.clip(sun * 1.1, 0, 1))
    img = layered_ridges(img, w, h, [
        (0.55, 0.25, 160, "#8a5a88", "#f0a88a", 0.8),
        (0.65, 0.22, 120, "#5a3f6e", "#d98a86", 0.6),
        (0.76, 0.2, 90, "#372a55", "#a9707f", 0.4),
        (0.9, 0.16, 70, "#1a1632", "#4a3550", 0.15),
    ], seed=11)
    mist = smoothstep(0.55, 0.75, fbm(w, h, 200, 5)) * 0.25
    return mix(img, np.broadcast_to(hexrgb("#ffd9c0"), img.shape), mist)


def desert_dunes(w, h):
    img = sky(w, h, [(0, "#3c6fb0"), (0.4, "#8fbde0"), (0.55, "#f3d9b0"), (1, "#f3d9b0")])
    sun = glow(w, h, w * 0.2, h * 0.22, 18, 2.5)
    img = mix(img, np.broadcast_to(hexrgb("#fffbe8"), img.shape), np.clip(sun, 0, 1))
    x, y = grid(w, h)
    for i, (base, amp, light, dark) in enumerate([
        (0.52, 0.06, "#e9b882", "#b9794a"), (0.62, 0.09, "#e8a765", "#a4603a"),
        (0.74, 0.12, "#f0b06c", "#99502c"), (0.9, 0.14, "#f4bd7a", "#8c4524")]):
        xs = np.arange(w, dtype=np.float32)
        phase = i * 1.7
        profile = h * base - h * amp * (0.6 * np.sin(xs / w * (2.2 + i) * math.pi + phase) ** 2
                                        + 0.4 * noise1d(w, 200, 40 + i))
        slope = np.gradient(profile)
        m = ridge_mask(w, h, profile)
        lit = smoothstep(-0.2, 0.2, -slope)[None, :] * np.ones((h, 1))
        depth = np.clip((y * h - profile[None, :]) / (h * 0.25), 0, 1)
        col = mix(np.broadcast_to(hexrgb(dark), (h, w, 3)), np.broadcast_to(hexrgb(light), (h, w, 3)),
                  np.clip(lit * (1 - depth * 0.5) + depth * 0.25, 0, 1))
        ripples = 0.5 + 0.5 * np.sin((y * h / U * 0.9 + 25 * fbm(w, h, 60, 70 + i)) * 0.9)
        col = col * (0.93 + 0.07 * ripples[..., None] * (depth[..., None] > 0.05))
        img = mix(img, col, m)
    return img


def city_night(w, h):
    img = sky(w, h, [(0, "#070a1f"), (0.45, "#1a1f4d"), (0.62, "#5a3a78"), (0.7, "#c0607a")])
    img += stars(w, h, 3, 500, 0.5, 0.8)[..., None] * 255
    moon = mask_from_draw(w, h, lambda d, s: d.ellipse([600 * s, 50 * s, 650 * s, 100 * s], fill=255))
    img = mix(img, np.broadcast_to(hexrgb("#f5f0d8"), img.shape),
              np.clip(moon + glow(w, h, 625 * U, 75 * U, 45, 2) * 0.4, 0, 1))
    horizon = int(h * 0.68)
    r = rng(7)
    for _layer, (colour, lit_p, hmin, hmax) in enumerate([("#241c46", 0.15, 80, 220), ("#120f26", 0.35, 50, 180)]):
        city = Image.new("RGB", (w, h), (0, 0, 0))
        alpha = Image.new("L", (w, h), 0)
        dc, da = ImageDraw.Draw(city), ImageDraw.Draw(alpha)
        base = horizon / U  # the buildings are laid out in design units, drawn at U pixels per unit

        def box(x0, y0, x1, y1):
            return [x0 * U, y0 * U, x1 * U, y1 * U]
        x = -10
        while x < w / U:
            bw = int(r.integers(28, 70))
            bh = int(r.integers(hmin, hmax)) * (1.4 if r.random() < 0.12 else 1)
            top = base - bh
            dc.rectangle(box(x, top, x + bw, base), fill=colour)
            da.rectangle(box(x, top, x + bw, base), fill=255)
            if r.random() < 0.25:
                dc.rectangle(box(x + bw // 2 - 1, top - 25, x + bw // 2 + 1, top), fill=colour)
                da.rectangle(box(x + bw // 2 - 1, top - 25, x + bw // 2 + 1, top), fill=255)
            for wy in range(int(top) + 6, int(base) - 4, 9):
                for wx in range(x + 4, x + bw - 5, 7):
                    if r.random() < lit_p:
                        tint = (255, int(r.integers(190, 235)), int(r.integers(110, 170)))
                        dc.rectangle(box(wx, wy, wx + 3, wy + 4), fill=tint)
            x += bw + int(r.integers(0, 6))
        a = np.asarray(alpha, np.float32)[..., None] / 255
        img = img * (1 - a) + from_image(city) * a
    # reflection in the water
    top = img[:horizon]
    flipped = top[::-1][: h - horizon]
    yy, _ = np.mgrid[0:h - horizon, 0:w]
    wobble = (np.sin(yy / U * 0.9 + fbm(w, h - horizon, 30, 9) * 12) * 4 * U).astype(int)
    cols = np.clip(np.arange(w)[None, :] + wobble, 0, w - 1)
    reflection = flipped[np.arange(h - horizon)[:, None], cols]
    fade = np.linspace(0.75, 0.35, h - horizon)[:, None, None]
    water = np.broadcast_to(hexrgb("#0b0d24"), reflection.shape)
    img[horizon:] = reflection * fade + water * (1 - fade)
    return img


def aurora(w, h):
    img = sky(w, h, [(0, "#02040e"), (0.6, "#0b1836"), (1, "#12284a")])
    img += stars(w, h, 4, 900, 0.8, 0.9)[..., None] * 255
    x, y = grid(w, h)
    for i, (colour, amp, yc, thick) in enumerate([("#3dffa0", 0.08, 0.32, 0.16), ("#7cf7d4", 0.06, 0.25, 0.1),
                                                 ("#b36bff", 0.05, 0.18, 0.08)]):
        curve = yc + amp * np.sin(x * (3 + i) * math.pi + i) + 0.05 * (fbm(w, 1 * h, 220, 20 + i, 3) - 0.5)
        d = (y - curve) / thick
        band = np.exp(-np.where(d < 0, d * d * 6, d * d * 0.6))  # sharp top, soft curtain below
        rays = 0.55 + 0.45 * fbm(w, h, 12, 30 + i, 2)[:1].repeat(h, 0)
        a = np.clip(band * rays * (0.9 - 0.2 * i), 0, 1)
        img = img + hexrgb(colour) * a[..., None] * 0.9
    snow = 0.72 * h - 0.1 * h * noise1d(w, 260, 8) - 0.03 * h * np.sin(np.linspace(0, 5, w))
    m = ridge_mask(w, h, snow)
    shade = 0.8 + 0.2 * fbm(w, h, 80, 13)
    img = mix(img, np.broadcast_to(hexrgb("#b7c9e6"), img.shape) * shade[..., None], m)
    trees = mask_from_draw(w, h, lambda d, s: [pine(d, float(tx), float(snow[int(tx * U)] / U + 8), float(th),
                                                    float(th * 0.45), s, 255)
                                             for tx, th in zip(np.linspace(30, 740, 14) + rng(5).normal(0, 12, 14),
                                                               rng(6).uniform(60, 130, 14))])
    return mix(img, np.broadcast_to(hexrgb("#071022"), img.shape), trees)


def milky_way(w, h):
    img = sky(w, h, [(0, "#04030d"), (0.7, "#141a3c"), (1, "#2a2a55")])
    x, y = grid(w, h)
    band_d = (y - (0.9 - 0.8 * x)) / 0.18
    band = np.exp(-band_d**2)
    dust = fbm(w, h, 90, 21)
    glow_c = ramp(fbm(w, h, 200, 22), [(0, "#6a4c9c"), (0.5, "#d9a6c9"), (1, "#ffe2c4")])
    img = mix(img, glow_c, np.clip(band * (0.3 + 0.9 * dust) * (1 - 0.8 * smoothstep(0.55, 0.7, fbm(w, h, 30, 23))), 0, 0.85))
    img += stars(w, h, 24, 2500, 1.0, 0.9)[..., None] * 255 * (0.6 + band[..., None])
    hills = h * 0.82 - 0.1 * h * noise1d(w, 300, 25)
    img = mix(img, np.broadcast_to(hexrgb("#05040a"), img.shape), ridge_mask(w, h, hills))
    tree = mask_from_draw(w, h, lambda d, s: pine(d, 180, float(hills[int(180 * U)]) / U + 6, 110, 50, s, 255))
    return mix(img, np.broadcast_to(hexrgb("#05040a"), img.shape), tree)


def sea_sunset(w, h):
    horizon = int(h * 0.55)
    img = sky(w, h, [(0, "#2b1d5c"), (0.3, "#a23d6e"), (0.48, "#f2794e"), (0.55, "#ffc46b"), (1, "#ffc46b")],
              seed=31, clouds=0.6)
    cx, cy = w / 2 / U, horizon / U  # in design units
    sun = mask_from_draw(w, h, lambda d, s: d.ellipse([(cx - 55) * s, (cy - 70) * s, (cx + 55) * s,
                                                       (cy + 40) * s], fill=255))
    img = mix(img, np.broadcast_to(hexrgb("#fff0b8"), img.shape),
              np.clip(sun + glow(w, h, w / 2, horizon - 15 * U, 90) * 0.5, 0, 1))
    x, y = grid(w, h)
    sea_t = (y * h - horizon) / (h - horizon)
    sea = ramp(sea_t, [(0, "#e8795a"), (0.3, "#8a3e66"), (1, "#1e1740")])
    waves = np.sin((1 / (sea_t + 0.05)) * 18 + fbm(w, h, 40, 32) * 6 + x * 3)
    glitter = np.exp(-((x - 0.5) / (0.05 + 0.25 * sea_t)) ** 2) * smoothstep(0.6, 1, waves) * (1 - sea_t * 0.4)
    sea = sea * (0.9 + 0.1 * waves[..., None]) + hexrgb("#ffd890") * glitter[..., None] * 0.9
    img[horizon:] = sea[horizon:]
    return img


def beach(w, h):
    img = sky(w, h, [(0, "#2d7fd0"), (0.45, "#8fd0f5"), (1, "#c8ecff")], seed=41, clouds=1.0)
    x, y = grid(w, h)
    horizon = 0.45
    shore = 0.68 + 0.05 * np.sin(x * 5 + 1) + 0.02 * (noise1d(w, 120, 42) - 0.5)
    sea = ramp((y - horizon) / 0.3, [(0, "#1b6fa8"), (0.6, "#1fb5c4"), (1, "#7ff0e0")])
    sea = sea * (0.92 + 0.08 * np.sin(y * 300 + fbm(w, h, 40, 43) * 8)[..., None])
    img = np.where((y > horizon)[..., None], sea, img)
    foam = smoothstep(0.015, 0, np.abs(y - shore)) + 0.5 * smoothstep(0.012, 0, np.abs(y - shore + 0.05 + 0.01 * np.sin(x * 17)))
    sand = ramp((y - shore) / 0.3, [(0, "#e9d3a6"), (1, "#f6e2b8")]) * (0.94 + 0.06 * fbm(w, h, 4, 44, 2)[..., None])
    wet = smoothstep(0.05, 0, y - shore)
    sand = mix(sand, hexrgb("#c9ab7c") * np.ones_like(sand), wet * 0.6)
    img = np.where((y > shore)[..., None], sand, img)
    img = mix(img, np.full_like(img, 250), np.clip(foam, 0, 1) * (y > horizon + 0.05))

    def palm(d, s):
        pts = [(600 + 60 * math.sin(t * 1.2) * t, 470 - 330 * t) for t in np.linspace(0, 1, 30)]
        for (x0, y0), (x1, y1), t in zip(pts, pts[1:], np.linspace(0, 1, 29)):
            d.line([x0 * s, y0 * s, x1 * s, y1 * s], fill=255, width=int((16 - 9 * t) * s))
        cx, cy = pts[-1]
        for angle in np.linspace(-2.8, 0.3, 9):
            leaf = []
            for t in np.linspace(0, 1, 12):
                lx = cx + math.cos(angle) * 150 * t
                ly = cy + math.sin(angle) * 90 * t + 80 * t * t
                leaf.append((lx, ly))
            for (x0, y0), (x1, y1), t in zip(leaf, leaf[1:], np.linspace(0, 1, 11)):
                d.line([x0 * s, y0 * s, x1 * s, y1 * s], fill=255, width=max(1, int((14 * (1 - t) + 2) * s)))
    m = mask_from_draw(w, h, palm)
    return mix(img, np.broadcast_to(hexrgb("#1f3a2a"), img.shape), m)


def forest(w, h):
    img = sky(w, h, [(0, "#c9dcd2"), (0.5, "#e8efe0"), (1, "#f3f1dc")])
    x, y = grid(w, h)
    rays = np.clip(np.sin((x - y * 0.6) * 40) * 0.5 + 0.5, 0, 1) ** 8 * (1 - y) * 0.25
    img = mix(img, np.full_like(img, 255), rays)
    r = rng(51)
    layers = [("#9fb8ad", 0.55, 70), ("#6f9485", 0.68, 95), ("#41695d", 0.82, 125), ("#1d3b33", 0.98, 170)]
    for i, (colour, base, size) in enumerate(layers):
        count = 26 - i * 4
        xs = np.sort(r.uniform(-30, w / U + 30, count))
        hs = r.uniform(0.7, 1.3, count) * size * 1.7
        m = mask_from_draw(w, h, lambda d, s, xs=xs, hs=hs, base=base, size=size: [
            pine(d, float(tx), base * h / U, float(th), size * 0.75, s, 255) for tx, th in zip(xs, hs)])
        ground = ridge_mask(w, h, np.full(w, base * h - 2))
        m = np.clip(m + ground, 0, 1)
        img = mix(img, np.broadcast_to(hexrgb(colour), img.shape), m)
        fog = smoothstep(base * h - 80 * U, base * h, y * h) * 0.35
        img = mix(img, np.broadcast_to(hexrgb("#e6eee4"), img.shape), fog * (i < 3))
    return img


def lake(w, h):
    horizon = int(h * 0.56)
    img = sky(w, h, [(0, "#3d6fb6"), (0.5, "#a9c9e8"), (0.56, "#f2d6b5")], seed=61, clouds=0.8)
    img = layered_ridges(img, w, h, [(0.48, 0.3, 140, "#6c7fa8", "#b8c6e0", 0.7),
                                     (0.53, 0.2, 90, "#3e5478", "#8aa0c4", 0.4)], seed=62)
    trees = mask_from_draw(w, h, lambda d, s: [pine(d, float(tx), horizon / U + 2.0, float(th), float(th * 0.4), s, 255)
                                             for tx, th in zip(np.linspace(0, w / U, 40) + rng(63).normal(0, 6, 40),
                                                               rng(64).uniform(30, 75, 40))])
    img = mix(img, np.broadcast_to(hexrgb("#1c3329"), img.shape), trees)
    rows = h - horizon
    src = img[horizon - rows:horizon][::-1]
    yy, _ = np.mgrid[0:rows, 0:w]
    wob = (np.sin(yy / U * 0.7 + fbm(w, rows, 50, 65) * 10) * (1 + yy / rows * 4) * U).astype(int)
    cols = np.clip(np.arange(w)[None, :] + wob, 0, w - 1)
    refl = src[np.arange(rows)[:, None], cols]
    water = np.broadcast_to(hexrgb("#26405e"), refl.shape)
    img[horizon:] = mix(refl, water, np.linspace(0.15, 0.55, rows)[:, None])
    return img


def cat_moon(w, h):
    img = sky(w, h, [(0, "#0d1033"), (0.6, "#2b2f6e"), (1, "#6b5a9e")])
    img += stars(w, h, 71, 400, 0.7, 0.7)[..., None] * 255
    mx, my, mr = 470, 210, 150
    moon = mask_from_draw(w, h, lambda d, s: d.ellipse([(mx - mr) * s, (my - mr) * s, (mx + mr) * s, (my + mr) * s], fill=255))
    craters = 0.88 + 0.12 * fbm(w, h, 60, 72)
    moon_c = hexrgb("#fbf1cf") * craters[..., None]
    img = mix(img, np.broadcast_to(hexrgb("#fff4d0"), img.shape), np.clip(glow(w, h, mx * U, my * U, 190, 3) * 0.6, 0, 1))
    img = mix(img, moon_c, moon)

    def cat(d, s):
        sc = lambda pts: [(px * s, py * s) for px, py in pts]  # noqa: E731
        d.rectangle([0, 430 * s, w * s, h * s], fill=255)  # roof ridge
        d.polygon(sc([(0, 440), (w, 420), (w, h), (0, h)]), fill=255)
        d.ellipse(sc([(360, 300), (480, 440)]), fill=255)  # body
        d.ellipse(sc([(385, 235), (455, 305)]), fill=255)  # head
        d.polygon(sc([(388, 262), (392, 212), (414, 244)]), fill=255)  # ears
        d.polygon(sc([(452, 262), (448, 212), (426, 244)]), fill=255)
        tail = [(470 + 60 * math.sin(t * 2.6), 425 - 120 * t + 30 * t * t) for t in np.linspace(0, 1, 20)]
        d.line(sc(tail), fill=255, width=int(14 * s), joint="curve")
    m = mask_from_draw(w, h, cat)
    return mix(img, np.broadcast_to(hexrgb("#0a0a1a"), img.shape), m)


def heron(w, h):
    img = sky(w, h, [(0, "#f6b27a"), (0.5, "#fbd9a0"), (0.62, "#ffe9c0"), (1, "#f0c090")])
    sun = mask_from_draw(w, h, lambda d, s: d.ellipse([150 * s, 150 * s, 290 * s, 290 * s], fill=255))
    img = mix(img, np.broadcast_to(hexrgb("#ff8a4a"), img.shape), sun * 0.85)
    x, y = grid(w, h)
    water_y = 0.66
    water = ramp((y - water_y) / 0.34, [(0, "#f3c79a"), (1, "#c98a68")])
    ripples = np.sin(y * 600 + fbm(w, h, 50, 81) * 10) * 0.04
    img = np.where((y > water_y)[..., None], water * (1 + ripples[..., None]), img)
    refl_sun = np.exp(-((x - 0.29) / 0.08) ** 2) * (y > water_y) * smoothstep(0.2, 1, np.sin(y * 400)) * 0.5
    img = mix(img, np.broadcast_to(hexrgb("#ff9a5a"), img.shape), refl_sun)

    def bird(d, s):
        sc = lambda pts: [(px * s, py * s) for px, py in pts]  # noqa: E731
        d.ellipse(sc([(470, 200), (560, 260)]), fill=255)  # body
        d.polygon(sc([(550, 215), (600, 250), (545, 255)]), fill=255)  # tail feathers
        neck = [(485 - 20 * math.sin(t * 3), 220 - 90 * t) for t in np.linspace(0, 1, 16)]
        d.line(sc(neck), fill=255, width=int(11 * s), joint="curve")
        hx, hy = neck[-1]
        d.ellipse(sc([(hx - 12, hy - 10), (hx + 12, hy + 8)]), fill=255)
        d.polygon(sc([(hx - 8, hy - 5), (hx - 60, hy + 4), (hx - 8, hy + 5)]), fill=255)  # beak
        d.line(sc([(515, 255), (512, 345)]), fill=255, width=int(4 * s))  # leg
        d.line(sc([(520, 255), (540, 300), (516, 310)]), fill=255, width=int(4 * s))  # bent leg
    rng_r = rng(82)

    def reeds(d, s):
        for _ in range(90):
            bx = rng_r.uniform(0, w / U)
            if 300 < bx < 720 and rng_r.random() < 0.6:
                continue
            top = rng_r.uniform(250, 380)
            lean = rng_r.normal(0, 20)
            d.line([bx * s, h * s, (bx + lean) * s, top * s], fill=255, width=int(rng_r.uniform(1.5, 3.5) * s))
            if rng_r.random() < 0.4:
                d.ellipse([(bx + lean - 3) * s, top * s, (bx + lean + 3) * s, (top + 26) * s], fill=255)
    m = np.clip(mask_from_draw(w, h, bird) + mask_from_draw(w, h, reeds), 0, 1)
    return mix(img, np.broadcast_to(hexrgb("#3a2020"), img.shape), m)


def tulips(w, h):
    img = sky(w, h, [(0, "#4f8fe0"), (0.4, "#b8dcf7")], seed=91, clouds=0.9)
    x, y = grid(w, h)
    horizon = 0.42
    field_y = np.clip((y - horizon) / (1 - horizon), 1e-3, 1)
    depth = 1 / field_y  # perspective: rows converge toward the horizon
    u = (x - 0.5) * depth * 6
    row = np.floor(u)
    colours = np.stack([hexrgb(c) for c in ("#e8333c", "#ff9a1f", "#ffd23a", "#e83c8f", "#b43ce0", "#ffffff")])
    row_colour = colours[(row.astype(int) % len(colours))]
    stripe = np.abs(u - row - 0.5)
    flower = smoothstep(0.42, 0.2, stripe)
    bumps = fbm(w, h, 3, 92, 2)
    flower *= smoothstep(0.2, 0.5, bumps + 0.15 * (1 - field_y))
    leaf = ramp(field_y, [(0, "#5d8f3a"), (1, "#2f5e21")])
    field = mix(leaf, row_colour * (0.75 + 0.35 * bumps[..., None]), np.clip(flower * 1.2, 0, 1))
    field = mix(field, np.broadcast_to(hexrgb("#c8d8e8"), field.shape), smoothstep(0.12, 0, field_y) * 0.7)
    img = np.where((y > horizon)[..., None], field, img)

    def mill(d, s):
        cx, cy = 590, 150
        d.polygon([((cx - 22) * s, (horizon * h / U + 2) * s), ((cx + 22) * s, (horizon * h / U + 2) * s),
                   ((cx + 12) * s, cy * s), ((cx - 12) * s, cy * s)], fill=255)
        for a in (0.3, 0.3 + math.pi / 2, 0.3 + math.pi, 0.3 + 3 * math.pi / 2):
            ex, ey = cx + math.cos(a) * 75, cy + math.sin(a) * 75
            d.line([cx * s, cy * s, ex * s, ey * s], fill=255, width=int(7 * s))
    return mix(img, np.broadcast_to(hexrgb("#4a3a48"), img.shape), mask_from_draw(w, h, mill) * 0.9)


def lighthouse(w, h):
    img = sky(w, h, [(0, "#0f1c3f"), (0.5, "#3d4f87"), (0.62, "#d98a7a"), (0.7, "#f4c08a")], seed=101, clouds=0.3)
    x, y = grid(w, h)
    lx, ly = 560 * U, 150 * U
    angle = np.arctan2(y * h - ly, x * w - lx)
    beam = np.exp(-((angle - math.pi + 0.2) / 0.07) ** 2) * smoothstep(0.0, 0.3, np.abs(x * w - lx) / w) * 0.7
    img = img + hexrgb("#fff0c0") * beam[..., None] * 0.8
    img = mix(img, np.broadcast_to(hexrgb("#fff4c8"), img.shape), np.clip(glow(w, h, lx, ly, 18, 2) * 1.2, 0, 1))
    sea_y = 0.7
    sea = ramp((y - sea_y) / 0.3, [(0, "#6b5d8a"), (1, "#1b2145")])
    sea = sea * (0.9 + 0.1 * np.sin(y * 500 + fbm(w, h, 60, 102) * 10)[..., None])
    img = np.where((y > sea_y)[..., None], sea, img)
    cliff_profile = np.where(np.arange(w) > 430 * U, h * 0.42 + 20 * U * noise1d(w, 60, 103), h * 1.2)
    cliff_profile = np.minimum(cliff_profile, h * 0.42 + (430 * U - np.arange(w)).clip(0) * 3)
    cliff = ridge_mask(w, h, cliff_profile)
    rock = ramp(fbm(w, h, 30, 104), [(0, "#1a1526"), (1, "#3b2e45")])
    img = mix(img, rock, cliff)

    def tower(d, s):
        d.polygon([(535 * s, 220 * s), (585 * s, 220 * s), (577 * s, 160 * s), (543 * s, 160 * s)], fill=1)
        d.rectangle([540 * s, 135 * s, 580 * s, 160 * s], fill=2)
        d.polygon([(536 * s, 137 * s), (584 * s, 137 * s), (560 * s, 112 * s)], fill=1)
    t = Image.new("L", (w * SS, h * SS), 0)
    tower(ImageDraw.Draw(t), SS * U)
    t = np.asarray(t.resize((w, h), Image.Resampling.NEAREST))
    stripes = (np.sin(y * h / U * 0.45) > 0)
    body = np.where(stripes[..., None], hexrgb("#e8e0e0"), hexrgb("#b8323a"))
    img = np.where((t == 1)[..., None], body * 0.85, img)
    img = np.where((t == 2)[..., None], hexrgb("#ffe9a8"), img)
    return img


def hills(w, h):
    img = sky(w, h, [(0, "#3f86d8"), (0.6, "#bfe0f7")], seed=111, clouds=1.2)
    x, y = grid(w, h)
    colours = [("#a8cf74", "#7fb05a"), ("#7fbf5a", "#5a9a40"), ("#5aa046", "#3c7a32"), ("#3f8a3a", "#2a6028")]
    for i, (light, dark) in enumerate(colours):
        base = 0.5 + 0.13 * i
        profile = h * base - h * 0.09 * np.sin(np.arange(w) / w * (2.5 + i * 0.7) * math.pi + i * 2) - h * 0.03 * noise1d(w, 150, 112 + i)
        m = ridge_mask(w, h, profile)
        shade = smoothstep(-0.05, 0.12, (y * h - profile[None, :]) / h)
        col = mix(np.broadcast_to(hexrgb(light), img.shape), np.broadcast_to(hexrgb(dark), img.shape), shade)
        col = col * (0.95 + 0.05 * fbm(w, h, 8, 120 + i, 2)[..., None])
        img = mix(img, col, m)
        if i == 1:
            ty = profile[int(520 * U)] / U

            def tree(d, s, ty=ty):
                d.rectangle([515 * s, (ty - 70) * s, 525 * s, (ty + 4) * s], fill=255)
                for cx, cy, r in ((520, ty - 100, 45), (490, ty - 80, 30), (552, ty - 82, 32), (520, ty - 130, 30)):
                    d.ellipse([(cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s], fill=255)
            img = mix(img, np.broadcast_to(hexrgb("#2d4a24"), img.shape), mask_from_draw(w, h, tree))
    return img


def planet(w, h):
    x, y = grid(w, h)
    neb = fbm(w, h, 220, 121, 6)
    img = ramp(neb, [(0, "#020208"), (0.45, "#12082a"), (0.62, "#4a1a6a"), (0.75, "#d0467a"), (1, "#ffb36b")])
    img = img * (0.5 + 0.5 * smoothstep(0.3, 0.8, fbm(w, h, 90, 122)))[..., None]
    img += stars(w, h, 123, 1500, 1.0, 1.0)[..., None] * 255
    cx, cy, r = 330 * U, 270 * U, 150 * U
    dx, dy = (x * w - cx) / r, (y * h - cy) / r
    d2 = dx * dx + dy * dy
    inside = np.clip((1 - d2) * r * 0.5, 0, 1)
    nz = np.sqrt(np.clip(1 - d2, 0, 1))
    light = np.clip(-dx * 0.6 - dy * 0.4 + nz * 0.7, 0, 1)
    bands = ramp(0.5 + 0.5 * np.sin(dy * 14 + fbm(w, h, 30, 124) * 3), [(0, "#c98a4a"), (0.5, "#f0d09a"), (1, "#a0603a")])
    body = bands * (0.08 + 0.95 * light[..., None])
    ring_u = dx * math.cos(0.35) + dy * math.sin(0.35)
    ring_v = (-dx * math.sin(0.35) + dy * math.cos(0.35)) * 4.5
    rr = np.sqrt(ring_u**2 + ring_v**2)
    ring = smoothstep(1.35, 1.4, rr) * smoothstep(2.25, 2.15, rr) * (0.6 + 0.4 * np.sin(rr * 60))
    behind = ring_v < 0
    img = mix(img, np.broadcast_to(hexrgb("#e8c89a"), img.shape), ring * behind * 0.85)
    img = mix(img, body, inside)
    img = mix(img, np.broadcast_to(hexrgb("#f0d8a8"), img.shape), ring * (~behind) * 0.9 * np.clip(0.4 + light + (d2 > 1), 0, 1))
    for mx, my, mr in ((620, 120, 22), (680, 400, 12)):
        m = mask_from_draw(w, h, lambda d, s, mx=mx, my=my, mr=mr: d.ellipse([(mx - mr) * s, (my - mr) * s, (mx + mr) * s, (my + mr) * s], fill=255))
        shade = np.clip(1.2 - ((x * w / U - mx + mr * 0.5) ** 2 + (y * h / U - my + mr * 0.5) ** 2) ** 0.5 / (mr * 1.6),
                        0.1, 1)
        img = mix(img, hexrgb("#d8d0e8") * shade[..., None], m)
    return img


def cherry_blossom(w, h):
    x, y = grid(w, h)
    img = ramp(x * 0.6 + y * 0.4, [(0, "#bfe3f5"), (0.6, "#f6dbe8"), (1, "#fbeef2")])
    r = rng(131)
    bokeh = np.zeros((h, w), np.float32)
    for _ in range(25):
        bokeh += glow(w, h, r.uniform(0, w), r.uniform(0, h), r.uniform(15, 40), 8) * r.uniform(0.2, 0.5)
    S = SS * U  # noqa: N806  (the branches and petals are drawn in design units)
    img = mix(img, np.broadcast_to(hexrgb("#ffffff"), img.shape), np.clip(bokeh, 0, 0.6))
    branch_img = Image.new("L", (w * SS, h * SS), 0)
    petals_img = Image.new("RGBA", (w * SS, h * SS), (0, 0, 0, 0))
    db, dp = ImageDraw.Draw(branch_img), ImageDraw.Draw(petals_img)
    tips = []

    def grow(x0, y0, angle, length, width, depth):
        x1, y1 = x0 + math.cos(angle) * length, y0 + math.sin(angle) * length
        db.line([x0 * S, y0 * S, x1 * S, y1 * S], fill=255, width=max(1, int(width * S)))
        db.ellipse([(x1 - width / 2) * S, (y1 - width / 2) * S, (x1 + width / 2) * S, (y1 + width / 2) * S], fill=255)
        if depth == 0:
            tips.append((x1, y1))
            return
        for turn in (r.uniform(-0.7, -0.2), r.uniform(0.1, 0.6)):
            grow(x1, y1, angle + turn, length * r.uniform(0.62, 0.8), width * 0.68, depth - 1)
        if depth < 3:
            tips.append((x1, y1))
    grow(-20, 120, 0.25, 190, 26, 6)
    for tx, ty in tips:
        for _ in range(3):
            bx, by = tx + r.normal(0, 14), ty + r.normal(0, 14)
            size = r.uniform(7, 12)
            pink = tuple(int(c) for c in hexrgb(["#f7a8c4", "#f28db2", "#fbc8da", "#ffffff"][r.integers(0, 4)])) + (255,)
            for k in range(5):
                a = k * 2 * math.pi / 5 + r.uniform(0, 1)
                px, py = bx + math.cos(a) * size * 0.7, by + math.sin(a) * size * 0.7
                dp.ellipse([(px - size * 0.6) * S, (py - size * 0.6) * S, (px + size * 0.6) * S, (py + size * 0.6) * S], fill=pink)
            dp.ellipse([(bx - 2.5) * S, (by - 2.5) * S, (bx + 2.5) * S, (by + 2.5) * S], fill=(200, 60, 110, 255))
    bm = np.asarray(branch_img.resize((w, h), Image.Resampling.LANCZOS), np.float32) / 255
    img = mix(img, np.broadcast_to(hexrgb("#4a2c2a"), img.shape), bm)
    petals = np.asarray(petals_img.resize((w, h), Image.Resampling.LANCZOS), np.float32)
    return mix(img, petals[..., :3], petals[..., 3] / 255)


# --- style ------------------------------------------------------------------------------------------------
def advect(field_x, field_y, tex, steps=18, step=1.5):
    """Line integral convolution: smear `tex` along the vector field (gives brush-stroke streaks)."""
    h, w = tex.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    acc = tex.copy()
    for sign in (1, -1):
        px, py = xx.copy(), yy.copy()
        for _ in range(steps):
            ix, iy = px.astype(int) % w, py.astype(int) % h
            px += sign * field_x[iy, ix] * step * U
            py += sign * field_y[iy, ix] * step * U
            acc += tex[py.astype(int) % h, px.astype(int) % w]
    return acc / (2 * steps + 1)


def swirls(w, h):
    x, y = grid(w, h)
    r = rng(201)
    vx, vy = np.zeros((h, w), np.float32), np.zeros((h, w), np.float32)
    centres = [(r.uniform(0.1, 0.9), r.uniform(0.1, 0.9), r.uniform(0.08, 0.2)) for _ in range(7)]
    for cx, cy, rad in centres:
        dx, dy = x - cx, y - cy
        d = np.sqrt(dx * dx + dy * dy) + 1e-3
        strength = np.exp(-(d / (rad * 2.2)) ** 2)
        vx += -dy / d * strength
        vy += dx / d * strength
    flow = fbm(w, h, 200, 202) * math.pi * 2
    vx += 0.5 * np.cos(flow)
    vy += 0.25 * np.sin(flow)
    norm = np.sqrt(vx * vx + vy * vy) + 1e-6
    vx, vy = vx / norm, vy / norm
    tex = (r.random((h, w)) > 0.8).astype(np.float32)
    tex = blur(tex, 0.7)
    streaks = advect(vx, vy, tex, steps=16, step=1.6)
    streaks = (streaks - streaks.min()) / (streaks.max() - streaks.min())
    tone = fbm(w, h, 160, 203) * 0.7 + 0.3 * y
    for cx, cy, rad in centres[:3]:
        tone = tone - 0.6 * np.exp(-(((x - cx) ** 2 + (y - cy) ** 2) / (rad * 0.8) ** 2))
    base = ramp(tone, [(0, "#f7e46a"), (0.25, "#e8c440"), (0.4, "#6fa0c8"), (0.6, "#2c5b9c"), (0.8, "#1a3a78"), (1, "#0e2050")])
    light = ramp(tone, [(0, "#fffbd0"), (0.4, "#d8eef8"), (1, "#5f8fd0")])
    return mix(base * 0.85, light, np.clip(streaks * 1.6 - 0.2, 0, 1))


def voronoi(w, h, points, reach=None):
    """Nearest and second-nearest distance and index for every pixel. With `reach` (pixels), each point only
    counts within that distance: exact where every pixel has its two nearest points that close, and fast."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d1 = np.full((h, w), np.inf, np.float32)
    d2 = np.full((h, w), np.inf, np.float32)
    idx = np.zeros((h, w), np.int32)
    for i, (px, py) in enumerate(points):
        if reach is None:
            window = np.s_[:, :]
        else:
            x0, x1 = int(max(0, px - reach)), int(min(w, px + reach + 1))
            y0, y1 = int(max(0, py - reach)), int(min(h, py + reach + 1))
            if x0 >= x1 or y0 >= y1:
                continue
            window = np.s_[y0:y1, x0:x1]
        d = np.sqrt((xx[window] - px) ** 2 + (yy[window] - py) ** 2)
        near, second = d1[window], d2[window]
        closer = d < near
        d2[window] = np.where(closer, near, np.minimum(second, d))
        idx[window] = np.where(closer, i, idx[window])
        d1[window] = np.where(closer, d, near)
    return d1, d2, idx


def mosaic(w, h):
    x, y = grid(w, h)
    r = rng(211)
    tile = 22 * U
    gx, gy = np.meshgrid(np.arange(0, w + tile, tile), np.arange(0, h + tile, tile))
    # tiles follow concentric rings around the centre (opus vermiculatum), jittered
    pts = np.stack([gx.ravel() + r.normal(0, 3, gx.size) * U, gy.ravel() + r.normal(0, 3, gy.size) * U], 1)
    d1, d2, idx = voronoi(w, h, pts, reach=3 * tile)
    d1, d2 = d1 / U, d2 / U
    cx, cy = pts[idx, 0] / w - 0.5, pts[idx, 1] / h - 0.5
    rad = np.sqrt(cx**2 + cy**2)
    ang = np.arctan2(cy, cx)
    pattern = 0.5 + 0.5 * np.sin(rad * 28 + 3 * np.sin(ang * 6))
    jitter = r.random(len(pts))[idx]
    colour = ramp(pattern * 0.85 + jitter * 0.15, [(0, "#1f4e79"), (0.3, "#2f8f9d"), (0.55, "#e8d8a8"),
                                                   (0.75, "#d9822b"), (1, "#a8322d")])
    colour *= (0.85 + 0.3 * jitter)[..., None]
    grout = smoothstep(1.0, 3.0, d2 - d1)
    bevel = 1 - 0.25 * smoothstep(6, 12, d1)
    return mix(np.broadcast_to(hexrgb("#d8d2c4"), colour.shape) * 0.6, colour * bevel[..., None], grout)


def stained_glass(w, h):
    r = rng(221)
    pts = np.stack([r.uniform(0, w, 110), r.uniform(0, h, 110)], 1)
    d1, d2, idx = voronoi(w, h, pts)
    d1, d2 = d1 / U, d2 / U
    palette = np.stack([hexrgb(c) for c in ("#b0132c", "#1a4fb5", "#f2b705", "#0c8a5b", "#7a2fa3", "#e85d04", "#1e9fc2")])
    cell_colour = palette[r.integers(0, len(palette), len(pts))][idx]
    x, y = grid(w, h)
    light = 0.55 + 0.6 * glow(w, h, w * 0.45, h * 0.35, 350, 2)
    texture = 0.85 + 0.3 * fbm(w, h, 12, 222, 3)
    inner = smoothstep(0, 40, d1)
    glass = cell_colour * (light * texture * (1.1 - 0.35 * inner))[..., None]
    lead = smoothstep(2.5, 4.5, d2 - d1)
    return mix(np.broadcast_to(hexrgb("#141414"), glass.shape), glass, lead)


def watercolour(w, h):
    x, y = grid(w, h)
    paper = 242 + 10 * (fbm(w, h, 3, 231, 2) - 0.5)
    img = np.stack([paper, paper - 3, paper - 10], -1)
    r = rng(232)
    palette = ["#e85a71", "#4ea1d3", "#f7c35f", "#6dbb8a", "#9a6fd0", "#f08a4b", "#3f6fb5"]
    for i in range(22):
        cx, cy, rad = r.uniform(0, 1), r.uniform(0, 1), r.uniform(0.08, 0.25)
        warp = fbm(w, h, 90, 240 + i, 4)
        d = np.sqrt((x - cx) ** 2 + (y - cy) ** 2) / rad + (warp - 0.5) * 1.2
        blob = smoothstep(1.0, 0.75, d)
        edge = smoothstep(0.7, 0.95, d) * blob * 0.9
        pigment = hexrgb(palette[i % len(palette)])
        strength = (0.28 + 0.25 * fbm(w, h, 25, 260 + i, 3)) * blob + edge * 0.35
        img = img * (1 - strength[..., None]) + (img * pigment / 255) * strength[..., None]
    granulation = 0.94 + 0.06 * fbm(w, h, 2, 233, 2)
    return img * granulation[..., None]


def ukiyoe_waves(w, h):
    """Seigaiha: overlapping wave scales in Prussian blue, with white foam crests and spray."""
    img = np.broadcast_to(hexrgb("#efe3c6"), (h, w, 3)).copy()
    rad = 64 * U
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rows = int(h / (rad * 0.5)) + 3
    colours = [hexrgb(c) for c in ("#0e2a5c", "#1e4a8a", "#3f77b5", "#9cc3e0", "#efe3c6")]
    for row in range(rows):
        cy = row * rad * 0.5 - rad * 0.5
        offset = (row % 2) * rad
        for col in range(-1, int(w / (2 * rad)) + 2):
            cx = col * 2 * rad + offset
            x0, x1 = int(max(0, cx - rad)), int(min(w, cx + rad + 1))
            y0, y1 = int(max(0, cy - rad)), int(min(h, cy + 1))
            if x0 >= x1 or y0 >= y1:
                continue
            d = np.sqrt((xx[y0:y1, x0:x1] - cx) ** 2 + (yy[y0:y1, x0:x1] - cy) ** 2) / rad
            inside = d <= 1
            band = np.floor(d * 5).clip(0, 4).astype(int)
            ringc = np.stack(colours)[4 - band]
            ripple = 0.5 + 0.5 * np.cos(d * 5 * 2 * math.pi)
            foam = (ripple > 0.93) & (band < 4)
            ringc = np.where(foam[..., None], hexrgb("#fbf7ea"), ringc)
            region = img[y0:y1, x0:x1]
            region[inside] = ringc[inside]
    # bottom edge of every scale sits on top of the next row: redraw from bottom to top order is implicit
    paper = 0.93 + 0.07 * fbm(w, h, 3, 251, 2)
    spray = (rng(252).random((h, w)) > 1 - 0.003 / U**2).astype(np.float32)
    spray = np.clip(blur(spray, 1.0) * 6, 0, 1) * smoothstep(0.4, 0.7, fbm(w, h, 120, 253))
    img = mix(img * paper[..., None], np.full_like(img, 250), spray)
    return img


def pointillism(w, h):
    x, y = grid(w, h)
    base = ramp(y + 0.15 * (fbm(w, h, 200, 261) - 0.5), [(0, "#6fb7e8"), (0.45, "#f7d774"), (0.55, "#8ccf6a"), (1, "#2f7a4a")])
    base = mix(base, np.broadcast_to(hexrgb("#ff9a3c"), base.shape), glow(w, h, 560 * U, 260 * U, 90, 2) * 0.9)
    canvas = Image.new("RGB", (w * SS, h * SS), (246, 240, 226))
    d = ImageDraw.Draw(canvas)
    r = rng(262)
    n = 26000
    xs, ys = r.uniform(0, w, n), r.uniform(0, h, n)
    for px, py, jitter, size in zip(xs, ys, r.normal(0, 22, (n, 3)), r.uniform(2.2, 3.6, n) * U):
        c = base[int(py), int(px)] + jitter
        c = tuple(int(v) for v in np.clip(c, 0, 255))
        d.ellipse([(px - size) * SS, (py - size) * SS, (px + size) * SS, (py + size) * SS], fill=c)
    return from_image(canvas.resize((w, h), Image.Resampling.LANCZOS))


def cubist(w, h):
    r = rng(271)
    x, y = grid(w, h)
    label = np.zeros((h, w), np.int64)
    for _i in range(14):
        a = r.uniform(0, math.pi)
        px, py = r.uniform(0.1, 0.9), r.uniform(0.1, 0.9)
        side = (np.cos(a) * (x - px) + np.sin(a) * (y - py)) > 0
        label = label * 2 + side
    _, inverse = np.unique(label, return_inverse=True)
    inverse = inverse.reshape(h, w)
    n = inverse.max() + 1
    palette = np.stack([hexrgb(c) for c in ("#6b4226", "#b5793c", "#d9b26f", "#3d5a5b", "#8aa39b", "#2b2620", "#c25b3a", "#e8dcc0")])
    colours = palette[r.integers(0, len(palette), n)]
    grad_a = r.uniform(0, 2 * math.pi, n)
    shade = 0.75 + 0.35 * (np.cos(grad_a[inverse]) * x + np.sin(grad_a[inverse]) * y)
    img = colours[inverse] * shade[..., None]
    edges = (np.abs(np.diff(inverse, axis=0, prepend=inverse[:1])) + np.abs(np.diff(inverse, axis=1, prepend=inverse[:, :1]))) > 0
    edge = blur(edges.astype(np.float32), 1.0)
    img = mix(img, np.broadcast_to(hexrgb("#1c1712"), img.shape), np.clip(edge * 2.5, 0, 0.9))
    return img * (0.92 + 0.08 * fbm(w, h, 4, 272, 2))[..., None]


def marble(w, h):
    x, y = grid(w, h)
    turb = fbm(w, h, 300, 281, 4, gain=0.45)
    base = ramp(fbm(w, h, 300, 283), [(0, "#f6f3ee"), (1, "#e4dfd8")])
    veins = np.abs(np.sin((x * 1.4 + y * 0.9 + turb * 2.0) * math.pi * 1.5))
    img = mix(base, np.broadcast_to(hexrgb("#6f6e78"), base.shape), smoothstep(0.35, 0.0, veins) ** 2 * 0.55)
    img = mix(img, np.broadcast_to(hexrgb("#3b3a44"), img.shape), smoothstep(0.06, 0.0, veins) * 0.8)
    fine = np.abs(np.sin((x * 4.5 - y * 2.0 + fbm(w, h, 120, 282, 5) * 3.5) * math.pi))
    img = mix(img, np.broadcast_to(hexrgb("#9a98a2"), img.shape), smoothstep(0.04, 0.0, fine) * 0.45)
    gold = smoothstep(0.025, 0.0, np.abs(np.sin((x * 1.2 - y * 2.2 + turb * 2) * math.pi * 2)))
    gold *= smoothstep(0.45, 0.6, fbm(w, h, 160, 284))
    return mix(img, np.broadcast_to(hexrgb("#c9a24a"), img.shape), gold * 0.9)


def wood(w, h):
    x, y = grid(w, h)
    warp = fbm(w, h, 220, 291, 5)
    rings = (np.sqrt(((x - 0.35) * 0.25) ** 2 + (y - 1.3 + warp * 0.25) ** 2) * 60) % 1
    rings = smoothstep(0.0, 0.7, rings) * smoothstep(1.0, 0.8, rings)
    grain = fbm(w * 1, h, 6, 292, 2)
    streaks = np.asarray(Image.fromarray((grain * 255).astype(np.uint8)).resize((w // 12, h)).resize((w, h)), np.float32) / 255
    tone = rings * 0.6 + streaks * 0.25 + 0.15 * warp
    img = ramp(tone, [(0, "#5a2e14"), (0.4, "#8a4b22"), (0.7, "#b8743a"), (1, "#d9a05a")])
    knot = glow(w, h, w * 0.7, h * 0.45, 26, 3)
    img = mix(img, np.broadcast_to(hexrgb("#3a1c0c"), img.shape), np.clip(knot * 1.2, 0, 0.9))
    boards = (np.abs(((x * 3.0) % 1) - 0.0) < 0.004) | (np.abs(((x * 3.0) % 1) - 1) < 0.004)
    return mix(img, np.broadcast_to(hexrgb("#2a140a"), img.shape), boards * 0.8)


def art_deco(w, h):
    img = np.broadcast_to(hexrgb("#0f3b3a"), (h, w, 3)).copy()
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rad = 48 * U
    gold = hexrgb("#d9b46a")
    rows = int(h / rad) + 2
    for row in range(rows):
        cy = row * rad
        offset = (row % 2) * rad
        for col in range(-1, int(w / (2 * rad)) + 2):
            cx = col * 2 * rad + offset
            x0, x1 = int(max(0, cx - rad)), int(min(w, cx + rad + 1))
            y0, y1 = int(max(0, cy - rad)), int(min(h, cy + 1))
            if x0 >= x1 or y0 >= y1:
                continue
            dx, dy = xx[y0:y1, x0:x1] - cx, yy[y0:y1, x0:x1] - cy
            d = np.sqrt(dx * dx + dy * dy)
            ang = np.arctan2(-dy, dx)
            inside = (d <= rad) & (dy <= 0)
            fill = np.where(((d / rad * 4) % 1 < 0.85), 1, 0)
            rays = (np.abs(((ang / math.pi * 12) % 1) - 0.5) > 0.42) & (d > rad * 0.3)
            outline = (d > rad - 2.5 * U)
            base = np.where((row + col) % 3 == 0, hexrgb("#14524f")[None, None, :] * np.ones(d.shape + (1,)),
                            hexrgb("#0b2e2e")[None, None, :] * np.ones(d.shape + (1,)))
            col_arr = np.where((rays | outline | (fill == 0))[..., None], gold, base)
            region = img[y0:y1, x0:x1]
            region[inside] = col_arr[inside]
    sheen = 0.85 + 0.3 * grid(w, h)[0][..., None] * (1 - grid(w, h)[1][..., None])
    return img * sheen


def impasto(w, h):
    r = rng(311)
    x, y = grid(w, h)
    under = ramp(fbm(w, h, 180, 312), [(0, "#1d3557"), (0.35, "#457b9d"), (0.55, "#a8dadc"), (0.7, "#f1c453"), (1, "#e63946")])
    canvas = Image.new("RGB", (w, h), (40, 40, 60))
    height = Image.new("L", (w, h), 0)
    dc, dh = ImageDraw.Draw(canvas), ImageDraw.Draw(height)
    angle_field = fbm(w, h, 250, 313) * math.pi * 2
    for _ in range(5200):
        px, py = r.uniform(-10 * U, w + 10 * U), r.uniform(-10 * U, h + 10 * U)
        ix, iy = int(np.clip(px, 0, w - 1)), int(np.clip(py, 0, h - 1))
        a = angle_field[iy, ix] + r.normal(0, 0.25)
        length, width = r.uniform(14, 34) * U, r.uniform(5, 10) * U
        x1, y1 = px + math.cos(a) * length, py + math.sin(a) * length
        c = np.clip(under[iy, ix] + r.normal(0, 18, 3), 0, 255).astype(int)
        dc.line([px, py, x1, y1], fill=tuple(c), width=int(width))
        dh.line([px, py, x1, y1], fill=int(r.uniform(120, 255)), width=int(width))
    img = from_image(canvas)
    hmap = np.asarray(height.filter(ImageFilter.GaussianBlur(1.5 * U)), np.float32) / 255
    gy, gx = np.gradient(hmap * U)  # slopes per design unit
    shade = np.clip(1 + (-gx - gy) * 6, 0.6, 1.5)
    return img * shade[..., None]


def ink_wash(w, h):
    x, y = grid(w, h)
    paper = ramp(fbm(w, h, 200, 321), [(0, "#efe6d2"), (1, "#f7f0e0")]) * (0.96 + 0.04 * fbm(w, h, 2, 322, 2))[..., None]
    img = paper
    for i, (base, amp, darkness) in enumerate([(0.45, 0.35, 0.25), (0.62, 0.3, 0.45), (0.8, 0.25, 0.75)]):
        profile = h * base - amp * h * (noise1d(w, 120 - i * 20, 323 + i, 5) - 0.2)
        depth = (y * h - profile[None, :]) / (0.25 * h)
        wash = np.clip(1 - depth, 0, 1) ** 1.5 * (y * h > profile[None, :])
        wash = wash * (0.7 + 0.3 * fbm(w, h, 30, 330 + i, 4))
        wash = blur(wash, 1.5)
        img = mix(img, np.broadcast_to(hexrgb("#1a1a1f"), img.shape), wash * darkness)
    mist = smoothstep(0.55, 0.75, y) * smoothstep(0.95, 0.8, y) * 0.35
    img = mix(img, paper, mist)
    seal = mask_from_draw(w, h, lambda d, s: d.rectangle([680 * s, 60 * s, 720 * s, 100 * s], fill=255))
    img = mix(img, np.broadcast_to(hexrgb("#b8272c"), img.shape), seal * 0.9)
    birds = mask_from_draw(w, h, lambda d, s: [d.line([(bx - 9) * s, (by - 4) * s, bx * s, by * s, (bx + 9) * s, (by - 5) * s], fill=255, width=int(2 * s))
                                             for bx, by in ((200, 140), (230, 155), (260, 132))])
    return mix(img, np.broadcast_to(hexrgb("#222222"), img.shape), birds)


def halftone(w, h):
    x, y = grid(w, h)
    tone = fbm(w, h, 200, 341, 3)
    regions = ((x * 2 + y + tone) * 2).astype(int) % 4
    bgs = np.stack([hexrgb(c) for c in ("#ffde21", "#ff3e8a", "#20c4f4", "#ff8a1c")])
    dots = np.stack([hexrgb(c) for c in ("#e8202a", "#1b1b8f", "#ffde21", "#1b1b1b")])
    cell = 16 * U
    angle = math.radians(30)
    u = (x * w * math.cos(angle) - y * h * math.sin(angle)) / cell
    v = (x * w * math.sin(angle) + y * h * math.cos(angle)) / cell
    du, dv = u - np.round(u), v - np.round(v)
    d = np.sqrt(du * du + dv * dv)
    radius = 0.15 + 0.35 * glow(w, h, w * 0.35, h * 0.4, 250, 2) + 0.1 * tone
    dot = smoothstep(radius + 0.04, radius - 0.04, d)
    img = mix(bgs[regions], dots[regions], dot)
    edges = np.abs(np.diff(regions, axis=1, prepend=regions[:, :1])) + np.abs(np.diff(regions, axis=0, prepend=regions[:1]))
    outline = np.clip(blur((edges > 0).astype(np.float32), 1.2) * 4, 0, 1)
    return mix(img, np.broadcast_to(hexrgb("#111111"), img.shape), outline)


def kaleidoscope(w, h):
    x, y = grid(w, h)
    dx, dy = x - 0.5, y - 0.5
    rad = np.sqrt(dx * dx + dy * dy)
    ang = np.arctan2(dy, dx)
    seg = math.pi / 6
    a = np.abs((ang % (2 * seg)) - seg)
    u, v = rad * np.cos(a), rad * np.sin(a)
    side = round(512 * U)  # the texture the mirrors repeat, at the picture's resolution
    src = fbm(side, side, 60, 351, 5)
    ui = np.clip((u * 900 * U).astype(int), 0, side - 1)
    vi = np.clip((v * 900 * U).astype(int), 0, side - 1)
    t = src[vi, ui]
    hue = (t * 2.2 + rad * 2) % 1
    hsv = np.stack([hue * 255, np.full_like(hue, 210), 120 + 135 * smoothstep(0.3, 0.7, t)], -1)
    img = from_image(Image.fromarray(hsv.astype(np.uint8), "HSV").convert("RGB"))
    rings = smoothstep(0.02, 0.0, np.abs(np.sin(rad * 40 + t * 3)) * 0.2)
    img = mix(img, np.broadcast_to(hexrgb("#fff6e0"), img.shape), rings * 0.5)
    return img * (1 - smoothstep(0.45, 0.75, rad) * 0.6)[..., None]


def flames(w, h):
    x, y = grid(w, h)
    warp_x = fbm(w, h, 90, 361, 4)
    warp = fbm(w, h, 60, 362, 5)
    yy = y + 0.25 * (warp - 0.5)
    tongues = 0.5 + 0.5 * np.sin((x + 0.15 * warp_x) * 22 + warp * 5)
    heat = np.clip(yy * 1.25 - 0.25 + 0.35 * (tongues - 0.5) + 0.25 * (fbm(w, h, 25, 363, 4) - 0.5), 0, 1)
    img = ramp(heat, [(0, "#06010a"), (0.25, "#3a0612"), (0.45, "#a3150f"), (0.6, "#f2550f"), (0.78, "#ffb22e"), (1, "#fff2b0")])
    embers = (rng(364).random((h, w)) > 1 - 0.002 / U**2).astype(np.float32)
    embers = np.clip(blur(embers, 1.0) * 8, 0, 1) * (1 - y)
    return img + hexrgb("#ffb040") * embers[..., None]


def tie_dye(w, h):
    x, y = grid(w, h)
    dx, dy = x - 0.5, y - 0.5
    rad = np.sqrt(dx * dx + dy * dy)
    ang = np.arctan2(dy, dx)
    t = (ang / (2 * math.pi) * 3 + rad * 7 + 0.6 * fbm(w, h, 40, 371, 5)) % 1
    colours = ramp(t, [(0, "#ff2f6d"), (0.17, "#ff9f1c"), (0.34, "#ffe74c"), (0.5, "#2ec4b6"), (0.67, "#3a86ff"),
                       (0.84, "#8338ec"), (1, "#ff2f6d")])
    bleed = 0.85 + 0.25 * fbm(w, h, 6, 372, 3)
    white = smoothstep(0.06, 0.0, np.abs(((t * 6) % 1) - 0.5) - 0.44)
    img = colours * bleed[..., None]
    return mix(img, np.full_like(img, 245), white * 0.5 * fbm(w, h, 10, 373, 3))


CONTENT_FUNCTIONS = [mountains_dawn, desert_dunes, city_night, aurora, milky_way, sea_sunset, beach, forest, lake,
                     cat_moon, heron, tulips, lighthouse, hills, planet, cherry_blossom]
STYLE_FUNCTIONS = [swirls, mosaic, stained_glass, watercolour, ukiyoe_waves, pointillism, cubist, marble, wood,
                   art_deco, impasto, ink_wash, halftone, kaleidoscope, flames, tie_dye]


def render(function, size):
    global U
    U = size[0] / DESIGN_WIDTH
    try:
        return to_image(function(*size))
    finally:
        U = 1.0


def save(sample_id, image):
    (HERE / "images").mkdir(exist_ok=True)
    (HERE / "thumbs").mkdir(exist_ok=True)
    image.save(HERE / "images" / f"{sample_id}.jpg", "JPEG", quality=88, subsampling=2, optimize=True,
               progressive=True)
    thumb = image.copy()
    side = min(thumb.size)
    left, top = (thumb.width - side) // 2, (thumb.height - side) // 2
    thumb = thumb.crop((left, top, left + side, top + side)).resize((THUMB, THUMB), Image.Resampling.LANCZOS)
    thumb.save(HERE / "thumbs" / f"{sample_id}.jpg", "JPEG", quality=82, optimize=True)


def main(names=()):
    jobs = [(f"content-{i + 1:02d}", f, CONTENT_SIZE) for i, f in enumerate(CONTENT_FUNCTIONS)]
    jobs += [(f"style-{i + 1:02d}", f, STYLE_SIZE) for i, f in enumerate(STYLE_FUNCTIONS)]
    for sample_id, function, size in jobs:
        if names and function.__name__ not in names and sample_id not in names:
            continue
        save(sample_id, render(function, size))
        print(sample_id, function.__name__)


if __name__ == "__main__":
    main(sys.argv[1:])
