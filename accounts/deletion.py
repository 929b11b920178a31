"""“Delete my account”: the account and all its work go, with every file (results, thumbnails, uploaded
originals, previews), its likes and its mails; posts it liked are counted again."""
from django.db import transaction

from core.cleanup import delete_owned
from core.models import owned_models


def delete_account(user):
    """Returns how many creations and jobs were deleted. (Posts it liked are counted again by the gallery, which
    listens for deleted likes.)"""
    counts = delete_owned([(model, model.objects.filter(owner=user)) for model in owned_models()])
    with transaction.atomic():
        user.delete()  # likes, confirmation and everything else tied to the account
    return counts
