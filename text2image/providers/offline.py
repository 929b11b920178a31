"""The built-in offline engine: no key, no network, no GPU.

It does not understand pictures the way a diffusion model does; it reads colour, time-of-day and nature
words in the prompt (Korean and English: 노을/sunset, 바다/sea, 밤하늘/night sky, 숲/forest, 산/mountain, 눈/snow,
꽃/flower, 비/rain …) and paints an abstract landscape wallpaper from them: a sky gradient in the mood's
palette, sun or moon, stars, aurora, clouds, layered ridges, sea with reflections, tree lines, petals, snow
or rain. Words in the negative prompt take motifs away. The same prompt, size and seed always give the
same picture. Everything is vectorised NumPy (a 1920×1080 picture takes well under a second).
"""
import colorsys
import hashlib
import re

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageDraw, ImageFilter

from core.sizes import fitting

from .base import (
    GeneratedImage,
    Provider,
    presets,
)

# --- words -----------------------------------------------------------------------------------------
# theme -> words (lower-case English stems and Korean words; matched as substrings)
THEMES = {
    "sunset": ["sunset", "dusk", "evening", "twilight", "golden hour", "노을", "석양", "황혼", "저녁", "해질"],
    "sunrise": ["sunrise", "dawn", "morning", "daybreak", "일출", "새벽", "아침", "해돋이", "여명"],
    "night": ["night", "midnight", "야경", "불빛", "starry", "galaxy", "milky way", "cosmos", "space", "밤", "은하", "우주", "자정"],
    "stars": ["star", "starry", "galaxy", "milky way", "별", "은하"],
    "moon": ["moon", "lunar", "moonlight", "달빛", "보름", "달밤", "초승달"],
    "sun": ["sun ", "sunny", "sunlight", "sunshine", "태양", "햇살", "햇빛", "해가"],
    "sea": ["sea", "ocean", "beach", "wave", "coast", "shore", "bay", "lake", "water", "river",
            "바다", "해변", "파도", "호수", "강물", "해안", "물결", "바닷"],
    "mountain": ["mountain", "peak", "hill", "alps", "cliff", "range", "산", "봉우리", "언덕", "산맥", "설악", "한라"],
    "forest": ["forest", "tree", "wood", "pine", "jungle", "숲", "나무", "소나무", "정글", "삼림"],
    "snow": ["snow", "winter", "ice", "frost", "blizzard", "눈 ", "눈이", "눈꽃", "겨울", "설경", "얼음", "눈송이", "눈내"],
    "flower": ["flower", "blossom", "cherry", "petal", "spring", "bloom", "rose", "tulip", "꽃", "벚꽃", "봄", "장미",
               "꽃잎", "매화", "진달래"],
    "rain": ["rain", "storm", "drizzle", "shower", "monsoon", "비 ", "비가", "비오", "빗", "장마", "소나기", "폭풍"],
    "cloud": ["cloud", "fog", "mist", "haze", "구름", "안개", "흐린"],
    "aurora": ["aurora", "northern light", "borealis", "오로라"],
    "city": ["city", "skyline", "town", "building", "street", "neon", "seoul", "도시", "서울", "빌딩", "거리", "네온", "야경"],
    "desert": ["desert", "dune", "sand", "사막", "모래"],
    "autumn": ["autumn", "fall ", "maple", "가을", "단풍"],
    "day": ["day", "noon", "clear sky", "blue sky", "낮", "한낮", "맑은", "파란 하늘", "하늘"],
}
# named colours (RGB 0-255)
COLOURS = {
    "red": ([" red", "crimson", "scarlet", "빨간", "빨강", "붉은", "적색"], (220, 50, 60)),
    "orange": (["orange", "amber", "주황", "오렌지"], (255, 140, 50)),
    "gold": (["gold", "yellow", "노란", "노랑", "금빛", "황금", "금색"], (255, 205, 80)),
    "green": (["green", "emerald", "jade", "초록", "녹색", "푸른 숲", "연두"], (60, 190, 110)),
    "teal": (["teal", "turquoise", "cyan", "mint", "청록", "민트", "에메랄드"], (40, 200, 190)),
    "blue": (["blue", "azure", "navy", "sapphire", "파란", "파랑", "푸른", "남색", "하늘색"], (50, 110, 230)),
    "purple": (["purple", "violet", "lavender", "magenta", "보라", "자주", "라벤더"], (150, 80, 220)),
    "pink": (["pink", "rose", "분홍", "핑크", "벚꽃"], (255, 130, 180)),
    "white": (["white", "silver", "하얀", "흰", "은빛", "하양"], (235, 240, 250)),
    "black": (["black", "dark", "shadow", "검은", "검정", "어두운", "칠흑"], (15, 15, 25)),
}


