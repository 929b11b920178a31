from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from core.ownership import get_job_for, owned_q
from gallery.models import Creation, CreationKind
from gallery.sharing import download_response

from .models import TextToImageJob
from .providers import active_provider, offline
from .serializers import negative_prompt_note, provider_label, sketch_reading
from .tasks import MAX_SEED
from .translation import get_translator

MAX_PREFILL = 4000  # characters of a prompt taken from a link (longer than any provider takes; never cut below)


def _provider_context():
    provider = active_provider()
    return {"provider": provider, "translator": get_translator(), "presets": provider.size_presets,
            "max_samples_range": range(1, provider.max_samples + 1)}


def _initial(request, provider):
    """The form's starting values: blank, a job of yours ("Run again"), or a shared prompt ("Use this prompt").

    Every parameter comes back (prompt, negative prompt, size, pictures, seed, steps) where the active provider
    can take it; a size it cannot make falls back to its first size. Nothing is shortened: an over-long prompt
    is shown whole and the counter says by how much it is over."""
    initial = {"prompt": "", "negative_prompt": "", "size": provider.default_preset().key, "samples": 1, "seed": "",
               "steps": ""}
    source = request.GET.get("from")
    if source:
        try:
            job = TextToImageJob.objects.filter(owned_q(request)).get(pk=source)
        except (TextToImageJob.DoesNotExist, ValueError, ValidationError):
            return initial
        values = {"prompt": job.prompt, "negative_prompt": job.negative_prompt, "width": job.width,
                  "height": job.height, "samples": job.samples, "seed": job.seed, "steps": job.steps}
    elif request.GET.get("prompt"):
        def number(name):
            try:
                return int(request.GET.get(name, ""))
            except ValueError:
                return None
        values = {"prompt": request.GET["prompt"][:MAX_PREFILL], "width": number("width"),
                  "negative_prompt": request.GET.get("negative_prompt", "")[:MAX_PREFILL], "height": number("height"),
                  "samples": number("samples"), "seed": number("seed"), "steps": number("steps")}
    else:
        return initial
    size = f"{values['width']}x{values['height']}"
    initial.update(prompt=values["prompt"], negative_prompt=values["negative_prompt"])
    if any(p.key == size for p in provider.size_presets):
        initial["size"] = size
    if values["samples"]:
        initial["samples"] = max(1, min(values["samples"], provider.max_samples))
    if values["seed"] is not None and 0 <= values["seed"] <= MAX_SEED:
        initial["seed"] = values["seed"]
    if values["steps"] and provider.supports_steps:
        initial["steps"] = max(1, min(values["steps"], provider.max_steps))
    return initial


@ensure_csrf_cookie
def create(request):
    context = _provider_context()
    provider = context["provider"]
    context["initial"] = _initial(request, provider)
    context["texts"] = {"sending": _("Sending your prompt…"), "failed": _("Imogen could not start the job."),
                        "empty": _("Write what you want to see."),
                        "over": _("%(over)s characters over %(provider)s's limit: shorten the prompt to send it.")
                        % {"over": "%(over)s", "provider": provider.label}}
    return render(request, "text2image/create.html", context)


def understand(request):
    """The sketch engine's reading of a prompt, as the page fragment the create page shows while one types."""
    prompt = request.GET.get("prompt", "")[:MAX_PREFILL]
    negative = request.GET.get("negative_prompt", "")[:MAX_PREFILL]
    return render(request, "text2image/words.html", {"reading": offline.understand(prompt, negative)})


@ensure_csrf_cookie
def job_page(request, pk):
    job = get_job_for(request, TextToImageJob, pk, queryset=TextToImageJob.objects.defer("preview"))
    texts = {
        "done": _("Your pictures are ready."), "failed": _("The pictures could not be made."),
        "seed": _("seed"), "canceled": _("The job was canceled."), "waiting": _("Waiting for a worker…"),
        "steps": _("%(n)s steps"), "queue": _("Queue number %(number)s at %(provider)s · prompt id %(id)s"),
    }
    reading = sketch_reading(job)
    return render(request, "text2image/job.html", {"job": job, "texts": texts, **_provider_context(),
                                                   "provider_label": provider_label(job.provider),
                                                   "reading": reading,
                                                   "negative_note": negative_prompt_note(job, reading)})


def download(request, pk):
    """The picture as an attachment named like `imogen-text2image-<words>-1920x1080.png`.

    (The shared /media/ view answers `inline` with the random storage name, which browsers prefer over an
    `<a download>` name.) Like the gallery's page, whoever has the unguessable id may fetch it, with only what
    the owner chose to show (gallery.sharing.download_response).
    """
    creation = get_object_or_404(Creation, pk=pk, kind=CreationKind.TEXT2IMAGE, is_hidden=False)
    return download_response(request, creation)
