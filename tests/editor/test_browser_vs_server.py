"""The same image with the same filters, drawn by headless Chromium (canvas ctx.filter, the editor's own download
code) and rendered by the server (POST /api/editor/renders/): they must look the same."""
import base64
import io
import json
import math

import numpy as np
import pytest
from PIL import Image

from editor.filters import FILTERS, PRESETS, css_filter, defaults
from tests.conftest import ARTIFACTS, wait_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMBINATIONS = [
    {"brightness": 1.4},
    {"contrast": 1.8},
    {"saturate": 2.2},
    {"grayscale": 0.7},
    {"sepia": 0.8},
    {"hue_rotate": 120},
    {"hue_rotate": -150},
    {"invert": 0.35},
    *[preset["values"] for preset in PRESETS.values()],
    {"brightness": 0.8, "contrast": 1.3, "saturate": 1.6, "grayscale": 0.2, "sepia": 0.3, "hue_rotate": -75,
     "invert": 0.1},
    {"brightness": 2.5, "contrast": 0.4, "saturate": 3, "hue_rotate": 170},
    {"blur": 3},
    {"brightness": 1.2, "saturate": 1.5, "blur": 2.5},
    {"hue_rotate": 45, "sepia": 0.5, "blur": 8},
]


def sample_image(width=160, height=120):
    """Smooth colour sweeps plus hard-edged blocks and fine stripes (so blur has something to do)."""
    y, x = np.mgrid[0:height, 0:width].astype(float)
    hue = x / width * 2 * math.pi
    rgb = np.stack([0.5 + 0.5 * np.cos(hue), 0.5 + 0.5 * np.cos(hue - 2.1), 0.5 + 0.5 * np.cos(hue + 2.1)], -1)
    rgb *= (0.15 + 0.85 * (1 - y / height))[..., None]
    rgb[20:50, 20:60] = (0.95, 0.9, 0.1)
    rgb[70:110, 100:140] = (0.1, 0.3, 0.85)
    rgb[60:64, :] = (1, 1, 1)
    rgb[:, 80:82] = (0, 0, 0)
    return Image.fromarray(np.rint(rgb * 255).astype(np.uint8), "RGB")


def browser_render(page, data_url, values):
    out = page.evaluate(
        """async ([src, values]) => {
            const img = new Image();
            img.src = src;
            await img.decode();
            return window.imogenEditor.bake(img, values).toDataURL("image/png");
        }""",
        [data_url, values],
    )
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(out.split(",", 1)[1]))).convert("RGB")).astype(int)


def test_chromium_canvas_and_server_agree_for_every_filter(page, http, live_server):
    image = sample_image()
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    png = buffer.getvalue()
    data_url = "data:image/png;base64," + base64.b64encode(png).decode()
    page.goto("/editor/")
    wait_in_page(page, "window.imogenEditor !== undefined")
    report, failures = [], []
    for combo in COMBINATIONS:
        values = {**defaults(), **combo}
        response = http.post("/api/editor/renders/", files={"image": ("test.png", png, "image/png")},
                             data={k: str(v) for k, v in values.items()})
        assert response.status_code == 201, response.text
        served = http.get(response.json()["image_url"])
        server = np.asarray(Image.open(io.BytesIO(served.content)).convert("RGB")).astype(int)
        browser = browser_render(page, data_url, values)
        assert browser.shape == server.shape
        diff = np.abs(browser - server)
        margin = math.ceil(3 * values["blur"])
        inner = diff[margin:diff.shape[0] - margin, margin:diff.shape[1] - margin] if margin else diff
        per_channel = inner.reshape(-1, 3).mean(axis=0)
        limit = 4 if values["blur"] > 0 else 2
        row = {"filter": css_filter(values), "mean_abs_diff_rgb": [round(float(v), 3) for v in per_channel],
               "max_abs_diff": int(inner.max()), "whole_image_mean": round(float(diff.mean()), 3),
               "limit": limit}
        report.append(row)
        if per_channel.max() > limit:
            failures.append(row)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "editor-browser-vs-server.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    assert not failures, failures
    assert len(report) >= 5 and {name for combo in COMBINATIONS for name in combo} == set(FILTERS)
