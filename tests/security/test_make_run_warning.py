"""Issue 21, item 13: a dozen clients sending their headers a byte at a time made `/healthz` time out under
`make run` (its gunicorn reads requests itself); through the nginx recipe 40 did no harm
(tests/security/test_slow_clients.py). The README says so and shows the two commands that put nginx in front."""
from tests.conftest import ROOT


def test_the_readme_says_make_run_is_not_for_the_open_internet_and_how_to_put_nginx_in_front():
    readme = (ROOT / "README.md").read_text()
    assert "**`make run` is not for the open internet.**" in readme
    assert "sudo cp deploy/nginx-imogen.conf /etc/nginx/conf.d/imogen.conf && sudo nginx -t && " in readme
    assert "IMOGEN_TRUSTED_PROXIES=1 make run" in readme


def test_make_run_listens_where_the_recipe_looks_for_it():
    """The two commands fit together: `make run` binds the loopback address and port of the recipe's upstream."""
    from core.management.commands.serve import Command

    defaults = Command().create_parser("manage.py", "serve").parse_args([])
    assert defaults.host == "127.0.0.1"
    assert f"server {defaults.host}:{defaults.port};" in (ROOT / "deploy" / "nginx-imogen.conf").read_text()
