"""The job page's words match the job (issue 24): a finished job's Korean heading is "my wallpaper" (not the framing
preview's "wallpaper preview"), and a running job that has not named its first stage yet says it is starting, not
that it waits for a painter while its badge says Running."""
import re

import pytest

from core.models import JobStatus
from tests.factories import make_style_job, session_client

pytestmark = pytest.mark.django_db


def heading(html, tag):
    return re.sub(r"<[^>]+>", "", re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S).group(1)).strip()


def test_a_finished_jobs_korean_heading(korean):
    client, key = session_client()
    job = make_style_job(session_key=key)
    page = client.get(f"/style/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert heading(page, "h1") == "내 배경화면"


@pytest.mark.parametrize("language, words", [("en", "Starting to paint…"), ("ko", "그리기를 시작하는 중…")])
def test_a_running_job_without_a_stage_is_starting_not_waiting(korean, language, words):
    client, key = session_client()
    job = make_style_job(session_key=key, finished=False, status=JobStatus.RUNNING)
    page = client.get(f"/style/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading(page, "h2") == words
    queued = make_style_job(session_key=key, finished=False)
    waiting = client.get(f"/style/jobs/{queued.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading(waiting, "h2") != words
