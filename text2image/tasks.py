"""The Celery task: translate the prompt if needed, ask the provider, store each picture as a Creation."""
import random

from django.utils import translation
from django.utils.translation import gettext as _

from core.jobs import JobCanceled, JobFailed, job_task
from core.pngmeta import png_info
from gallery.models import Creation, CreationKind

from .models import TextToImageJob
from .providers import GenerationRequest, ProviderError, get_provider
from .translation import TranslationError, prepare_prompts

MAX_SEED = 2**31 - 1


def job_seeds(job):
    """One seed per picture: seed, seed+1, … when the user gave one; random (but recorded) otherwise."""
    if job.seed is not None:
        return [(job.seed + i) % (MAX_SEED + 1) for i in range(job.samples)]
    rng = random.Random(str(job.pk))  # the same seeds if the job runs again after a lost worker
    return [rng.randint(0, MAX_SEED) for _ in range(job.samples)]


def png_metadata(metadata):
    """The picture's PNG metadata (core.pngmeta): the JSON, and `parameters` as AUTOMATIC1111 writes them."""
    return png_info("Imogen Text2Imagen", metadata, prompt=metadata["prompt"],
                    negative_prompt=metadata["negative_prompt"],
                    settings={"Steps": metadata.get("steps") or "default", "Seed": metadata["seed"],
                              "Size": f"{metadata['width']}x{metadata['height']}", "Provider": metadata["provider"]})


def make_pictures(job):
    """The work of a text-to-image job: translate the prompt if needed, ask the provider, store each picture."""
    with translation.override(job.language or None):
        return _make_pictures(job)


def _make_pictures(job):
    def progress(fraction, stage=None, remote=None, preview=None, notice=None):
        fields = {}
        if notice:
            fields["notice"] = " ".join(part for part in (job.notice, notice) if part)
        if remote is not None or preview is not None:
            fields["remote"] = {**(job.remote or {}), **(remote or {})}
        if preview is not None:
            fields["preview"] = preview
            fields["remote"]["previews"] = int(fields["remote"].get("previews") or 0) + 1
        if not job.update_progress(fraction, stage=stage, **fields):
            raise JobCanceled()

    try:
        provider = get_provider(job.provider)
    except ValueError:
        raise JobFailed(_("The picture service this job asked for is no longer available."))
    made = list(job.images)  # pictures an earlier attempt already stored (the job is safe to run twice)
    seeds = job_seeds(job)[len(made):]
    if not seeds:
        return {"images": made}

    progress(0.02, _("Reading the prompt"))
    if not job.translated_prompt:
        try:
            prepared = prepare_prompts(job.prompt, job.negative_prompt, provider)
        except TranslationError as exc:
            raise JobFailed(str(exc))
        prompt, negative = prepared.prompt, prepared.negative_prompt
        limit = provider.max_prompt_chars
        for text in (prompt, negative):
            if limit and len(text) > limit:  # the translation came out longer than the provider takes: never cut
                raise JobFailed(_("The English translation of your prompt has %(count)d characters, but "
                                  "%(provider)s takes at most %(limit)d. Please shorten the prompt.")
                                % {"count": len(text), "provider": provider.label, "limit": limit})
        job.update_progress(0.05, stage=_("Drawing"), translated_prompt=prompt, translated_negative_prompt=negative,
                            source_language=prepared.source_language, notice=prepared.notice)
    request = GenerationRequest(prompt=job.translated_prompt, negative_prompt=job.translated_negative_prompt,
                                width=job.width, height=job.height, samples=len(seeds), seeds=seeds,
                                steps=job.steps, state=dict(job.remote or {}))
    try:
        pictures = provider.generate(request, lambda f, stage=None, **extra: progress(0.05 + 0.8 * f, stage, **extra))
    except ProviderError as exc:
        raise JobFailed(str(exc))
    if not pictures:
        raise JobFailed(_("The picture service sent no pictures. Please try again."))

    progress(0.9, _("Saving the pictures"))
    for picture in pictures:
        image = picture.image.convert("RGB")
        metadata = {
            "prompt": job.prompt, "negative_prompt": job.negative_prompt,
            "translated_prompt": job.translated_prompt, "translated_negative_prompt": job.translated_negative_prompt,
            "provider": provider.name, "width": image.width, "height": image.height, "seed": picture.seed,
            "steps": job.steps or provider.default_steps, "samples": job.samples, "job_id": str(job.pk),
            **picture.extra,
        }
        creation = Creation.objects.create_from_image(
            image, kind=CreationKind.TEXT2IMAGE, owner=job.owner, session_key=job.session_key, client=job.client,
            title=(job.translated_prompt or job.prompt)[:80], metadata=metadata,
            pnginfo=png_metadata(metadata),
        )
        made.append({"creation_id": str(creation.pk), "seed": picture.seed})
        job.update_progress(images=made)
    return {"images": made, "preview": None}


run_text2image = job_task(TextToImageJob)(make_pictures)
