"""One JS kit (issue 23): every page's script uses site.js's poller, `fill`, `FINAL` and string reader, with one
placeholder syntax, and takes its URLs from the page or the API — checked in the sources, so a copy cannot creep
back in."""
import re

from tests.conftest import ROOT

KIT = ROOT / "static/js/site.js"
SCRIPTS = sorted(p for p in ROOT.glob("*/static/**/*.js") if "staticfiles" not in p.parts and p != KIT)


def code(path):
    text = path.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"^\s*//.*$|[^:\"']//[^\n]*", "", text, flags=re.M)  # comments may name routes


def offenders(pattern):
    return [p.relative_to(ROOT).as_posix() for p in SCRIPTS if re.search(pattern, code(p))]


def test_there_are_scripts_to_check():
    assert len(SCRIPTS) >= 8


def test_one_fill_one_final_list_one_string_reader():
    assert offenders(r"function fill\b") == []
    assert offenders(re.escape(r"%\((\w+)\)s")) == []  # the placeholder pattern lives in site.js only
    assert offenders(r"\[\s*\"succeeded\"") == []  # the final statuses: imogen.FINAL
    assert offenders(r"JSON\.parse\(\s*document\.getElementById") == []  # a page's words: imogen.strings(id)


def test_one_poller():
    assert offenders(r"setTimeout\(\s*poll\b|async function poll\b|function poll\b") == []


def test_one_placeholder_syntax():
    templates = [p for p in ROOT.glob("*/templates/**/*.html")] + list((ROOT / "templates").glob("**/*.html"))
    braces = [p.relative_to(ROOT).as_posix() for p in templates if re.search(r"translate '[^']*\{\w+\}", p.read_text())]
    assert braces == []
    assert offenders(r"split\(\"\{\w+\}\"\)") == []


def test_no_route_is_written_in_a_script():
    assert offenders(r"[\"'`]/api/") == []
