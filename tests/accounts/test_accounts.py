"""Sign up, log in with an email, log out, reset and change the password, throttling, and the visitor's
work (creations and jobs of the browser session) moving to the account at sign-up or log-in."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from core.models import EchoJob
from tests.factories import PASSWORD, make_creation, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-77"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def anonymous_work(client):
    """Make the visitor's session and give it a creation and a job, like the features do."""
    client.get("/gallery/mine/")
    key = client.session.session_key
    assert key
    return key, make_creation(session_key=key), EchoJob.objects.create(session_key=key)


def sign_up(client, email="new@example.com", headers=None, **extra):
    return client.post("/accounts/signup/", {"email": email, "display_name": "Painter Kim",
                                             "password1": PASSWORD, "password2": PASSWORD, **extra}, headers=headers)


def test_sign_up_mails_a_link_that_logs_in_and_moves_the_sessions_creations_and_jobs(client, mailoutbox,
                                                                                     settings):
    settings.IMOGEN_MAIL_PROVIDER = "django"  # the mail providers, through Django's test outbox
    settings.SITE_URL = "https://imogen.example"
    old_key, creation, job = anonymous_work(client)
    stranger = make_creation(session_key="another-visitors-session")
    response = sign_up(client, email="New@Example.com")
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/sent/"
    user = get_user_model().objects.get(email="new@example.com")
    assert user.first_name == "Painter Kim"
    assert "_auth_user_id" not in client.session, "nobody is logged in before the address is confirmed"
    assert "new@example.com" in client.get("/accounts/signup/sent/").content.decode()
    (mail,) = mailoutbox
    link = re.search(r"https://imogen\.example(/accounts/verify/\S+/)", mail.body).group(1)
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/gallery/mine/"
    assert client.session.session_key != old_key, "the session key was rotated at login"
    creation.refresh_from_db()
    job.refresh_from_db()
    stranger.refresh_from_db()
    assert creation.owner == user and job.owner == user
    assert stranger.owner is None
    listed = client.get("/api/creations/").json()["results"]
    assert [item["id"] for item in listed] == [str(creation.pk)]


def test_log_in_moves_the_sessions_work_and_adopts_work_that_finishes_later(client):
    user = make_user("painter@example.com")
    old_key, creation, job = anonymous_work(client)
    response = client.post("/accounts/login/", {"username": "PAINTER@example.com", "password": PASSWORD})
    assert response.status_code == 302
    creation.refresh_from_db()
    job.refresh_from_db()
    assert creation.owner == user and job.owner == user
    # A job that was still running at login finishes now and stamps the old session key on its picture.
    late = make_creation(session_key=old_key)
    assert str(late.pk) in client.get("/gallery/mine/").content.decode()
    late.refresh_from_db()
    assert late.owner == user


def test_logging_in_as_someone_else_does_not_hand_over_that_accounts_work(client):
    first = make_user("first@example.com")
    second = make_user("second@example.com")
    client.force_login(first)
    theirs = make_creation(owner=first, session_key=client.session.session_key)
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "second@example.com", "password": PASSWORD})
    theirs.refresh_from_db()
    assert theirs.owner == first
    assert str(theirs.pk) not in client.get("/api/creations/").content.decode()
    assert second.creations.count() == 0


def test_api_login_moves_the_sessions_work_too(client):
    user = make_user("api@example.com")
    _, creation, _ = anonymous_work(client)
    response = client.post("/api/accounts/login/", {"email": "api@example.com", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["authenticated"] is True
    creation.refresh_from_db()
    assert creation.owner == user
    assert client.get("/api/accounts/me/").json()["email"] == "api@example.com"
    bad = client.post("/api/accounts/login/", {"email": "api@example.com", "password": "nope"},
                      content_type="application/json")
    assert bad.status_code == 400 and "do not match" in bad.json()["detail"]
    assert client.post("/api/accounts/logout/").json()["authenticated"] is False


@pytest.mark.parametrize("data,field,message", [
    ({"email": "not-an-email"}, "email", "valid email"),
    ({"password2": "different-passphrase-1"}, "password2", "different"),
    ({"password1": "12345678", "password2": "12345678"}, "password1", "too common"),
])
def test_sign_up_says_what_is_wrong(client, data, field, message):
    make_user("taken@example.com")
    response = sign_up(client, **data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert get_user_model().objects.count() == 1


def test_sign_up_errors_in_korean(client):
    response = sign_up(client, email="new@example.com", password2="different-passphrase-1",
                       headers={"Accept-Language": "ko"})
    page = response.content.decode()
    assert "두 비밀번호가 서로 다릅니다" in page and "회원가입" in page


def test_wrong_password_is_a_clear_message_and_logout_works(client):
    make_user("someone@example.com")
    response = client.post("/accounts/login/", {"username": "someone@example.com", "password": "wrong"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    client.post("/accounts/login/", {"username": "someone@example.com", "password": PASSWORD})
    assert client.get("/accounts/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/").status_code == 302


def test_login_is_throttled_with_the_login_rate(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "3/hour"}}
    make_user("someone@example.com")
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "someone@example.com", "password": "x"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "someone@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    api = client.post("/api/accounts/login/", {"email": "someone@example.com", "password": PASSWORD},
                      content_type="application/json")
    assert api.status_code == 429 and api.json()["detail"]


def test_password_reset_by_email_then_log_in_with_the_new_password(client, mailoutbox, settings):
    settings.IMOGEN_MAIL_PROVIDER = "django"
    settings.SITE_URL = "https://imogen.example"
    make_user("forgetful@example.com")
    response = client.post("/accounts/password/reset/", {"email": "Forgetful@example.com"})
    assert response.status_code == 302
    assert client.post("/accounts/password/reset/", {"email": "nobody@example.com"}).status_code == 302
    assert len(mailoutbox) == 1, "no mail for unknown addresses, and no hint either"
    mail = mailoutbox[0]
    assert mail.to == ["forgetful@example.com"] and "password" in mail.subject.lower()
    link = re.search(r"https://imogen\.example(/accounts/password/reset/\S+/)", mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                                         "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.post("/accounts/login/", {"username": "forgetful@example.com",
                                            "password": NEW_PASSWORD}).status_code == 302
    assert client.get(link, follow=True).context["validlink"] is False, "a reset link works once"


def test_change_password_and_display_name(client):
    user = make_user("changer@example.com", "Old Name")
    client.force_login(user)
    response = client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/accounts/").status_code == 200, "still logged in after the change"
    client.post("/accounts/", {"first_name": "New Name"})
    user.refresh_from_db()
    assert user.first_name == "New Name"
    assert client.post("/accounts/", {"first_name": "x" * 41}).status_code == 200
    user.refresh_from_db()
    assert user.first_name == "New Name"


def test_password_reset_mail_goes_through_the_mail_provider(client, mailoutbox, settings, tmp_path):
    # The same provider as every other mail (here the folder), not Django's EMAIL_BACKEND (the test outbox).
    settings.IMOGEN_MAIL_PROVIDER, settings.IMOGEN_MAIL_FOLDER = "folder", str(tmp_path)
    make_user("forgetful@example.com")
    assert client.post("/accounts/password/reset/", {"email": "forgetful@example.com"}).status_code == 302
    (written,) = tmp_path.iterdir()
    assert "To: forgetful@example.com" in written.read_text() and mailoutbox == []
