"""Creations: every image Imogen makes (style transfer, text-to-image, edits) — the thing that is
downloaded, emailed, edited, shared and listed in galleries."""
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from accounts.verification import counted_likes_q, email_confirmed
from core import features
from core.cleanup import delete_job, jobs_made_for
from core.models import Owned
from core.uploads import encode_image, random_name

THUMBNAIL_SIZE = (480, 480)


class _RegisteredKinds(type):
    """`CreationKind.STYLE` is "style" while a feature has registered that kind (core.features): the list is open,
    so a new feature adds its kind in its own app, with no gallery migration."""

    def __getattr__(cls, name):
        if name.isupper() and name.lower() in features.kinds():
            return name.lower()
        raise AttributeError(name)

    @property
    def choices(cls):
        return features.kind_choices()

    @property
    def values(cls):
        return list(features.kinds())


class CreationKind(metaclass=_RegisteredKinds):
    """The kinds of creation the installed features make."""


class CreationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, is_hidden=False)


class CreationManager(models.Manager.from_queryset(CreationQuerySet)):
    def create_from_image(self, image, *, kind, owner=None, session_key="", client="", title="", metadata=None,
                          pnginfo=None, fmt="PNG"):
        """Store `image` (PIL) and its thumbnail under random names and record the creation."""
        features.validate_kind(kind)  # a kind no feature registered would be a creation no page can describe
        creation = self.model(
            kind=kind, owner=owner, session_key=session_key or "", client=client or "", width=image.width, height=image.height,
            metadata=metadata or {}, file_title=title[:200],
        )
        extension = "jpg" if fmt == "JPEG" else "png"
        data = encode_image(image, fmt, pnginfo)
        creation.image.name = default_storage.save(random_name("creations", extension), ContentFile(data))
        creation.byte_size = len(data)
        thumb = image.convert("RGB")
        thumb.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        creation.thumbnail.name = default_storage.save(
            random_name("thumbnails", "jpg"), ContentFile(encode_image(thumb, "JPEG"))
        )
        creation.save()
        return creation


class Creation(Owned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, db_index=True, validators=[features.validate_kind])
    image = models.FileField(max_length=300)
    thumbnail = models.FileField(max_length=300, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    byte_size = models.PositiveBigIntegerField(default=0)
    file_title = models.CharField(max_length=200, blank=True, help_text="Words for the download file name.")
    metadata = models.JSONField(default=dict, blank=True, help_text="Settings or prompt that made it.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="creations"
    )
    # Board (sharing).
    title = models.CharField(max_length=120, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    is_hidden = models.BooleanField(default=False, help_text="Hidden from the board by staff.")
    like_count = models.PositiveIntegerField(default=0)
    show_settings = models.BooleanField(
        default=False, help_text="The owner chose to show the settings or prompt with the post."
    )

    objects = CreationManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-like_count", "-published_at"], name="gallery_board_top")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.width}×{self.height} ({self.pk})"

    def get_kind_display(self):
        return features.kind_label(self.kind)

    def get_absolute_url(self):
        return reverse("gallery:creation", args=[self.pk])

    @property
    def extension(self):
        return self.image.name.rsplit(".", 1)[-1] if "." in self.image.name else "png"

    @property
    def file_name(self):
        """A name that says what it is, e.g. imogen-style-starry-night-1920x1080.png (never user-chosen path)."""
        words = slugify(self.file_title, allow_unicode=False)[:60].strip("-")
        parts = ["imogen", self.kind] + ([words] if words else []) + [f"{self.width}x{self.height}"]
        return "-".join(parts) + "." + self.extension

    @property
    def image_url(self):
        return self.image.url if self.image else ""

    @property
    def thumbnail_url(self):
        return self.thumbnail.url if self.thumbnail else self.image_url

    def absolute_image_url(self):
        url = self.image_url
        return url if url.startswith("http") else settings.SITE_URL + url

    @property
    def is_published(self):
        return self.published_at is not None

    @classmethod
    def expired(cls, cutoff):
        """Unpublished creations made before `cutoff` (what is on the board stays)."""
        return super().expired(cutoff).filter(published_at__isnull=True)

    def delete_files(self):
        for field in (self.image, self.thumbnail):
            if field and field.name:
                field.storage.delete(field.name)

    def delete_with_files(self):
        """Delete the row, its image and thumbnail, and the jobs made for it with their files (the uploaded
        originals and the preview): afterwards every link to any of them answers 404."""
        jobs = jobs_made_for(self)
        self.delete()
        self.delete_files()
        for job in jobs:
            delete_job(job)

    def refresh_like_count(self):
        """Likes from confirmed accounts only (accounts.verification): unconfirmed bots do not move the board."""
        self.like_count = self.likes.filter(counted_likes_q()).count()
        Creation.objects.filter(pk=self.pk).update(like_count=self.like_count)
        return self.like_count


class Like(models.Model):
    """One like per account per post (anonymous visitors cannot like)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creation_likes")
    creation = models.ForeignKey(Creation, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "creation"], name="one_like_per_user")]

    def __str__(self):
        return f"{self.user_id} ♥ {self.creation_id}"


@receiver(post_delete, sender=Like, dispatch_uid="gallery-recount-after-unlike")
def recount_after_unlike(sender, instance, **kwargs):
    """A like went (taken back, or its account deleted): the post is counted again."""
    creation = Creation.objects.filter(pk=instance.creation_id).first()
    if creation is not None:
        creation.refresh_like_count()


@receiver(email_confirmed, dispatch_uid="gallery-recount-after-confirmation")
def recount_after_confirmation(sender, user, **kwargs):
    """Likes given before the account's address was confirmed count from now on."""
    for creation in Creation.objects.filter(likes__user=user):
        creation.refresh_like_count()
