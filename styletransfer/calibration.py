"""This machine's speed, measured when a style worker starts, so its first estimate of any kind is its own.

A job's painting costs `work_units` seconds of the engine's cost model (its reference CPU). The probe times a
few objective evaluations (VGG19 forward + backward, as each L-BFGS step) at a known size and divides by what the
cost model gives them: that is this machine's seconds per unit, now, with this worker's threads. It is stored in
the estimate table (`fairqueue.estimate.record_calibration`), where it stands in for every kind of work this
machine has not finished yet. The probe also loads the networks, so the first job does not pay for that.
"""
import logging
import statistics
import time

from celery.signals import worker_ready
from django.conf import settings
from PIL import Image

from core.uploads import encode_image
from fairqueue import estimate
from fairqueue.models import this_machine
from gallery.models import THUMBNAIL_SIZE

from . import samples
from .models import StyleTransferJob

log = logging.getLogger(__name__)
PROBE_EVALUATIONS = 3  # after one untimed warm-up evaluation (first-call allocations)
SAVING_SIDE = 960  # the painting whose saving is timed (16:9)


def probe_size(long_side):
    return long_side, max(16, round(long_side * 9 / 16))


def _sync(device):
    import torch  # the worker only

    if device.type == "cuda":
        torch.cuda.synchronize()


def probe(long_side, device_name="auto", threads=None):
    """Seconds per unit of work on this machine now: the median of timed evaluations over the cost model's."""
    # torch and the engine (which imports it): the worker only, the web process never loads them
    import torch

    from .engine import feedforward, load_vgg19, resolve_device
    from .engine.transfer import Objective, eval_seconds, resolve_precision

    if threads:
        torch.set_num_threads(threads)
    device = resolve_device(device_name)
    precision = resolve_precision("auto", device)
    net = load_vgg19(device)
    feedforward.load_feedforward(threads or torch.get_num_threads())
    width, height = probe_size(long_side)
    generator = torch.Generator().manual_seed(0)
    content, style = (torch.rand(1, 3, height, width, generator=generator).mul(255).sub(120).to(device)
                      for _ in range(2))
    modelled = eval_seconds(width, height, precision == torch.bfloat16)
    objective = Objective(net, content, [style], [1.0], 10.0, precision=precision)
    image, times = content.clone(), []
    for index in range(PROBE_EVALUATIONS + 1):
        start = time.perf_counter()
        image.requires_grad_(True)
        objective(image).backward()
        image = image.detach()
        _sync(device)
        if index:
            times.append(time.perf_counter() - start)
    return statistics.median(times) / modelled


def reading_and_saving_seconds(threads=None):
    """Seconds to read a sample pair (as every job does before painting) and to save a result, per megapixel
    (PNG and thumbnail, as every job does after painting): the `before` and `after` of a job's time here."""
    # torch and the engine (which imports it): the worker only, the web process never loads them
    import torch

    from .engine import feedforward

    start = time.perf_counter()
    pair = []
    for kind in ("content", "style"):
        sample = next(iter(samples.by_kind(kind)), None)
        if sample is not None:
            with Image.open(sample.path) as image:
                pair.append(image.convert("RGB"))
    reading = time.perf_counter() - start
    if len(pair) < 2:
        return reading, None
    # A painting's PNG takes twice as long as a photo's or a grainy photo's (measured on an `instant` 1920×1080
    # result), so the saving is timed on a real, small painting.
    result = feedforward.stylize(pair[0], [pair[1]], probe_size(SAVING_SIDE), threads=threads or torch.get_num_threads())
    start = time.perf_counter()
    encode_image(result, "PNG")  # as Creation.objects.create_from_image stores a result: the file, its thumbnail
    thumb = result.convert("RGB")
    thumb.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    encode_image(thumb, "JPEG")
    saving = time.perf_counter() - start
    return reading, saving / (result.width * result.height / 1e6)


def calibrate():
    """Probe this machine and store the result; returns the stored rate (None when the probe is off or failed)."""
    side = settings.IMOGEN_STYLE_CALIBRATION_SIDE
    if not side:
        return None
    try:
        per_unit = probe(side, settings.IMOGEN_DEVICE, settings.IMOGEN_TORCH_THREADS)
        before, after_per_mp = reading_and_saving_seconds(settings.IMOGEN_TORCH_THREADS)
    except Exception:  # a missing model or an odd device must not stop the worker: the defaults stand in
        log.exception("Could not calibrate this machine's speed; estimates start from the defaults")
        return None
    row = estimate.record_calibration(this_machine(), per_unit, before, after_per_mp)
    log.info("Calibrated %s: %.3g s per unit of work (probe at %d px), %.2f s before painting",
             row.machine, per_unit, side, before)
    return row


@worker_ready.connect(dispatch_uid="styletransfer-calibrate")
def calibrate_style_worker(sender=None, **kwargs):
    """Runs before the worker takes its first task (worker_ready is sent before the consumer loop starts)."""
    queues = {q.name for q in sender.app.amqp.queues.consume_from.values()} if sender is not None else set()
    if StyleTransferJob.queue in queues:
        calibrate()
