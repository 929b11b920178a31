"""Issue 21 item 1: what one style job with two uploads costs the disk and the web process, submitted then canceled.

The attack: two 7.8 MB random-noise JPEGs of 6000×6600 (JPEG quality 20; under the 10 MB and 40 MP limits) per
request, the job canceled at once. Prints the bytes received, kept after the submit, kept after the cancel, and the
web process's CPU seconds for the submit. A throwaway database, media folder and filesystem broker under a
temporary folder; the request goes through the whole Django stack (test client, one address).

    .venv/bin/python bench/upload_disk.py [--width 6000 --height 6600 --quality 20]
"""
import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path


def folder_bytes(root):
    return sum(p.stat().st_size for p in Path(root).rglob("*") if p.is_file())


def noise_jpeg(width, height, quality, seed):
    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=int, default=6000)
    parser.add_argument("--height", type=int, default=6600)
    parser.add_argument("--quality", type=int, default=20)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="imogen-upload-disk-"))
    os.environ.update(DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}", MEDIA_ROOT=str(work / "media"),
                      CELERY_BROKER_URL=f"filesystem://{work / 'broker'}", DEBUG="0",
                      SECRET_KEY="bench-only-" + "x" * 40)
    from django_bench import footer, setup_django

    sys.argv[0] = os.path.abspath(sys.argv[0])  # the reproduce line, after the change of folder
    os.chdir(work)  # the filesystem broker writes its control folder into the current one

    setup_django()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    content, style = (noise_jpeg(args.width, args.height, args.quality, seed) for seed in (1, 2))
    client = Client(REMOTE_ADDR="127.0.0.9", HTTP_HOST="127.0.0.1")
    client.get("/api/csrf/")
    received = len(content) + len(style)
    print(f"{args.width}×{args.height} noise JPEGs (quality {args.quality}), two per request: "
          f"{received / 1e6:.1f} MB received")
    for attempt in ("first request (imports the engine's memory estimate)", "second request"):
        files = {"content_image": io.BytesIO(content), "style_image": io.BytesIO(style)}
        for name, handle in files.items():
            handle.name = f"{name}.jpg"
        before = folder_bytes(work / "media")
        cpu, wall = time.process_time(), time.perf_counter()
        made = client.post("/api/style-transfer/jobs/", {"preset": "preview", "size_preset": "desktop-1080p", **files})
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        assert made.status_code == 202, made.content
        submitted = folder_bytes(work / "media") - before
        canceled = client.post(f"/api/style-transfer/jobs/{made.json()['id']}/cancel/").json()["status"]
        kept = folder_bytes(work / "media") - before
        print(f"{attempt}: after the submit {submitted / 1e6:.1f} MB kept ({submitted / received:.2f}× received), "
              f"web CPU {cpu:.1f} s, wall {wall:.1f} s; after the cancel ({canceled}) {kept / 1e6:.1f} MB kept")
    print(footer())


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
