"""Helpers shared by the accounts and gallery tests: real users, real creations with real files."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from PIL import Image

from gallery.models import Creation, CreationKind

PASSWORD = "a-long-test-passphrase-42"


def make_user(email, display_name="", staff=False):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD,
                                                first_name=display_name, is_staff=staff)
    if staff:
        user.user_permissions.add(*Permission.objects.filter(
            content_type__app_label="gallery", codename__in=["view_creation", "change_creation"]))
    return user


def make_creation(owner=None, session_key="", kind=CreationKind.TEXT2IMAGE, color=(40, 120, 200), size=(64, 40),
                  metadata=None, **fields):
    image = Image.new("RGB", size, color)
    creation = Creation.objects.create_from_image(
        image, kind=kind, owner=owner, session_key=session_key, title="test picture",
        metadata=metadata if metadata is not None else {"prompt": "a quiet lake at dawn",
                                                        "negative_prompt": "people", "steps": 20,
                                                        "upload_path": "uploads/secret.png"},
    )
    if fields:
        for name, value in fields.items():
            setattr(creation, name, value)
        creation.save()
    return creation
