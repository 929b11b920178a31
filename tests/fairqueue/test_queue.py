"""The fair queue in-process: the order owners are served in, queue facts, cancel, the cap, the estimates."""
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import JobStatus, WorkerBeat
from fairqueue import estimate
from fairqueue.models import WorkRate, this_machine
from styletransfer.models import StyleTransferJob

from .conftest import URL, Visitor

pytestmark = pytest.mark.django_db


def positions(visitor):
    return [visitor.get(j)["queue_position"] for j in visitor.jobs]


def start_next():
    """What a free worker does with any message: claim the fairest waiting job."""
    job = StyleTransferJob.claim(StyleTransferJob.objects.values_list("pk", flat=True).first())
    assert job is not None
    return job


def test_owners_are_served_in_turn_in_order_of_submission(visitors):
    a, b, c = visitors("a", "b", "c")
    for _ in range(3):
        a.submit()
    b.submit()
    c.submit()
    c.submit()
    # Round-robin: everyone's first job, then everyone's second, …, each round in order of submission.
    assert positions(a) == [0, 3, 5]
    assert positions(b) == [1]
    assert positions(c) == [2, 4]
    order = [start_next().pk for _ in range(6)]
    assert [str(pk) for pk in order] == [a.jobs[0], b.jobs[0], c.jobs[0], a.jobs[1], c.jobs[1], a.jobs[2]]


def test_a_newcomer_goes_before_the_second_job_of_someone_being_served(visitors):
    a, b = visitors("a", "b")
    for _ in range(3):
        a.submit()
    first = start_next()
    assert str(first.pk) == a.jobs[0]
    assert a.get(a.jobs[0])["queue_position"] == 0 and a.get(a.jobs[0])["status"] == "running"
    b.submit()
    assert positions(b) == [0]
    assert positions(a) == [0, 1, 2]  # running, then behind B's first
    first.finish(JobStatus.SUCCEEDED)
    assert str(start_next().pk) == b.jobs[0]  # B's job starts second
    assert str(start_next().pk) == a.jobs[1]


def test_positions_count_down_and_a_canceled_job_frees_its_place_at_once(visitors):
    a, b = visitors("a", "b")
    for _ in range(2):
        a.submit()
        b.submit()
    last = a.jobs[1]
    assert a.get(last)["queue_position"] == 2
    cancel = b.client.post(f"{URL}{b.jobs[0]}/cancel/")
    assert cancel.json()["status"] == "canceled" and cancel.json()["queue_position"] is None
    assert a.get(last)["queue_position"] == 1
    seen = []
    while StyleTransferJob.waiting().exists():
        running = start_next()
        seen.append(a.get(last)["queue_position"])
        running.finish(JobStatus.SUCCEEDED)
    assert seen == [0, 0, None]  # next, running, finished


def test_start_times_follow_the_queue_and_are_null_without_a_worker(visitors):
    (a, b) = visitors("a", "b")
    a.submit()
    a.submit()
    b.submit()
    body = a.get(a.jobs[0])
    assert body["queue_position"] == 0 and body["starts_in_seconds"] is None  # no worker is online
    WorkerBeat.objects.create(hostname=f"style@{this_machine()}", queues="style")
    WorkRate.objects.create(machine=this_machine(), key=StyleTransferJob.objects.first().work_key(),
                            seconds_per_unit=2.0, before_seconds=3.0, after_seconds=1.0, samples=4)
    job = start_next()
    painted = timedelta(seconds=job.work_units * 2.0 / 2)  # half done, on time
    StyleTransferJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - painted - timedelta(seconds=3), work_started_at=timezone.now() - painted,
        progress=0.49)
    running = a.get(a.jobs[0])
    total = 3.0 + job.work_units * 2.0 + 1.0
    assert running["starts_in_seconds"] == 0 and 0 < running["eta_seconds"] < total
    second, third = b.get(b.jobs[0]), a.get(a.jobs[1])
    assert (second["queue_position"], third["queue_position"]) == (0, 1)
    # the next job starts when the running one ends (two requests apart: a busy machine may round a second apart)
    assert second["starts_in_seconds"] == pytest.approx(running["eta_seconds"], abs=1.5)
    assert third["starts_in_seconds"] == pytest.approx(second["starts_in_seconds"] + total, abs=1.5)
    assert third["eta_seconds"] == pytest.approx(third["starts_in_seconds"] + total, abs=1.5)