# What each motif is called on the page ("Imogen will paint: …").
MOTIF_LABELS = {
    "sunset": gettext_lazy("sunset sky"), "sunrise": gettext_lazy("sunrise sky"), "night": gettext_lazy("night sky"),
    "stars": gettext_lazy("stars"), "moon": gettext_lazy("moon"), "sun": gettext_lazy("sun"),
    "sea": gettext_lazy("sea or lake"), "mountain": gettext_lazy("mountains"), "forest": gettext_lazy("forest"),
    "snow": gettext_lazy("snow"), "flower": gettext_lazy("petals"), "rain": gettext_lazy("rain"),
    "cloud": gettext_lazy("clouds"), "aurora": gettext_lazy("aurora"), "city": gettext_lazy("city skyline"),
    "desert": gettext_lazy("desert dunes"), "autumn": gettext_lazy("autumn leaves"), "day": gettext_lazy("day sky"),
    "red": gettext_lazy("red"), "orange": gettext_lazy("orange"), "gold": gettext_lazy("gold"),
    "green": gettext_lazy("green"), "teal": gettext_lazy("teal"), "blue": gettext_lazy("blue"),
    "purple": gettext_lazy("purple"), "pink": gettext_lazy("pink"), "white": gettext_lazy("white"),
    "black": gettext_lazy("dark tones"),
}
# Words that name nothing to draw (left out of "could not draw"): English function and quality words, Korean
# positions, particles and common describing words.
FILLER_WORDS = set("""
a an the of on in at over above under below beneath with without and or to by from into onto near beside behind
through across between among around far away very some many few this that these those its his her their my your
our is are was were be it as for up down like style picture image photo wallpaper background beautiful lovely nice
pretty big small tiny huge large little high low deep tall wide old new view scene landscape detailed quality
hd 4k 8k realistic art painting shot full of lots lot amazing calm quiet peaceful seen there here while which
위 위의 위에 위로 아래 아래의 아래에 속 속의 속에 앞 앞의 뒤 뒤의 옆 옆의 사이 사이로 너머 너머의 너머로 그리고 함께
있는 지는 보이는 가득한 가득 떠 있는 떠있는 덮인 작은 큰 아름다운 예쁜 멋진 조용한 고요한 넓은 높은 깊은 밝은 어두운
따뜻한 차가운 신비로운 환상적인 풍경 배경 배경화면 그림 사진 모습 느낌 같은 한 된 하는 및 또는 의 에 에서 와 과 이 가
""".split())
WORD = re.compile(r"[^\W_][\w'’-]*")


def understand(prompt, negative_prompt=""):
    """What the sketch engine makes of a prompt, word by word, for the page to show.

    {"words": [{"word", "motifs": [labels], "drawn"}], "understood": [words], "missing": [words],
     "motifs": [labels it will paint], "removed": [labels the negative prompt takes away], "negative_note": words
     saying what happened to the negative prompt ('' without one)} — a word is understood when it carries one of the keywords `read_prompt`
    paints from (the same substring test), missing when it names something the engine cannot draw; filler
    words are left out of both. A word the negative prompt takes away is understood but not drawn.
    """
    themes, colours, _banned = read_prompt(prompt, negative_prompt)
    text = _norm(prompt)
    phrases = {name: [k.strip() for k in words if " " in k.strip()] for name, words in _keywords()}
    words, seen = [], set()
    for match in WORD.finditer(prompt or ""):
        word = match.group(0)
        low = word.lower()
        if low in seen:
            continue
        seen.add(low)
        padded = f" {low} "
        hits = []
        for name, keywords in _keywords():
            if any(k in padded for k in keywords) or any(
                    low in phrase.split() and phrase in text for phrase in phrases[name]):
                hits.append(name)
        if not hits and (low in FILLER_WORDS or low.isdigit()):
            continue
        drawn = [h for h in hits if h in themes or h in colours]
        words.append({"word": word, "motifs": [str(MOTIF_LABELS[h]) for h in hits], "drawn": bool(drawn),
                      "understood": bool(hits)})
    painted = [str(MOTIF_LABELS[t]) for t in THEMES if t in themes] + [str(MOTIF_LABELS[c]) for c in colours]
    removed, negative_note = negative_reading(prompt, negative_prompt)
    return {"words": words, "understood": [w["word"] for w in words if w["understood"]],
            "missing": [w["word"] for w in words if not w["understood"]], "motifs": painted, "removed": removed,
            "negative_note": negative_note}


def _keywords():
    return [*THEMES.items(), *((name, words) for name, (words, _rgb) in COLOURS.items())]


def _norm(text):
    return " " + re.sub(r"\s+", " ", (text or "").lower()) + " "


