"""Shared test factories: real users, sessions, creations with real files, and jobs of every type."""
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import EmailVerification
from core.models import JobStatus
from core.uploads import encode_image, random_name
from gallery.models import Creation, CreationKind
from mailer.models import Delivery
from styletransfer.models import StyleTransferJob
from text2image.models import TextToImageJob

PASSWORD = "a-long-test-passphrase-42"


def make_user(email, display_name="", staff=False, verified=True):
    """An account; `verified`: its email address is confirmed (needed to like and publish)."""
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD,
                                                first_name=display_name, is_staff=staff)
    if verified:
        EmailVerification.objects.create(user=user, verified_at=timezone.now())
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


# --- who is asking ---------------------------------------------------------------------------------------
def session_client():
    """An anonymous browser that already has a session (as after its first job): returns (client, session key)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client, store.session_key


def account_client(user):
    """A browser logged in as `user`, with its session key (jobs made while logged in carry both)."""
    client = Client()
    client.force_login(user)
    return client, client.session.session_key


# --- jobs ------------------------------------------------------------------------------------------------
def stored_jpeg(folder, size=(32, 24), color=(90, 90, 160)):
    return default_storage.save(random_name(folder, "jpg"),
                                ContentFile(encode_image(Image.new("RGB", size, color), "JPEG")))


def make_style_job(owner=None, session_key="", finished=True, **fields):
    """A style transfer job; `finished`: succeeded, with a preview and a result creation."""
    job = StyleTransferJob(owner=owner, session_key=session_key, content_sample=fields.pop("content_sample", ""),
                           style_sample=fields.pop("style_sample", ""),
                           options={"preset": "preview", "width": 64, "height": 40, "seed": 0}, **fields)
    if finished:
        job.status, job.progress, job.finished_at = JobStatus.SUCCEEDED, 1.0, timezone.now()
        job.preview.name = stored_jpeg("style/previews")
        job.result = make_creation(owner=owner, session_key=session_key, kind=CreationKind.STYLE,
                                   metadata={"style": "upload", "content": "upload"})
    job.save()
    return job


def make_text2image_job(owner=None, session_key="", finished=True, **fields):
    job = TextToImageJob(owner=owner, session_key=session_key, prompt=fields.pop("prompt", "a quiet lake"),
                         width=64, height=40, provider="offline", **fields)
    if finished:
        creation = make_creation(owner=owner, session_key=session_key)
        job.status, job.progress, job.finished_at = JobStatus.SUCCEEDED, 1.0, timezone.now()
        job.images = [{"creation_id": str(creation.pk), "seed": 1}]
        job.preview = encode_image(Image.new("RGB", (32, 24), (90, 90, 160)), "JPEG")
    job.save()
    return job


def make_delivery(owner=None, session_key="", finished=True, **fields):
    job = Delivery(owner=owner, session_key=session_key, recipient=fields.pop("recipient", "friend@example.com"),
                   creation=make_creation(owner=owner, session_key=session_key), **fields)
    if finished:
        job.status, job.progress, job.finished_at, job.transport = JobStatus.SUCCEEDED, 1.0, timezone.now(), "folder"
    job.save()
    return job


JOB_FACTORIES = {"style transfer": make_style_job, "text to image": make_text2image_job,
                 "email delivery": make_delivery}
