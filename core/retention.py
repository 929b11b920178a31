"""Retention: anonymous work is temporary. Old jobs, uploads and creations of visitors without an account are
deleted after IMOGEN_RETENTION_DAYS; published creations and everything of accounts stay unless asked."""
import logging

from django.conf import settings
from django.utils import timezone

from gallery.models import Creation

from .cleanup import delete_file_fields
from .jobs import job_models
from .models import FINAL_STATUSES

log = logging.getLogger(__name__)


delete_job_files = delete_file_fields


def purge(now=None, days=None, include_accounts=None):
    """Delete expired anonymous (and, if asked, account) jobs and creations with their files. Returns counts."""
    now = now or timezone.now()
    days = settings.IMOGEN_RETENTION_DAYS if days is None else days
    include_accounts = settings.IMOGEN_RETENTION_INCLUDE_ACCOUNTS if include_accounts is None else include_accounts
    cutoff = now - timezone.timedelta(days=days)
    counts = {"creations": 0, "jobs": 0}

    creations = Creation.objects.filter(created_at__lt=cutoff, published_at__isnull=True)
    if not include_accounts:
        creations = creations.filter(owner__isnull=True)
    for creation in creations.iterator():
        creation.delete_with_files()  # with the jobs made for it and their files
        counts["creations"] += 1

    for model in job_models():
        jobs = model.objects.filter(created_at__lt=cutoff, status__in=FINAL_STATUSES)
        if not include_accounts:
            jobs = jobs.filter(owner__isnull=True)
        for job in jobs.iterator():
            delete_job_files(job)
            job.delete()
            counts["jobs"] += 1
    if any(counts.values()):
        log.info("Retention: deleted %(creations)d creations and %(jobs)d jobs older than %(days)d days",
                 {**counts, "days": days})
    return counts
