"""Deleting work for good: a row and every file made for it (uploads, previews, results), so that no link to a
deleted thing keeps answering."""
from django.db import models
from django.dispatch import receiver

from .jobs import job_models
from .models import Job, JobStatus, job_finished


def jobs_made_for(obj):
    """Jobs of any kind whose foreign key points at `obj` (e.g. the style transfer job whose result it is)."""
    found = []
    for model in job_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is type(obj):
                found += list(model.objects.filter(**{field.name: obj}))
    return found


def delete_job(job):
    """A job and its files (uploaded originals, preview): its page, API and preview links answer 404 after."""
    job.delete_with_files()


def delete_owned(rows):
    """Delete each row with its files (creations first: each takes the jobs made for it along).

    `rows`: (model, queryset) pairs of `core.models.owned_models()`. Returns {"creations": n, "jobs": n}."""
    counts = {"creations": 0, "jobs": 0}
    for model, queryset in sorted(rows, key=lambda pair: issubclass(pair[0], Job)):
        key = "jobs" if issubclass(model, Job) else str(model._meta.verbose_name_plural)
        for row in queryset.iterator():
            row.delete_with_files()
            counts[key] = counts.get(key, 0) + 1
    return counts


@receiver(job_finished, dispatch_uid="core-drop-files-of-stopped-jobs")
def drop_files_of_stopped_job(sender, job, **kwargs):
    """A canceled or failed job never reads its uploads again and shows no preview: its files go at once, not after
    the retention days (issue 21: uploading and canceling at once kept 230 MB per request for 7 days)."""
    if job.status not in (JobStatus.CANCELED, JobStatus.FAILED):
        return
    stored = type(job).objects.filter(pk=job.pk).first()  # the row's names: the instance may predate a preview
    if stored is None:
        return
    files = [getattr(stored, f.name) for f in job._meta.get_fields() if isinstance(f, models.FileField)]
    files = [value for value in files if value and value.name]
    if not files:
        return
    cleared = {value.field.name: "" for value in files}
    if any(f.name == "byte_size" for f in job._meta.concrete_fields):
        cleared["byte_size"] = 0
    type(job).objects.filter(pk=job.pk).update(**cleared)
    for value in files:
        value.storage.delete(value.name)
        getattr(job, value.field.name).name = ""
