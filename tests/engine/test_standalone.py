"""The engine is a library with its own command line: it must run where Django is not set up."""
import subprocess
import sys

from tests.conftest import ROOT


def test_the_engine_and_its_cli_import_no_django():
    code = ("import sys, styletransfer.engine.transfer, styletransfer.engine.feedforward, styletransfer.engine.cli;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
