import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def editor_korean():
    """Compile the editor's Korean catalogue (.mo files are build output) so Korean can be checked."""
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed")
    po = Path(__file__).resolve().parents[2] / "editor/locale/ko/LC_MESSAGES/django.po"
    subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    from django.utils.translation import trans_real

    trans_real._translations = {}  # forget catalogues loaded before the file existed
    trans_real._active = trans_real.Local()
    return True
