"""The figures of issue 21 (items 2, 6 and 10) with the production defaults, for docs/security.md: what one address
gets from many sessions in 10 s of submitting as fast as it can, where a visitor from another address then stands,
and how many mails one address can have sent to one mailbox from many sessions. Slow (10 s of attack): run with
`pytest -m slow --run-slow tests/security/test_client_figures.py -s` to see the figures."""
import os
import threading
import time

import pytest

from styletransfer.models import StyleTransferJob
from tests.factories import make_creation, make_style_job
from tests.loopback import LoopbackClient

from .conftest import session_of
from .test_fair_clients import HIGH_1080P, INSTANT_64, URL

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def production(settings, rates):
    """The defaults of imogen/settings.py (test_settings lifts them for the rest of the suite)."""
    settings.IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS, settings.IMOGEN_STYLE_QUEUE_CAP_ACCOUNT = 3, 8
    settings.IMOGEN_STYLE_QUEUE_CAP_ADDRESS = 6
    settings.IMOGEN_MAIL_LIMIT_PER_RECIPIENT, settings.IMOGEN_MAIL_LIMIT_PER_CLIENT = "5/hour", "30/day"
    rates("jobs", "60/hour")
    rates("job_work", "1800/hour")
    return settings


def report(line):
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n[figure] {line} (load average {load}, {os.cpu_count()} CPUs)")


def test_one_address_for_ten_seconds_from_new_sessions(live_server, production, broker):
    from styletransfer import engine  # noqa: F401  (torch loads once, before the clock starts, as on a warm server)

    accepted, tries, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + 10

    def attacker():
        while time.monotonic() < deadline:
            bot = LoopbackClient(live_server.url, "127.0.0.40")  # a new session every 3 jobs
            for _ in range(3):
                status = bot.post(URL, data=HIGH_1080P).status_code
                with lock:
                    tries[0] += 1
                    accepted.extend([1] if status == 202 else [])
            bot.close()

    threads = [threading.Thread(target=attacker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    visitor = LoopbackClient(live_server.url, "127.0.0.41")
    job = visitor.post(URL, data=INSTANT_64).json()
    visitor.close()
    ahead = StyleTransferJob.waiting().filter(client="127.0.0.40").count()
    report(f"one address, new session every 3 jobs, 4 at once for 10 s: {len(accepted)} of {tries[0]} `high` "
           f"1920x1080 jobs accepted; a visitor from another address then got queue position "
           f"{job['queue_position']} ({ahead} of the address's jobs waiting)")
    assert len(accepted) <= 6 and job["queue_position"] <= 1


def test_mails_to_one_mailbox_from_many_sessions_of_one_address(live_server, production, broker):
    spellings = ["victim@gmail.com", "v.ictim@gmail.com", "vi.ctim@gmail.com", "v.i.c.t.i.m@gmail.com",
                 "Victim+1@gmail.com", "victim@googlemail.com", "vic.tim@gmail.com", "victi.m@gmail.com"]
    sent = tries = 0
    for n in range(20):
        bot = LoopbackClient(live_server.url, "127.0.0.42")
        key = session_of(bot)
        creation = make_creation(session_key=key)
        waiting = make_style_job(session_key=key, finished=False, client="127.0.0.42")
        answers = [bot.post(f"/api/creations/{creation.pk}/email/", json={"to": spellings[n % 8]}).status_code,
                   bot.post(f"{URL}{waiting.pk}/notify/", json={"to": spellings[(n + 3) % 8]}).status_code]
        sent += sum(status in (200, 202) for status in answers)
        tries += len(answers)
        bot.close()
    report(f"one address, 20 sessions, a mail and a ready-mail each to spellings of one Gmail box: {sent} of {tries} "
           "accepted")
    assert sent <= 5
