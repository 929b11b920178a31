"""The style transfer task: run the engine for one job, write progress and previews, store the result."""
import logging
import re
import time

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.jobs import JobCanceled, JobFailed, job_task
from core.pngmeta import png_info
from core.uploads import UploadRejected, crop_tuple, encode_image, read_image, save_bytes
from gallery.models import Creation, CreationKind

from . import samples
from .models import StyleTransferJob

log = logging.getLogger(__name__)
SPAN = StyleTransferJob.progress_span  # the engine's fraction × this is the stored progress; the rest is saving
SCALE_STAGE = re.compile(r"scale (\d+)/(\d+) \((\d+)×(\d+)\)")


def stage_text(stage):
    """The engine's stage names in the user's words (and language)."""
    if stage == "loading":
        return _("Loading the painting model")
    if stage == "feedforward":
        return _("Painting a first version")
    if stage == "done":
        return _("Finishing")
    match = SCALE_STAGE.fullmatch(stage or "")
    if match:
        index, total, width, height = match.groups()
        return _("Painting: pass %(index)s of %(total)s (%(width)s×%(height)s)") % {
            "index": index, "total": total, "width": width, "height": height}
    return stage or ""


def load_side(job, side):
    """The PIL image for one side of a job: the stored upload or the bundled sample."""
    sample_id = getattr(job, f"{side}_sample")
    field = getattr(job, f"{side}_image")
    try:
        if sample_id:
            sample = samples.get(sample_id, side)
            if sample is None:
                raise JobFailed(_("The sample %(id)s no longer exists. Please choose another.") % {"id": sample_id})
            data = sample.path.read_bytes()
        else:
            with default_storage.open(field.name, "rb") as handle:
                data = handle.read()
        return read_image(data, max_bytes=len(data) + 1, max_pixels=10**9).image
    except (OSError, ValueError, UploadRejected):
        if side == "content":
            raise JobFailed(_("The content image could not be read any more. Please upload it again.")) from None
        raise JobFailed(_("The style image could not be read any more. Please upload it again.")) from None


def side_title(job, side):
    sample = samples.get(getattr(job, f"{side}_sample"), side)
    return str(sample.title) if sample else ""


def engine_options(job, on_cpu_threads=None):
    from .engine import TransferOptions  # torch: imported by the worker only, never by the web process

    opts = job.options or {}
    budget = settings.IMOGEN_STYLE_MEMORY_BUDGET_MB
    return TransferOptions(
        width=opts.get("width"), height=opts.get("height"),
        size=opts.get("size") or settings.IMOGEN_STYLE_CONTENT_LONG_SIDE,
        preset=opts.get("preset", "standard"),
        style_strength=float(opts.get("style_strength", 1.0)),
        preserve_colors=bool(opts.get("preserve_colors", False)),
        seed=int(opts.get("seed", 0)),
        device=settings.IMOGEN_DEVICE,
        threads=settings.IMOGEN_TORCH_THREADS,
        memory_budget_bytes=budget * 2**20 if budget else None,
        preview_every=5,
        crop=crop_tuple(opts.get("crop")),
        fit=opts.get("fit", "cover"),
    )


