"""Personal API tokens: made on the account page, shown once, stored hashed, revocable, and a script with one
needs no CSRF token and counts under its account."""
import json
import re

import pytest
from django.test import Client
from knox.models import AuthToken

from tests.factories import account_client, make_user
from text2image.models import TextToImageJob

pytestmark = pytest.mark.django_db


def make_token(client):
    assert client.post("/accounts/tokens/new/").status_code == 302
    page = client.get("/accounts/").content.decode()
    match = re.search(r'id="new-api-token">([^<]+)<', page)
    return match.group(1) if match else None


def submit(client, token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.post("/api/text2image/jobs/", data=json.dumps({"prompt": "노을 지는 바다"}),
                       content_type="application/json", **headers)


def test_token_is_shown_once_and_stored_only_as_a_hash():
    user = make_user("script@example.com")
    browser, _key = account_client(user)
    token = make_token(browser)
    assert token and token.startswith("imogen_") and len(token) > 60
    assert token not in browser.get("/accounts/").content.decode()  # shown only the once
    stored = AuthToken.objects.get(user=user)
    assert token not in (stored.digest, stored.token_key) and token.startswith(stored.token_key)
    assert len(stored.digest) == 128  # SHA-512


def test_a_script_with_a_token_needs_no_csrf_and_acts_as_its_account(broker):
    user = make_user("script@example.com")
    token = make_token(account_client(user)[0])
    script = Client(enforce_csrf_checks=True)  # a script: no cookies, no CSRF token
    assert submit(script).status_code == 403  # without the token, CSRF is required as before
    answer = submit(script, token)
    assert answer.status_code == 202, answer.content
    assert TextToImageJob.objects.get(pk=answer.json()["id"]).owner == user
    assert script.get(f"/api/text2image/jobs/{answer.json()['id']}/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert script.get(f"/api/text2image/jobs/{answer.json()['id']}/").status_code == 404  # not without it


def test_revoked_or_wrong_tokens_answer_401(broker):
    user = make_user("script@example.com")
    browser, _key = account_client(user)
    token = make_token(browser)
    script = Client(enforce_csrf_checks=True)
    assert submit(script, token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 401
    key = AuthToken.objects.get(user=user).token_key
    assert browser.post(f"/accounts/tokens/{key}/revoke/").status_code == 302
    assert submit(script, token).status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_only_the_owner_revokes_and_only_confirmed_accounts_make_tokens():
    owner, other = make_user("owner@example.com"), make_user("other@example.com")
    make_token(account_client(owner)[0])
    key = AuthToken.objects.get(user=owner).token_key
    account_client(other)[0].post(f"/accounts/tokens/{key}/revoke/")
    assert AuthToken.objects.filter(user=owner).exists()
    unconfirmed = make_user("new@example.com", verified=False)
    assert make_token(account_client(unconfirmed)[0]) is None
    assert not AuthToken.objects.filter(user=unconfirmed).exists()


def test_an_account_holds_a_limited_number_of_tokens(settings):
    user = make_user("script@example.com")
    browser, _key = account_client(user)
    for _n in range(settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]):
        assert make_token(browser)
    browser.post("/accounts/tokens/new/")
    page = browser.get("/accounts/").content.decode()
    assert "the most an account may hold" in page and 'id="new-api-token"' not in page


def test_token_requests_count_under_the_accounts_job_rate(broker, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "jobs": "2/hour"}}
    user = make_user("script@example.com")
    token = make_token(account_client(user)[0])
    script = Client(enforce_csrf_checks=True)
    assert [submit(script, token).status_code for _n in range(3)] == [202, 202, 429]


def test_schema_names_the_token_scheme_and_the_csrf_route():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["components"]["securitySchemes"]["knoxApiToken"] == {"type": "http", "scheme": "bearer"}
    assert "/api/csrf/" in schema["paths"]
    csrf = Client().get("/api/csrf/")
    assert csrf.status_code == 200 and csrf.json()["csrftoken"] and "csrftoken" in csrf.cookies
