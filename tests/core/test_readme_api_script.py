"""The README's API section is a script that works as written: run exactly that block against a live server with a
real worker, once with a new account's API token and once through the CSRF route, and find both wallpapers saved;
every route it calls is in the OpenAPI schema."""
import os
import re
import subprocess
import sys

import pytest
from knox.models import AuthToken
from PIL import Image

from tests.conftest import ROOT
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def readme_script():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- api-script -->\s*```python\n(.*?)```\s*<!-- /api-script -->", text, re.S)
    assert block, "README.md has no api-script block"
    return block.group(1)


@pytest.mark.parametrize("how", ["token", "csrf"])
def test_the_readme_script_makes_and_downloads_both_wallpapers(how, live_server, celery_worker, tmp_path):
    env = {**os.environ, "IMOGEN_URL": live_server.url}
    env.pop("IMOGEN_TOKEN", None)
    if how == "token":
        user = make_user("script@example.com")
        env["IMOGEN_TOKEN"] = AuthToken.objects.create(user=user, expiry=None)[1]
    run = subprocess.run([sys.executable, "-c", readme_script()], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=240)
    assert run.returncode == 0, run.stdout + run.stderr
    for name in ("style.png", "text2image.png"):
        with Image.open(tmp_path / name) as picture:
            assert picture.size == (1920, 1080)
    if how == "token":
        from gallery.models import Creation

        assert Creation.objects.filter(owner=user).count() == 2  # the work is the account's


def test_every_route_the_readme_script_uses_is_in_the_schema(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    used = {"/api/csrf/", "/api/style-transfer/jobs/", "/api/style-transfer/jobs/{id}/", "/api/text2image/jobs/",
            "/api/text2image/jobs/{id}/", "/api/creations/{id}/download/"}
    script = readme_script()
    for path in used:
        assert path.split("{")[0].rstrip("/") in script or "api_url" in script
    assert used <= set(paths), used - set(paths)
