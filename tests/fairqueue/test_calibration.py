"""A style worker measures this machine's speed when it starts, and the first estimate of any kind uses it."""
import pytest

from core.models import WorkerBeat
from fairqueue import estimate
from fairqueue.models import WorkRate, this_machine
from styletransfer import calibration
from styletransfer.models import StyleTransferJob

from ..conftest import wait_for
from .conftest import URL, Visitor

DEFAULTS = {"IMOGEN_QUEUE_DEFAULT_SECONDS_PER_UNIT": 500.0, "IMOGEN_QUEUE_DEFAULT_BEFORE_SECONDS": 300.0,
            "IMOGEN_QUEUE_DEFAULT_AFTER_SECONDS": 200.0}  # so far off that using them cannot pass for a measurement


def calibration_row():
    return WorkRate.objects.filter(machine=this_machine(), key=estimate.CALIBRATION_KEY).first()


@pytest.mark.e2e
def test_a_workers_first_estimate_uses_its_calibration(worker_factory, settings):
    for name, value in DEFAULTS.items():
        setattr(settings, name, value)
    worker_factory(queues="style")
    row = wait_for(calibration_row, timeout=30, message="the worker's start-up probe")
    assert 0.01 < row.seconds_per_unit < 200 and 0 <= row.before_seconds < 30
    # A beat from after the probe: importing torch and loading the networks can hold the interpreter long enough
    # on a loaded machine for the beat written at the start to age out of "live".
    wait_for(lambda: WorkerBeat.live().filter(queues__contains="style", last_seen__gte=row.updated_at).exists(),
             message="the worker's beat after its probe")
    visitor = Visitor("first")
    response = visitor.client.post(URL, {"content_sample": "content-01", "style_sample": "style-01",
                                         "width": "64", "height": "36", "preset": "standard"})
    assert response.status_code == 202, response.content
    body = response.json()
    job = StyleTransferJob.objects.get(pk=body["id"])
    rate = estimate.Rates.load().lookup(job.work_key(), [this_machine()])
    expected = rate.before + job.work_units * row.seconds_per_unit + rate.after
    # The answer to the submit itself, before this machine has finished any job: its probe, not the defaults.
    assert body["eta_seconds"] == pytest.approx(expected, abs=1.5), (
        {k: body[k] for k in ("status", "queue_position", "starts_in_seconds", "eta_seconds")},
        list(WorkerBeat.live().values("hostname", "queues", "last_seen")), str(job.started_at))
    assert rate.seconds_per_unit == row.seconds_per_unit
    assert rate.before == pytest.approx(row.before_seconds)


@pytest.mark.django_db
def test_the_probe_is_stored_and_stands_in_until_the_machine_has_done_that_kind(settings):
    for name, value in DEFAULTS.items():
        setattr(settings, name, value)
    settings.IMOGEN_STYLE_CALIBRATION_SIDE = 64
    WorkRate.objects.create(machine="elsewhere", key="standard/15", seconds_per_unit=1.0, before_seconds=1.0,
                            after_seconds=1.0, samples=9)
    row = calibration.calibrate()
    assert row == calibration_row() and row.seconds_per_unit > 0
    rates = estimate.Rates.load()
    # This machine's probe, not another machine's jobs (a unit's seconds vary more between machines than presets).
    probed = rates.lookup("standard/21", [this_machine()])
    assert probed.measured and probed.seconds_per_unit == row.seconds_per_unit
    # The result's saving grows with its pixels: 1920×1080 (bucket 21) takes longer than 160×90 (bucket 14).
    assert probed.after > rates.lookup("standard/14", [this_machine()]).after > 0
    # Once the machine has finished this preset at some size, that measurement wins over the probe...
    WorkRate.objects.create(machine=this_machine(), key="standard/16", seconds_per_unit=7.0, before_seconds=2.0,
                            after_seconds=0.5, samples=3)
    assert estimate.Rates.load().lookup("standard/21", [this_machine()]).seconds_per_unit == 7.0
    # ...while another preset on this machine still goes by the probe, before that preset's other measurements.
    assert estimate.Rates.load().lookup("high/21", [this_machine()]).seconds_per_unit == row.seconds_per_unit
    # A second start replaces the probe (the machine may have been changed or be busier): one row per machine.
    calibration.calibrate()
    assert WorkRate.objects.filter(machine=this_machine(), key=estimate.CALIBRATION_KEY).count() == 1


@pytest.mark.django_db
def test_no_probe_when_switched_off(settings):
    settings.IMOGEN_STYLE_CALIBRATION_SIDE = 0
    assert calibration.calibrate() is None and calibration_row() is None
