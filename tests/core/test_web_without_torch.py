"""The web process's pages never load torch (issue 23: +212 MB per gunicorn process on the first GET /style/): a
fresh Django process serves every kind of page, and `torch` is still absent from sys.modules. (A style-transfer
submit still loads it: the presets and the cost model live beside the engine's torch code; see docs/CONTRIBUTING.md.)"""
import subprocess
import sys

PAGES = ["/", "/style/", "/text2image/", "/editor/", "/gallery/", "/gallery/mine/", "/style/jobs/", "/api/samples/",
         "/accounts/login/"]


def test_pages_do_not_load_torch(tmp_path):
    code = f"""
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "imogen.test_settings"
os.environ["DATABASE_URL"] = "sqlite:///{tmp_path / 'db.sqlite3'}"
os.environ["MEDIA_ROOT"] = "{tmp_path / 'media'}"
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
print(sorted(name for name in sys.modules if name == "torch" or name.startswith("torch.")))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
