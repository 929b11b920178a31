"""Issue 21, item 2, against the live app: the queue's fairness and caps held per cookie. One address opening a
new session every 3 jobs had 46 `high` 1920×1080 jobs accepted in 1 s, a visitor from another address then waited
behind 14 of them, and three unconfirmed accounts from one address had 60 submissions an hour each. Every client
here comes from its own loopback address (tests.loopback), as the attack did."""
import threading

import pytest

from core.models import JobStatus
from styletransfer.models import StyleTransferJob
from tests.factories import PASSWORD, make_user
from tests.loopback import LoopbackClient

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/style-transfer/jobs/"
SAMPLES = {"content_sample": "content-01", "style_sample": "style-01"}
HIGH_1080P = {**SAMPLES, "preset": "high", "size_preset": "desktop-1080p"}
INSTANT_64 = {**SAMPLES, "preset": "instant", "width": 64, "height": 64}


@pytest.fixture
def caps(settings, rates):
    """The production caps on waiting jobs (test_settings lifts them), from empty rate counters."""
    settings.IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS = 3
    settings.IMOGEN_STYLE_QUEUE_CAP_ACCOUNT = 8
    settings.IMOGEN_STYLE_QUEUE_CAP_ADDRESS = 6
    return settings


def ahead_by_client(job_id):
    """{client address: how many of its jobs start before this one} in the order workers take them."""
    order = list(StyleTransferJob.waiting().order_by(*StyleTransferJob.fair_order()).values_list("pk", "client"))
    ahead = {}
    for pk, client in order:
        if str(pk) == str(job_id):
            return ahead
        ahead[client] = ahead.get(client, 0) + 1
    raise AssertionError(f"{job_id} is not waiting")


def submit_in_new_sessions(live_server, source, tries, per_session=3, body=HIGH_1080P):
    """The attack: a new session (no cookies) every `per_session` jobs; returns the status codes."""
    answers = []
    for start in range(0, tries, per_session):
        bot = LoopbackClient(live_server.url, source)
        answers += [bot.post(URL, data=body).status_code for _ in range(min(per_session, tries - start))]
        bot.close()
    return answers


def test_new_sessions_from_one_address_share_its_cap_and_a_visitor_elsewhere_is_next(live_server, caps, broker):
    answers = submit_in_new_sessions(live_server, "127.0.0.2", 24)
    assert answers.count(202) == 6 and answers[6:] == [429] * 18, answers
    bot = LoopbackClient(live_server.url, "127.0.0.2")
    refused = bot.post(URL, data=HIGH_1080P)
    assert refused.status_code == 429 and refused.json()["limit"] == 6
    assert "from your address" in refused.json()["detail"], refused.json()
    ko = bot.post(URL, data=HIGH_1080P, headers={"Accept-Language": "ko"})
    assert ko.status_code == 429 and "주소" in ko.json()["detail"], ko.json()
    bot.close()

    visitor = LoopbackClient(live_server.url, "127.0.0.3")
    job = visitor.post(URL, data=INSTANT_64).json()
    assert job["queue_position"] == 1, job  # behind the one job of 127.0.0.2's turn being served
    assert ahead_by_client(job["id"]) == {"127.0.0.2": 1}
    visitor.close()


def test_parallel_sessions_from_one_address_get_one_turn_each_and_the_cap(live_server, caps, broker):
    answers, lock = [], threading.Lock()

    def one():
        bot = LoopbackClient(live_server.url, "127.0.0.4")
        status = bot.post(URL, data=HIGH_1080P).status_code
        bot.close()
        with lock:
            answers.append(status)

    threads = [threading.Thread(target=one) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [202] * 6 + [429] * 6, answers
    rounds = list(StyleTransferJob.objects.filter(client="127.0.0.4").values_list("queue_round", flat=True))
    assert sorted(rounds) == list(range(6)), rounds  # one turn each: never two in one round
    visitor = LoopbackClient(live_server.url, "127.0.0.5")
    job = visitor.post(URL, data=INSTANT_64).json()
    assert ahead_by_client(job["id"]) == {"127.0.0.4": 1}
    visitor.close()


def test_a_confirmed_account_is_its_own_client_and_unconfirmed_ones_count_as_their_address(live_server, caps,
                                                                                         broker):
    caps.IMOGEN_STYLE_QUEUE_CAP_ADDRESS = 4
    unconfirmed = [make_user(f"bot{n}@example.com", verified=False) for n in range(3)]
    answers = []
    for user in unconfirmed:
        bot = log_in(LoopbackClient(live_server.url, "127.0.0.6"), user.email, PASSWORD)
        answers += [bot.post(URL, data=HIGH_1080P).status_code for _ in range(3)]
        bot.close()
    assert answers.count(202) == 4, answers  # the address's cap, not 3 accounts × 8
    member = log_in(LoopbackClient(live_server.url, "127.0.0.6"), make_user("m@example.com").email, PASSWORD)
    assert [member.post(URL, data=HIGH_1080P).status_code for _ in range(3)] == [202] * 3
    mine = StyleTransferJob.objects.filter(owner__email="m@example.com").order_by("created_at")
    assert list(mine.values_list("queue_round", flat=True)) == [0, 1, 2]  # its own turns, not the address's
    member.close()


def test_the_job_rate_holds_per_address_across_unconfirmed_accounts(live_server, caps, rates, broker):
    rates("jobs", "4/hour")
    answers = []
    for n in range(3):
        user = make_user(f"rate{n}@example.com", verified=False)
        bot = log_in(LoopbackClient(live_server.url, "127.0.0.7"), user.email, PASSWORD)
        answers += [bot.post(URL, data=INSTANT_64).status_code for _ in range(2)]
        StyleTransferJob.objects.filter(owner=user).update(status=JobStatus.CANCELED)  # not the cap: the rate
        bot.close()
    assert answers == [202] * 4 + [429] * 2, answers


def test_the_job_rate_is_weighed_by_the_work_a_job_asks_for(live_server, caps, rates, broker):
    rates("job_work", "400/hour")  # a `high` 1920×1080 job is 156 units of work, an `instant` 64×64 one 1
    bot = LoopbackClient(live_server.url, "127.0.0.8")
    assert [bot.post(URL, data=HIGH_1080P).status_code for _ in range(2)] == [202, 202]
    refused = bot.post(URL, data=HIGH_1080P)
    assert refused.status_code == 429, refused.text
    assert "smaller size or a faster quality" in refused.json()["detail"] and int(refused.headers["Retry-After"]) > 0
    ko = bot.post(URL, data=HIGH_1080P, headers={"Accept-Language": "ko"})
    assert ko.status_code == 429 and "더 작은 크기" in ko.json()["detail"], ko.json()
    assert bot.post(URL, data=INSTANT_64).status_code == 202  # a small job still fits
    assert StyleTransferJob.objects.filter(client="127.0.0.8").count() == 3
    other = LoopbackClient(live_server.url, "127.0.0.9")
    assert other.post(URL, data=HIGH_1080P).status_code == 202  # another address has its own budget
    bot.close()
    other.close()


def test_an_ipv6_slash_64_is_one_address(caps, broker):
    from django.test import Client

    answers = [Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}").post(URL, INSTANT_64).status_code for n in range(8)]
    assert answers == [202] * 6 + [429] * 2  # eight addresses of one /64 (one household, one server): one cap
    assert Client(REMOTE_ADDR="2001:db8:1:3::1").post(URL, INSTANT_64).status_code == 202
    assert set(StyleTransferJob.objects.values_list("queue_client", flat=True)) == {
        "ip:2001:db8:1:2::/64", "ip:2001:db8:1:3::/64"}
