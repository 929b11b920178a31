"""The web process never loads torch (issue 23: +212 MB per gunicorn process): a fresh Django process serves every
kind of page and a style-transfer submit of each quality (validated, its memory and work estimated by the engine's
torch-free `plan`), and `torch` is still absent from sys.modules. The engine paints in the style worker only."""
import subprocess
import sys

PAGES = ["/", "/style/", "/text2image/", "/editor/", "/gallery/", "/gallery/mine/", "/style/jobs/", "/api/samples/",
         "/accounts/login/"]


def test_pages_and_submits_do_not_load_torch(tmp_path):
    code = f"""
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "imogen.test_settings"
os.environ["DATABASE_URL"] = "sqlite:///{tmp_path / 'db.sqlite3'}"
os.environ["MEDIA_ROOT"] = "{tmp_path / 'media'}"
os.environ["REDIS_URL"] = "redis://127.0.0.1:1/0"  # no broker: a submit is kept queued, the answer is the same
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
for path in {PAGES!r}:
    assert client.get(path).status_code == 200, path
for preset in ("instant", "preview", "standard", "high"):
    answer = client.post("/api/style-transfer/jobs/", {{"content_sample": "content-01", "style_sample": "style-01",
                         "preset": preset, "size_preset": "desktop-1080p"}})
    assert answer.status_code == 202, answer.content[:300]
    job = client.get(answer.json()["api_url"]).json()
    assert client.get(job["page_url"]).status_code == 200
print(sorted(name for name in sys.modules if name == "torch" or name.startswith("torch.")))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
