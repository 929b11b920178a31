"""The worker log names the job that ran: a fair-queue message for one job may start another (the fairest one), and
its start, cancel and end are logged under the job that really ran (issue 24: "ended as canceled" named the job the
message carried, canceled earlier, not the one stopped)."""
import logging

import pytest

from core.jobs import JobCanceled, run_job
from styletransfer.models import StyleTransferJob


@pytest.mark.django_db(transaction=True)  # run_job closes old connections, as a worker does
def test_a_canceled_job_is_logged_under_its_own_id(visitors, caplog):
    a, b = visitors("a", "b")
    first, second = a.submit(), b.submit()

    def stopped_by_its_owner(job):
        raise JobCanceled()

    with caplog.at_level(logging.INFO, logger="core.jobs"):
        ran = run_job(StyleTransferJob, second, stopped_by_its_owner)  # the message names b's job; a's turn comes first
    assert str(ran.pk) == first and ran.status == "canceled"
    lines = [r.getMessage() for r in caplog.records if r.name == "core.jobs"]
    assert f"StyleTransferJob {first} ended as canceled" in lines, lines
    assert not any(f"{second} ended" in line for line in lines), lines
    assert any(f"StyleTransferJob {first} started" in line and second in line for line in lines), lines
