"""“Delete my account”: the account and all its work go, with every file (results, thumbnails, uploaded
originals, previews), its likes and its mails; posts it liked are counted again."""
from django.db import transaction

from core.cleanup import delete_job
from core.jobs import job_models
from gallery.models import Creation


def delete_account(user):
    """Returns how many creations and jobs were deleted."""
    liked = list(Creation.objects.filter(likes__user=user).exclude(owner=user))
    counts = {"creations": 0, "jobs": 0}
    for creation in Creation.objects.filter(owner=user):
        creation.delete_with_files()
        counts["creations"] += 1
    for model in job_models():
        for job in model.objects.filter(owner=user):
            delete_job(job)
            counts["jobs"] += 1
    with transaction.atomic():
        user.delete()  # likes, confirmation and everything else tied to the account
    for creation in liked:
        creation.refresh_like_count()
    return counts