def test_the_cap_answers_429_in_plain_words_and_accounts_may_queue_more(settings, visitors, django_user_model):
    settings.IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS = 2
    settings.IMOGEN_STYLE_QUEUE_CAP_ACCOUNT = 3
    (a,) = visitors("a")
    a.submit()
    a.submit()
    refused = a.client.post(URL, {"content_sample": "content-01", "style_sample": "style-01", "width": 48,
                                  "height": 32, "preset": "preview"})
    assert refused.status_code == 429
    body = refused.json()
    assert body["waiting"] == 2 and body["limit"] == 2
    assert "2 wallpapers waiting" in body["detail"] and "cancel" in body["detail"]
    assert StyleTransferJob.objects.count() == 2
    ko = a.client.post(URL, {"content_sample": "content-01", "style_sample": "style-01", "preset": "preview"},
                       HTTP_ACCEPT_LANGUAGE="ko")
    assert ko.status_code == 429 and "대기" in ko.json()["detail"]
    a.client.post(f"{URL}{a.jobs[0]}/cancel/")
    a.submit()  # one canceled: there is room again

    user = django_user_model.objects.create_user("m@example.com", "m@example.com", "pw-123456789")
    member = Visitor("member")
    member.client.force_login(user)
    for _ in range(3):
        member.submit()
    assert member.client.post(URL, {"content_sample": "content-01", "style_sample": "style-01",
                                    "preset": "preview"}).status_code == 429


def test_rates_are_learned_from_finished_jobs_and_predict_the_next(visitors):
    (a,) = visitors("a")
    job_id = a.submit()
    job = start_next()
    now = timezone.now()
    job.started_at = now - timedelta(seconds=5 + job.work_units * 3.0)
    job.work_started_at = now - timedelta(seconds=3 + job.work_units * 3.0)
    StyleTransferJob.objects.filter(pk=job_id).update(started_at=job.started_at,
                                                      work_started_at=job.work_started_at)
    job.finish(JobStatus.SUCCEEDED, work_seconds=job.work_units * 3.0)  # a success teaches the rates
    row = WorkRate.objects.get(machine=this_machine(), key=job.work_key())
    assert row.samples == 1 and row.seconds_per_unit == pytest.approx(3.0)
    assert row.before_seconds == pytest.approx(2.0, abs=0.05) and row.after_seconds == pytest.approx(3.0, abs=0.3)
    a.submit()
    nxt = StyleTransferJob.objects.get(pk=a.jobs[1])
    assert estimate.predicted_total(nxt, estimate.Rates.load(), [this_machine()]) == pytest.approx(
        5 + nxt.work_units * 3.0, rel=0.01)
    # a twice-as-slow run moves the average part of the way, not all of it
    job.work_seconds = job.work_units * 6.0
    assert 3.0 < estimate.learn(job).seconds_per_unit < 6.0


def test_the_running_estimate_blends_towards_the_jobs_own_pace():
    job = StyleTransferJob(options={"preset": "standard", "width": 64, "height": 64}, work_units=10.0,
                           machine="m", status=JobStatus.RUNNING)
    rates = estimate.Rates([WorkRate(machine="m", key=job.work_key(), seconds_per_unit=1.0, before_seconds=0,
                                     after_seconds=0)])
    now = timezone.now()
    job.started_at = job.work_started_at = now - timedelta(seconds=10)
    # predicted 10 s in all, but after 10 s only 25 % is done: the job is 4× slower than predicted
    job.progress = 0.25 * 0.98
    left = estimate.remaining(job, rates, now)
    assert 10 < left < 30  # far from the prediction, so mostly the pace (30 s left), not quite all of it
    job.progress = 0.27 * 0.98  # a pace that agrees with the measured rate keeps to the prediction
    job.started_at = job.work_started_at = now - timedelta(seconds=2.7)
    assert estimate.remaining(job, rates, now) == pytest.approx(7.3, rel=0.05)
    job.progress = 0.5 * 0.98
    job.started_at = job.work_started_at = now - timedelta(seconds=20)
    assert 12 < estimate.remaining(job, rates, now) <= 20  # half done after 20 s: mostly the pace (20 s left)