class ProgressWriter:
    """Engine callbacks → the job row, at most every IMOGEN_STYLE_PROGRESS_SECONDS (previews less often)."""

    def __init__(self, job):
        self.job = job
        self.canceled = False
        self.last_write = 0.0
        self.last_preview = time.monotonic()  # then one preview every IMOGEN_STYLE_PREVIEW_SECONDS at most
        self.fraction = 0.0
        self.painting_since = None  # monotonic time of the first painting step (for the learned rates)
        self.paint_seconds = None

    def __call__(self, progress):
        now = time.monotonic()
        fields = {}
        if self.painting_since is None and progress.stage not in ("loading", "done"):
            self.painting_since = now
            fields.update(work_started_at=timezone.now(), work_from=min(SPAN, progress.fraction * SPAN))
        if progress.stage == "done" and self.painting_since is not None:
            self.paint_seconds = now - self.painting_since
        # The engine's fraction is monotonic; keep ours so too, leaving the last few percent for saving.
        self.fraction = max(self.fraction, min(SPAN, progress.fraction * SPAN))
        # The feed-forward result is the first preview: shown at once, later ones every few seconds. Not the
        # finished picture: the result replaces the preview a moment later, and encoding it would only lengthen
        # the saving, the part of the wait the page cannot watch.
        if progress.preview is not None and progress.stage != "done" and (
                progress.stage == "feedforward" or now - self.last_preview >= settings.IMOGEN_STYLE_PREVIEW_SECONDS):
            self.last_preview = now
            fields.update(self.save_preview(progress.preview))
        if not fields and now - self.last_write < settings.IMOGEN_STYLE_PROGRESS_SECONDS:
            return
        self.last_write = now
        if not self.job.update_progress(self.fraction, stage=stage_text(progress.stage), **fields):
            self.canceled = True

    def save_preview(self, image):
        old = self.job.preview.name if self.job.preview else ""
        preview = image.convert("RGB")
        preview.thumbnail((1024, 1024))
        data = encode_image(preview, "JPEG")
        name = save_bytes(data, "style/previews", "jpg")
        byte_size = self.job.byte_size + len(data)  # the quota counts the preview with the uploads
        if old:
            try:
                byte_size -= default_storage.size(old)
            except OSError:  # already gone: nothing of it was counted twice
                pass
            default_storage.delete(old)
        self.job.preview.name = name
        return {"preview": name, "preview_at": timezone.now(), "byte_size": max(0, byte_size)}

    def should_cancel(self):
        if not self.canceled and time.monotonic() - self.last_write >= settings.IMOGEN_STYLE_PROGRESS_SECONDS:
            self.last_write = time.monotonic()
            if not self.job.update_progress(self.fraction):
                self.canceled = True
        return self.canceled


def paint(job):
    """The work of a style transfer job: paint its content in its style, store the result as a creation."""
    from . import engine  # torch: imported by the worker only, never by the web process

    if job.result_id:  # a second delivery after the result was stored: nothing left to do
        return {}
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if not job.update_progress(0.0, stage=_("Reading the images")):
            raise JobCanceled()
        content = load_side(job, "content")
        style = load_side(job, "style")
        opts = engine_options(job)
        writer = ProgressWriter(job)
        try:
            image = engine.transfer(content, style, opts, on_progress=writer, should_cancel=writer.should_cancel)
        except engine.Canceled:
            raise JobCanceled() from None
        except engine.ModelMissing:
            raise JobFailed(_("The painting model is not installed on the server. "
                              "Please tell the site's administrator.")) from None
        except engine.MemoryBudgetExceeded:
            raise JobFailed(_("This size needs more memory than this server allows. "
                              "Choose a smaller size or a faster quality preset.")) from None
        except engine.EngineError as exc:
            raise JobFailed(str(exc)) from None
        except (RuntimeError, MemoryError) as exc:
            if isinstance(exc, MemoryError) or "out of memory" in str(exc).lower():
                raise JobFailed(_("The server ran out of memory painting this image. "
                                  "Choose a smaller size or a faster quality preset.")) from None
            if type(exc).__name__ == "WeightsError":
                raise JobFailed(_("The painting model is not installed on the server. "
                                  "Please tell the site's administrator.")) from None
            raise
        if writer.canceled:
            raise JobCanceled()
        job.update_progress(0.99, stage=_("Saving the result"))
        content_title, style_title = side_title(job, "content"), side_title(job, "style")
        title = " ".join(t for t in (style_title, content_title) if t) or "style transfer"
        metadata = {
            "job_id": str(job.pk),
            "content": job.content_sample or "upload",
            "style": job.style_sample or "upload",
            **{k: v for k, v in (job.options or {}).items()},
        }
        opts = job.options or {}
        info = png_info("Imogen style transfer", metadata, prompt=title, settings={
            "Style": metadata["style"], "Content": metadata["content"], "Preset": opts.get("preset", ""),
            "Seed": opts.get("seed", 0), "Size": f"{image.width}x{image.height}",
            "Style strength": opts.get("style_strength", 1.0), "Preserve colors": opts.get("preserve_colors", False)})
        creation = Creation.objects.create_from_image(
            image, kind=CreationKind.STYLE, owner=job.owner, session_key=job.session_key, client=job.client,
            title=title, metadata=metadata, pnginfo=info,
        )
        return {"result": creation, "work_seconds": writer.paint_seconds}


run_style_transfer = job_task(StyleTransferJob)(paint)