def read_prompt(prompt, negative_prompt=""):
    """(themes, colours) the prompt asks for, minus those the negative prompt names."""
    text, neg = _norm(prompt), _norm(negative_prompt)

    def found(words, where):
        return any(w in where for w in words)

    themes = {t for t, words in THEMES.items() if found(words, text) and not found(words, neg)}
    colours = [name for name, (words, _rgb) in COLOURS.items() if found(words, text) and not found(words, neg)]
    banned = {t for t, words in THEMES.items() if found(words, neg)}
    if "night" in themes and "moon" not in banned and "sunset" not in themes:
        themes.add("moon" if "stars" not in themes or "moon" in themes else "moon")
    if "night" in themes and "stars" not in banned:
        themes.add("stars")
    if "stars" in themes and not themes & {"sunset", "sunrise", "day"}:
        themes.add("night")
    return themes, colours, banned


def sky_motifs(themes, banned):
    """Which of stars, moon, sun and clouds `Scene.render` puts in the sky. Some come unasked (clouds by day, the
    sun in a day sky), so the negative prompt can take away what the prompt never named: one rule for both."""
    out = set()
    if "rain" not in themes:
        if "stars" in themes and "stars" not in banned:
            out.add("stars")
        if "moon" in themes and "moon" not in banned:
            out.add("moon")
        elif themes & {"sunset", "sunrise", "sun", "day", "desert"} and "sun" not in banned:
            out.add("sun")
    if (themes & {"cloud", "rain"} or not themes & {"night", "stars"}) and "cloud" not in banned:
        out.add("cloud")
    return out


def _painted(prompt, negative_prompt):
    themes, colours, banned = read_prompt(prompt, negative_prompt)
    return themes | set(colours) | sky_motifs(themes, banned)


def negative_reading(prompt, negative_prompt):
    """(labels of the motifs the negative prompt takes away, the sentence that says so; '' without one)."""
    if not (negative_prompt or "").strip():
        return [], ""
    gone = _painted(prompt, "") - _painted(prompt, negative_prompt)
    removed = [str(MOTIF_LABELS[name]) for name, _words in _keywords() if name in gone]
    if removed:
        return removed, _("The negative prompt took away: %(motifs)s.") % {"motifs": ", ".join(removed)}
    return [], _("The negative prompt took nothing away: the sketch would not have drawn what it names.")


# --- palettes: sky top, sky middle, horizon, glow, ground ------------------------------------------------
def _c(hexes):
    return np.array([[int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)] for h in hexes], dtype=np.float32)


PALETTES = {
    "sunset": _c(["#1d1646", "#6b2d6e", "#e0546a", "#ffb25c", "#2a1838"]),
    "sunrise": _c(["#28407a", "#8a7fc0", "#f7a7a6", "#ffe3a8", "#3a3558"]),
    "night": _c(["#02040d", "#0a1434", "#1d3463", "#6f8fd8", "#050915"]),
    "day": _c(["#1f5fbf", "#4f93e0", "#a8d4f5", "#fff6d8", "#2f5f4a"]),
    "snow": _c(["#6f8fb8", "#a9c1dd", "#e3ecf6", "#ffffff", "#dfe8f2"]),
    "rain": _c(["#2a3140", "#46505f", "#7a8595", "#b7c0cc", "#252b35"]),
    "desert": _c(["#3d6fb0", "#8fb6d8", "#f3d6a4", "#fff0c8", "#c98a4b"]),
    "autumn": _c(["#3a4f8a", "#d0806a", "#f2b56b", "#ffe1a0", "#6b2f1a"]),
    "spring": _c(["#5b7fc7", "#b9a7e0", "#ffd1dc", "#fff4e6", "#7a9a5a"]),
}


def _mix(a, b, t):
    """a + (b - a)·t with as few full-size temporaries as NumPy allows."""
    out = np.multiply(np.subtract(b, a, dtype=np.float32), t, dtype=np.float32)
    out += a
    return out


