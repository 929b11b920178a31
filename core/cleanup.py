"""Deleting work for good: a row and every file made for it (uploads, previews, results), so that no link to a
deleted thing keeps answering."""
from django.db import models

from .jobs import job_models
from .models import Job


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
