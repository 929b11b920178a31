"""The small words of issue 17, checked without a browser: "1 picture", Korean dates, the API docs' way back,
administrator notes for staff only, and the README's two sentences."""
import json
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.utils import formats, translation

from tests.factories import make_creation, make_user

ROOT = Path(__file__).resolve().parents[2]


def test_korean_dates_read_as_koreans_write_them():
    with translation.override("ko"):
        assert formats.date_format(date(2026, 12, 1), "SHORT_DATE_FORMAT") == "2026. 12. 1."
        assert formats.date_format(date(2026, 12, 1), "DATE_FORMAT") == "2026년 12월 1일"


@pytest.mark.django_db
def test_one_picture_is_one_picture(client, korean):
    made = client.post("/api/text2image/jobs/", data=json.dumps({"prompt": "sunset", "samples": 1}),
                       content_type="application/json")
    assert made.status_code == 202, made.content
    page = client.get(made.json()["url"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 picture ·" in page and "1 pictures" not in page


@pytest.mark.django_db
def test_api_docs_lead_back_to_the_site_in_the_visitors_language(client, korean):
    page = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'id="back-to-site"' in page and "Imogen으로 돌아가기" in page and "영어로만" in page


@pytest.mark.django_db
def test_mail_folder_notes_are_for_staff_only(settings, tmp_path):
    settings.EMAIL_HOST = ""
    settings.MEDIA_ROOT = tmp_path
    for staff in (False, True):
        user = make_user(f"person{int(staff)}@example.com", staff=staff)
        client = Client()
        client.force_login(user)
        creation = make_creation(owner=user)
        pages = [client.get(f"/mail/send/{creation.pk}/").content.decode(),
                 client.get("/accounts/password/reset/sent/").content.decode()]
        assert all(("var/mail" in page) == staff for page in pages), staff


def test_readme_says_where_the_language_switch_and_the_mail_files_are():
    readme = (ROOT / "README.md").read_text()
    assert "switch in the footer" not in readme and "in the header" in readme
    assert "`.eml`" not in readme and "`.log` files" in readme
