"""Likes count only from confirmed (or staff) accounts: recount the board once, when confirmation arrives."""
from django.db import migrations
from django.db.models import Q


def recount(apps, schema_editor):
    Creation = apps.get_model("gallery", "Creation")
    Like = apps.get_model("gallery", "Like")
    counted = Q(user__is_staff=True) | Q(user__email_verification__verified_at__isnull=False)
    for creation in Creation.objects.filter(like_count__gt=0).only("pk").iterator():
        Creation.objects.filter(pk=creation.pk).update(
            like_count=Like.objects.filter(counted, creation_id=creation.pk).count())


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("gallery", "0002_board_likes"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
