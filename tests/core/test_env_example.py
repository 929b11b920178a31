"""Every setting read from the environment is documented in .env.example (the file people copy to .env)."""
import re

from django.conf import settings

from tests.conftest import ROOT

# The project and every installed app of this repository: a new feature is checked without editing this file.
APPS = ["imogen", *(app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists())]
READ = re.compile(r'(?:env(?:_int|_bool|_float|_list)?\(|os\.environ(?:\.get)?[(\[]|getenv\()"([A-Z][A-Z0-9_]+)"')
TEST_ONLY = {"IMOGEN_TEST_DB_NAME"}


def test_every_environment_variable_is_in_env_example():
    documented = set(re.findall(r"^#? *([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = {name for app in APPS for path in (ROOT / app).rglob("*.py") if "test_settings" not in path.name
            for name in READ.findall(path.read_text())}
    assert len(read) > 30, "the pattern no longer finds the settings"
    assert read - documented - TEST_ONLY == set()