class Scene:
    def __init__(self, prompt, negative_prompt, width, height, seed):
        self.w, self.h = width, height
        digest = hashlib.sha256(f"{prompt}\x00{negative_prompt}\x00{seed}".encode()).digest()
        self.rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        self.themes, self.colours, self.banned = read_prompt(prompt, negative_prompt)
        if "flower" in self.themes:
            self.themes.add("spring")
        self.scale = min(width, height) / 1080.0
        self.disc = None  # (mask, the image under it) once a sun or moon disc is drawn
        self.palette = self._palette(prompt)
        self.y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
        self.x = np.linspace(0, 1, width, dtype=np.float32)[None, :]

    # --- helpers ---
    def noise(self, cell, octaves=1, persistence=0.5):
        """Smooth value noise in [0, 1] with features about `cell` pixels wide (fractal with octaves > 1)."""
        finest = max(2.0, cell / 2 ** (octaves - 1))
        f = max(1, int(finest / 3))  # octaves are summed at a reduced size, then scaled up once
        w, h = max(2, self.w // f), max(2, self.h // f)
        total = np.zeros((h, w), dtype=np.float32)
        amplitude, weight = 1.0, 0.0
        cell = cell / f
        for _octave in range(octaves):
            gw, gh = max(2, int(w / cell) + 2), max(2, int(h / cell) + 2)
            grid = Image.fromarray(self.rng.random((gh, gw), dtype=np.float32), "F")
            total += amplitude * np.asarray(grid.resize((w, h), Image.Resampling.BICUBIC))
            weight += amplitude
            amplitude *= persistence
            cell = max(2.0, cell / 2)
        total = np.clip(total / weight, 0, 1)
        if f > 1:
            total = np.asarray(Image.fromarray(total, "F").resize((self.w, self.h), Image.Resampling.BILINEAR))
        return total

    def line_noise(self, cell, octaves=4):
        """Smooth 1-D fractal noise along x in [0, 1] (for ridges and coastlines)."""
        total = np.zeros(self.w, dtype=np.float32)
        amplitude, weight = 1.0, 0.0
        xs = np.arange(self.w, dtype=np.float32)
        for _octave in range(octaves):
            points = self.rng.random(int(self.w / cell) + 3).astype(np.float32)
            pos = xs / cell
            i = pos.astype(int)
            f = pos - i
            f = f * f * (3 - 2 * f)
            total += amplitude * _mix(points[i], points[i + 1], f)
            weight += amplitude
            amplitude *= 0.5
            cell = max(2.0, cell / 2.2)
        return total / weight

    def _palette(self, prompt):
        t = self.themes
        for key in ("night", "sunset", "sunrise", "rain", "snow", "autumn", "desert", "spring", "day"):
            if key in t:
                palette = PALETTES[key].copy()
                break
        else:
            # No time or weather word: a palette of its own from the prompt, so every idea looks different.
            hue = self.rng.random()
            palette = np.array([_hsv(hue + d, s, v) for d, s, v in
                                [(0.0, 0.75, 0.22), (0.06, 0.6, 0.5), (0.14, 0.45, 0.85), (0.2, 0.25, 1.0),
                                 (-0.05, 0.6, 0.18)]], dtype=np.float32)
        if "snow" in t and "mountain" in t:
            palette[4] = _c(["#4f6584"])[0]  # slate rock under white caps
        elif "snow" in t and "night" in t:
            palette[4] = _c(["#c9d6ea"])[0]
        # A colour word tints the picture; at night only a little (a red fox at night does not make the sky red).
        weight = 0.35 if "night" in t else 1.0
        for name in self.colours:
            rgb = np.array(COLOURS[name][1], dtype=np.float32) / 255
            if name == "black":
                palette *= 0.55
                continue
            palette[1] = _mix(palette[1], rgb, 0.55 * weight)
            palette[2] = _mix(palette[2], rgb, 0.35 * weight)
            palette[4] = _mix(palette[4], rgb * 0.4, 0.3 * weight)
        return palette

    # --- layers ---
    def sky(self, horizon):
        top, mid, low, glow = self.palette[:4]
        t = np.clip(self.y / max(horizon, 0.05), 0, 1)
        a = np.clip(t * 1.6, 0, 1)[..., None]
        b = np.clip((t - 0.55) / 0.45, 0, 1)[..., None] ** 1.3
        image = _mix(_mix(top, mid, a), low, b)
        wobble = (self.noise(420 * self.scale, 3) - 0.5)[..., None] * 0.08
        return np.clip(image + wobble, 0, 1) * np.ones((1, self.w, 1), dtype=np.float32)

    def glow(self, image, cx, cy, radius, colour, strength=1.0, disc=True):
        d = np.sqrt(((self.x - cx) * self.w) ** 2 + ((self.y - cy) * self.h) ** 2) / (radius * self.scale)
        halo = np.exp(-d * 0.35)[..., None] * 0.55 * strength
        image = image + halo * colour
        if disc:
            core = np.clip((1.08 - d) * 12, 0, 1)[..., None]
            self.disc = (core * strength, image.copy())  # the sea reflects the glow, not the disc (see sea)
            image = _mix(image, np.minimum(colour * 1.1 + 0.15, 1), core * strength)
        return image

    def stars(self, image, horizon):
        count = int(self.w * self.h / 1800)
        layer = np.zeros((self.h, self.w), dtype=np.float32)
        ys = (self.rng.random(count) ** 1.4 * horizon * self.h * 0.98).astype(int)
        xs = self.rng.integers(0, self.w, count)
        layer[ys, xs] = self.rng.random(count) ** 3 * 1.6 + 0.15
        layer = np.maximum(layer, _blur(np.clip(layer, 0, 1), 1.2 * self.scale) * 4)
        twinkle = 0.6 + 0.4 * self.noise(300 * self.scale)
        return image + (np.clip(layer * twinkle, 0, 1.5))[..., None] * np.array([0.95, 0.97, 1.0], np.float32)

    def aurora(self, image, horizon):
        curtain = np.zeros((self.h, self.w), dtype=np.float32)
        for band in range(3):
            centre = 0.18 + 0.12 * band + 0.08 * np.sin(self.x * (3 + band) * np.pi + self.rng.random() * 6)
            centre = centre * horizon
            width = 0.05 + 0.03 * self.rng.random()
            falloff = np.where(self.y < centre, np.exp(-((self.y - centre) / (width * 3.5)) ** 2),
                               np.exp(-((self.y - centre) / (width * 0.7)) ** 2))
            rays = 0.55 + 0.45 * np.sin(self.x * (90 + 40 * band) + self.rng.random() * 6) ** 2
            curtain += falloff * rays * (0.9 - 0.25 * band)
        curtain *= self.noise(500 * self.scale, 2) * 1.6
        colour_a, colour_b = np.array([0.25, 1.0, 0.6], np.float32), np.array([0.6, 0.3, 1.0], np.float32)
        colour = _mix(colour_a, colour_b, np.clip(1 - self.y / max(horizon, 0.1), 0, 1)[..., None] ** 2)
        return image + np.clip(curtain, 0, 1.2)[..., None] * colour * 0.55

    def clouds(self, image, horizon, amount):
        n = self.noise(380 * self.scale, 5, 0.55)
        stretch = np.clip((n - (0.62 - 0.18 * amount)) * 3.2, 0, 1)
        stretch *= np.clip(1 - self.y / max(horizon, 0.1), 0, 1) ** 0.6
        lit = _mix(self.palette[1], np.minimum(self.palette[3] * 1.05, 1), 0.55)
        if "night" in self.themes:
            lit = lit * 0.35
        return _mix(image, lit, stretch[..., None] * 0.85)

    def ridges(self, image, horizon, layers, peak, colour, haze_to, trees=False, snowcap=False):
        for i in range(layers):
            depth = i / max(layers - 1, 1)  # 0 far -> 1 near
            base = horizon + 0.04 * depth
            amp = peak * (1.0 - 0.45 * depth)
            ridge = base - amp * self.line_noise((520 - 300 * depth) * self.scale, 5) ** 1.3
            if trees:
                ridge = ridge - self.treeline(0.012 + 0.035 * depth)
            top = max(0, int(ridge.min() * self.h) - 2)  # only the rows this layer can cover
            ys = self.y[top:]
            ridge = ridge[None, :]
            mask = np.clip((ys - ridge) * self.h / 1.5, 0, 1)[..., None]
            shade = _mix(haze_to, colour, 0.35 + 0.65 * depth)
            shade = shade * (1 - 0.25 * np.clip((ys - ridge) * 3, 0, 1))[..., None]
            if snowcap:
                cap = np.clip(1 - (ys - ridge) / (0.05 * (1 - 0.5 * depth)), 0, 1)[..., None]
                cap *= np.clip((horizon - ridge) / (peak * 0.6), 0, 1)[..., None]
                shade = _mix(shade, np.array([0.93, 0.95, 1.0], np.float32) * (0.7 + 0.3 * depth), cap * 0.9)
            image[top:] = _mix(image[top:], shade, mask)
        return image

    def treeline(self, height):
        """Heights (fraction of image) of a row of conifers along x."""
        n = int(self.w / (14 * self.scale)) + 2
        xs = self.rng.random(n) * self.w
        hs = (0.4 + 0.6 * self.rng.random(n)) * height
        px = np.arange(self.w, dtype=np.float32)
        slope = 2.6 * self.h / self.w
        profile = hs[:, None] - np.abs(px[None, :] - xs[:, None]) / self.w * slope
        return np.clip(profile.max(axis=0), 0, None).astype(np.float32)

    def conifers(self, image, horizon, colour, haze_to, snowy):
        """Rows of fir trees, far to near: each a trunk under stacked tiers, hazier and smaller in the distance;
        snow lies on the tiers and on the ground when it snows. Drawn as polygons at twice the size, then reduced,
        for clean edges."""
        w2, h2 = self.w * 2, self.h * 2
        snow = np.array([0.88, 0.92, 1.0] if "night" not in self.themes else [0.62, 0.7, 0.86], np.float32)
        if snowy:  # the snow field the forest stands on, with soft drifts
            top = int(horizon * self.h)
            drift = 0.9 + 0.1 * self.noise(260 * self.scale, 3)[top:]
            fade = np.clip((self.y[top:] - horizon) * 8, 0, 1)[..., None]
            image[top:] = _mix(image[top:], snow * drift[..., None], fade)
        rows = 4
        for row in range(rows):
            depth = row / (rows - 1)  # 0 far -> 1 near
            mask, caps = Image.new("L", (w2, h2), 0), Image.new("L", (w2, h2), 0)
            draw, cap_draw = ImageDraw.Draw(mask), ImageDraw.Draw(caps)
            size = (0.07 + 0.2 * depth ** 1.6) * self.h * 2
            base = (horizon + 0.015 + 0.13 * depth ** 1.3) * h2
            x = -self.rng.random() * size * 0.5
            while x < w2 + size:
                tall = size * (0.65 + 0.5 * self.rng.random())
                half = tall * (0.2 + 0.06 * self.rng.random())
                foot = base + self.rng.random() * size * 0.12
                trunk = half * 0.12
                draw.rectangle([x - trunk, foot - tall * 0.12, x + trunk, foot], fill=255)
                tiers = 4 if depth > 0.3 else 3
                for tier in range(tiers):
                    frac = tier / tiers
                    tier_top = foot - tall * (0.35 + 0.65 * (frac + 1 / tiers))
                    tier_foot = foot - tall * (0.1 + 0.62 * frac)
                    reach = half * (1 - 0.62 * frac)
                    tier_shape = [(x, tier_top), (x + reach, tier_foot), (x - reach, tier_foot)]
                    draw.polygon(tier_shape, fill=255)
                    if snowy:  # a white band along the top of each tier's slopes
                        drop = (tier_foot - tier_top) * 0.38
                        cap_draw.polygon([(x, tier_top), (x + reach * 0.62, tier_top + drop * 1.6),
                                          (x, tier_top + drop), (x - reach * 0.62, tier_top + drop * 1.6)],
                                         fill=235)
                x += half * (1.1 + 0.9 * self.rng.random()) * (1.6 - 0.6 * depth)
            alpha = np.asarray(mask.resize((self.w, self.h), Image.Resampling.BOX), np.float32)[..., None] / 255
            shade = _mix(haze_to, colour, 0.3 + 0.7 * depth) * (1 - 0.35 * depth)
            image = _mix(image, shade, alpha)
            if snowy:
                cap = np.asarray(caps.resize((self.w, self.h), Image.Resampling.BOX), np.float32)[..., None] / 255
                image = _mix(image, snow * (0.8 + 0.2 * depth), cap * alpha)
        return image

    def sea(self, image, horizon, sun_x):
        top = max(0, int(horizon * self.h) - 1)
        ys = self.y[top:]
        below = np.clip((ys - horizon) * self.h, 0, 1)[..., None]
        depth = np.clip((ys - horizon) / (1 - horizon), 0, 1)
        # Reflection of the sky, flipped about the horizon and darkened with depth. Water does not mirror the sun's
        # disc (blended with the dark water it read as a second, green sun): its light is the glitter path below.
        src = np.clip((2 * horizon - ys[:, 0]) * (self.h - 1), 0, self.h - 1).astype(int)
        mirror = image if self.disc is None else _mix(image, self.disc[1], self.disc[0])
        reflected = mirror[src, :, :]
        water = _mix(reflected * 0.8, self.palette[4] * 0.6 + self.palette[0] * 0.3, (depth ** 0.7)[..., None])
        # Long, thin horizontal glints that grow thicker towards the viewer.
        rows = (depth ** 1.6 * (self.h * 0.2) / max(self.scale, 0.1)).astype(np.float32)
        streak_rows = int(rows.max()) + 3
        grid = self.rng.random((streak_rows // 2 + 3, max(3, int(self.w / (90 * self.scale)) + 3)), dtype=np.float32)
        field = np.asarray(Image.fromarray(grid, "F").resize((self.w, streak_rows), Image.Resampling.BICUBIC))
        glints = field[np.minimum(rows.astype(int)[:, 0], streak_rows - 1)]
        glints = np.clip((glints - 0.52) * 3.5, 0, 1) ** 2
        column = np.exp(-((self.x - sun_x) * self.w / (self.w * 0.05 + 60 * self.scale * (1 + 3 * depth))) ** 2)
        lit = self.disc is not None
        sparkle = glints * (0.18 * (1 - depth) + (1.3 if lit else 0.8) * column)
        if lit:  # a calm, bright path straight under the sun, fading towards the viewer
            path = np.exp(-((self.x - sun_x) * self.w / (24 * self.scale * (1 + 2.5 * depth))) ** 2)
            sparkle = sparkle + path * (0.35 + 0.65 * glints) * (1 - depth) ** 1.5 * 0.8
        water = water + sparkle[..., None] * np.minimum(self.palette[3] * 1.1, 1)
        image[top:] = _mix(image[top:], water, below)
        return image

    def petals(self, image, count, colours, size):
        layer = Image.new("RGBA", (self.w, self.h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for _petal in range(count):
            x, y = self.rng.random() * self.w, self.rng.random() * self.h
            r = (0.4 + self.rng.random()) * size * self.scale
            c = colours[int(self.rng.integers(len(colours)))]
            alpha = int(120 + 120 * self.rng.random())
            tilt = self.rng.random() * r * 0.8
            draw.ellipse([x - r, y - r * 0.6 + tilt * 0.2, x + r, y + r * 0.6], fill=(*c, alpha))
        layer = layer.filter(ImageFilter.GaussianBlur(0.9 * self.scale))
        rgba = np.asarray(layer, dtype=np.float32) / 255
        return _mix(image, rgba[..., :3], rgba[..., 3:4])

    def rain(self, image):
        layer = Image.new("L", (self.w, self.h), 0)
        draw = ImageDraw.Draw(layer)
        length = 38 * self.scale
        for _drop in range(int(self.w * self.h / 2500)):
            x, y = self.rng.random() * (self.w + 200) - 100, self.rng.random() * self.h
            draw.line([x, y, x - length * 0.25, y + length], fill=int(60 + 120 * self.rng.random()), width=1)
        streaks = np.asarray(layer.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32)[..., None] / 255
        return _mix(image * 0.92, np.array([0.8, 0.85, 0.95], np.float32), streaks * 0.5)

    def city(self, image, horizon):
        night = bool(self.themes & {"night", "sunset"})
        cell = max(5, int(11 * self.scale))
        x = 0
        while x < self.w:
            bw = min(int((60 + 130 * self.rng.random()) * self.scale), self.w - x)
            top = max(0, int((horizon - (0.04 + 0.2 * self.rng.random() ** 2)) * self.h))
            tone = self.palette[4] * (0.35 + 0.25 * self.rng.random())
            block = np.broadcast_to(tone, (self.h - top, bw, 3)).copy()
            if night:
                yy, xx = np.mgrid[0:self.h - top, 0:bw]
                lit = self.rng.random(((self.h - top) // cell + 1, bw // cell + 1)) > 0.55  # per window
                pane = ((yy % cell) >= cell * 0.3) & ((xx % cell) >= cell * 0.35) & (xx >= cell * 0.5) & (
                    xx < bw - cell * 0.5) & lit[yy // cell, xx // cell]
                warmth = self.rng.random(lit.shape)[yy // cell, xx // cell][..., None]
                glow = _mix(np.array([1.0, 0.78, 0.42], np.float32), np.array([0.75, 0.85, 1.0], np.float32),
                            warmth * 0.6)
                block = np.where(pane[..., None], glow * 0.85, block)
            image[top:, x:x + bw] = block
            x += bw + int(self.rng.random() * 8 * self.scale)
        return image

    def snowfall(self, image):
        layer = np.zeros((self.h, self.w), dtype=np.float32)
        count = int(self.w * self.h / 1500)
        ys, xs = self.rng.integers(0, self.h, count), self.rng.integers(0, self.w, count)
        layer[ys, xs] = 1.0
        soft = _blur(layer, 1.6 * self.scale)
        flakes = np.clip(soft * 9, 0, 1)
        return _mix(image, np.array([1, 1, 1], np.float32), flakes[..., None] * 0.9)

    def finish(self, image):
        vignette = 1 - 0.35 * (((self.x - 0.5) * 1.4) ** 2 + ((self.y - 0.5) * 1.2) ** 2)
        image = image * vignette[..., None]
        grain = (self.rng.random((self.h, self.w), dtype=np.float32) - 0.5)[..., None] * (2.5 / 255)
        image = np.clip(image + grain, 0, 1)
        return Image.fromarray((image ** (1 / 1.05) * 255 + 0.5).astype(np.uint8), "RGB")

    # --- composition ---
    def render(self):
        t = self.themes
        landscape = bool(t & {"sea", "mountain", "forest", "city", "desert", "snow"})
        horizon = 0.62 if landscape else 0.9
        if "sea" in t:
            horizon = 0.58
        if self.h > self.w * 1.3:
            horizon = horizon * 0.9 + 0.06  # phones: more sky above, land at the bottom
        image = self.sky(horizon)
        sun_x = 0.3 + 0.4 * self.rng.random()
        lowsun = t & {"sunset", "sunrise"}
        if "aurora" in t:
            image = self.aurora(image, horizon)
        sky = sky_motifs(t, self.banned)
        if "stars" in sky:
            image = self.stars(image, horizon)
        if "moon" in sky:
            image = self.glow(image, sun_x, horizon * 0.3, 42, np.array([0.95, 0.95, 0.85], np.float32), 0.9)
        elif "sun" in sky:
            cy = horizon * (0.92 if lowsun else 0.35)
            image = self.glow(image, sun_x, cy, 70 if lowsun else 50, self.palette[3], 1.0)
        if "cloud" in sky:
            image = self.clouds(image, horizon, 1.0 if t & {"cloud", "rain"} else 0.45)
        if not landscape:
            image = self.abstract_waves(image)
        haze = self.palette[2]
        ground = self.palette[4]
        if "desert" in t:
            image = self.ridges(image, horizon, 3, 0.06, ground, haze)
        if "mountain" in t:
            image = self.ridges(image, horizon, 4, 0.28 if self.w >= self.h else 0.2, ground, haze,
                                snowcap="snow" in t or "mountain" in t and "night" not in t and "sunset" not in t)
        if "forest" in t:
            green = _mix(ground, np.array([0.05, 0.22, 0.12], np.float32), 0.6)
            if "night" in t:
                green = green * 0.45 + np.array([0.01, 0.03, 0.06], np.float32)
            image = self.conifers(image, horizon, green, haze, snowy="snow" in t)
        if "city" in t:
            image = self.city(image, horizon + 0.03)
        if "sea" in t:
            image = self.sea(image, horizon + (0.06 if t & {"mountain", "forest", "city"} else 0), sun_x)
        elif landscape and not t & {"mountain", "forest", "city", "desert"}:
            image = self.ridges(image, horizon, 2, 0.05, ground, haze)  # soft snowy or grassy hills
        if "flower" in t and "flower" not in self.banned:
            blossom = [(255, 183, 206), (255, 214, 228), (250, 150, 190), (255, 240, 245)]
            image = self.petals(image, int(260 * self.w * self.h / 2e6), blossom, 9)
        if "autumn" in t:
            leaves = [(214, 84, 38), (235, 140, 40), (180, 50, 30), (245, 190, 70)]
            image = self.petals(image, int(160 * self.w * self.h / 2e6), leaves, 8)
        if "snow" in t:
            image = self.snowfall(image)
        if "rain" in t:
            image = self.rain(image)
        return self.finish(image)

    def abstract_waves(self, image):
        """No landscape words: flowing bands of the palette, like silk."""
        warp = self.noise(520 * self.scale, 3)
        bands = np.zeros((self.h, self.w), dtype=np.float32)
        for i in range(4):
            centre = 0.45 + 0.12 * i + 0.1 * np.sin(self.x * (2.2 + i * 0.7) * np.pi + self.rng.random() * 6)
            centre = centre + (warp - 0.5) * 0.25
            bands += np.exp(-((self.y - centre) / (0.035 + 0.02 * i)) ** 2) * (0.6 - 0.1 * i)
        light = _mix(self.palette[2], self.palette[3], 0.5)
        return image + np.clip(bands, 0, 1)[..., None] * light * 0.5


def _blur(array, radius):
    """Gaussian blur of a [0, 1] float array (through an 8-bit image: PIL blurs only those)."""
    image = Image.fromarray((np.clip(array, 0, 1) * 255).astype(np.uint8), "L")
    return np.asarray(image.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255


def _hsv(h, s, v):
    return colorsys.hsv_to_rgb(h % 1.0, s, v)


def render(prompt, negative_prompt="", width=1920, height=1080, seed=0):
    """The offline engine as a function: a PIL RGB image."""
    return Scene(prompt, negative_prompt, width, height, seed).render()


class OfflineProvider(Provider):
    name = "offline"
    label = gettext_lazy("Offline engine (built in)")
    offline = True
    max_prompt_chars = 1000
    # The site's one list of wallpaper sizes (core.sizes), the same phones as style transfer; 4K is left out
    # because this engine renders in the web worker's time.
    size_presets = presets(*[(s.width, s.height, s.label) for s in fitting(2560, 2560 * 2560)])

    def time_budget(self, samples):
        return 60.0 * samples  # a picture takes seconds on one core: a minute each is room enough

    def generate(self, request, progress):
        results = []
        for index, seed in enumerate(request.seeds):
            progress(0.05 + 0.9 * index / request.samples,
                     _("Painting picture %(n)d of %(total)d") % {"n": index + 1, "total": request.samples})
            image = render(request.prompt, request.negative_prompt, request.width, request.height, seed or 0)
            results.append(GeneratedImage(image=image, seed=seed))
        return results
