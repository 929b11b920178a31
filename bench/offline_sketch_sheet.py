"""Contact sheet of the offline sketch engine: prompts × (before, after), for judging by eye.

    .venv/bin/python bench/offline_sketch_sheet.py --before /tmp/offline_old.py --out bench/figures/text2image_offline_sketches.png

`--before` is an older copy of text2image/providers/offline.py (e.g. `git show <rev>:text2image/providers/offline.py`).
"""
import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imogen.settings")

PROMPTS = ["a red fox in a snowy forest at night", "노을 지는 바다", "pine forest by a lake at sunrise",
           "눈 덮인 산 위의 별이 빛나는 밤"]


def load_before(path):
    spec = importlib.util.spec_from_file_location("text2image.providers.offline_before", path)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "text2image.providers"
    spec.loader.exec_module(module)
    return module


def main():
    import django

    django.setup()
    from PIL import Image, ImageDraw, ImageFont

    from text2image.providers import offline

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="an older offline.py to compare with")
    parser.add_argument("--out", default=str(ROOT / "bench/figures/text2image_offline_sketches.png"))
    args = parser.parse_args()
    engines = [("before", load_before(args.before))] if args.before else []
    engines.append(("after", offline))
    tile_w, tile_h = 640, 360
    sheet = Image.new("RGB", (tile_w * len(engines), (tile_h + 24) * len(PROMPTS)), (20, 20, 30))
    draw = ImageDraw.Draw(sheet)
    try:  # a CJK font for the Korean prompts (fonts-noto-cjk), else Pillow's own
        font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 14)
    except OSError:
        font = ImageFont.load_default()
    for row, prompt in enumerate(PROMPTS):
        for col, (name, engine) in enumerate(engines):
            started = time.perf_counter()
            picture = engine.render(prompt, "", 1920, 1080, 1)
            seconds = time.perf_counter() - started
            sheet.paste(picture.resize((tile_w, tile_h), Image.Resampling.LANCZOS), (col * tile_w, row * (tile_h + 24) + 24))
            draw.text((col * tile_w + 6, row * (tile_h + 24) + 6), f"{name}: {prompt}  (1920×1080 in {seconds:.1f} s)",
                      fill=(230, 230, 240), font=font)
            print(f"{name:6} {seconds:5.2f} s  {prompt}")
    sheet.save(args.out)
    print(f"wrote {args.out}; load average {os.getloadavg()[0]:.1f}")
    print(f"reproduce: .venv/bin/python bench/offline_sketch_sheet.py --before <old offline.py> --out {args.out}")


if __name__ == "__main__":
    main()
