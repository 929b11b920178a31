"""Retention: anonymous work is temporary. Old jobs, uploads and creations of visitors without an account are
deleted after IMOGEN_RETENTION_DAYS; published creations and everything of accounts stay unless asked.

Every owned model takes part (core.models.owned_models); each says what of it may expire (`Model.expired`)."""
import logging

from django.conf import settings
from django.utils import timezone

from .cleanup import delete_owned
from .models import owned_models

log = logging.getLogger(__name__)


def purge(now=None, days=None, include_accounts=None):
    """Delete expired anonymous (and, if asked, account) jobs and creations with their files. Returns counts."""
    now = now or timezone.now()
    days = settings.IMOGEN_RETENTION_DAYS if days is None else days
    include_accounts = settings.IMOGEN_RETENTION_INCLUDE_ACCOUNTS if include_accounts is None else include_accounts
    cutoff = now - timezone.timedelta(days=days)
    rows = []
    for model in owned_models():
        expired = model.expired(cutoff)
        rows.append((model, expired if include_accounts else expired.filter(owner__isnull=True)))
    counts = delete_owned(rows)
    if any(counts.values()):
        log.info("Retention: deleted %(creations)d creations and %(jobs)d jobs older than %(days)d days",
                 {**counts, "days": days})
    return counts
