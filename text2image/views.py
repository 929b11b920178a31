from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from core.ownership import get_job_for, owned_q
from gallery.models import Creation, CreationKind
from gallery.sharing import download_response

from .models import TextToImageJob
from .providers import active_provider
from .serializers import provider_label
from .translation import get_translator


def _provider_context():
    provider = active_provider()
    return {"provider": provider, "translator": get_translator(), "presets": provider.size_presets,
            "max_samples_range": range(1, provider.max_samples + 1)}


@ensure_csrf_cookie
def create(request):
    context = _provider_context()
    provider = context["provider"]
    initial = {"prompt": "", "negative_prompt": "", "size": provider.default_preset().key, "samples": 1, "seed": "",
               "steps": ""}
    source = request.GET.get("from")
    if source:
        try:
            job = TextToImageJob.objects.filter(owned_q(request)).get(pk=source)
        except (TextToImageJob.DoesNotExist, ValueError, Exception):
            job = None
        if job:
            size = f"{job.width}x{job.height}"
            initial = {"prompt": job.prompt, "negative_prompt": job.negative_prompt,
                       "size": size if any(p.key == size for p in provider.size_presets) else initial["size"],
                       "samples": min(job.samples, provider.max_samples),
                       "seed": "" if job.seed is None else job.seed,
                       "steps": job.steps if job.steps and provider.supports_steps else ""}
    elif request.GET.get("prompt"):
        # "Use this prompt" from a board post: prefill the text only (the user still presses Create).
        initial["prompt"] = request.GET["prompt"][:1000]
        initial["negative_prompt"] = request.GET.get("negative_prompt", "")[:1000]
    context["initial"] = initial
    context["texts"] = {"sending": _("Sending your prompt…"), "failed": _("Imogen could not start the job."),
                        "empty": _("Write what you want to see.")}
    return render(request, "text2image/create.html", context)


@ensure_csrf_cookie
def job_page(request, pk):
    job = get_job_for(request, TextToImageJob, pk, queryset=TextToImageJob.objects.defer("preview"))
    texts = {
        "status": {"queued": _("Queued"), "running": _("Drawing"), "succeeded": _("Done"), "failed": _("Failed"),
                   "canceled": _("Canceled")},
        "done": _("Your pictures are ready."), "failed": _("The pictures could not be made."),
        "seed": _("seed"), "canceled": _("The job was canceled."), "waiting": _("Waiting for a worker…"),
        "steps": _("%(n)s steps"), "queue": _("Queue number %(number)s at %(provider)s · prompt id %(id)s"),
    }
    return render(request, "text2image/job.html", {"job": job, "texts": texts, **_provider_context(),
                                                   "provider_label": provider_label(job.provider)})


def download(request, pk):
    """The picture as an attachment named like `imogen-text2image-<words>-1920x1080.png`.

    (The shared /media/ view answers `inline` with the random storage name, which browsers prefer over an
    `<a download>` name.) Like the gallery's page, whoever has the unguessable id may fetch it, with only what
    the owner chose to show (gallery.sharing.download_response).
    """
    creation = get_object_or_404(Creation, pk=pk, kind=CreationKind.TEXT2IMAGE, is_hidden=False)
    return download_response(request, creation)
