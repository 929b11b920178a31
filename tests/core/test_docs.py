"""What the README says about the project that the code can contradict, checked: the list of apps in "How it is
built" is the installed apps in the layers' order, and no test count is written down to go stale."""
import re

from tests.conftest import ROOT
from tests.core.test_layering import LAYERS, PROJECT

README = (ROOT / "README.md").read_text()


def test_the_readme_lists_every_app_in_layer_order():
    built = README.split("## How it is built", 1)[1].split("\n### ", 1)[0]
    folders = {"templates", "static", "tests", "bench"}  # the README's other bullets: shared files, not apps
    listed = [name for name in re.findall(r"^- `([a-z0-9_]+)/`", built, re.M) if name not in folders]
    assert listed == [app for layer in LAYERS for app in layer] + [PROJECT]


def test_the_readme_says_how_to_count_the_tests_instead_of_a_number():
    assert re.findall(r"\b\d+ tests\b", README) == []
    assert "pytest --collect-only -q" in README
