from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.forms import display_name

from . import sharing
from .models import Creation


class CreationSerializer(serializers.ModelSerializer):
    """One of my creations (owner's view: includes its settings and privacy state)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    image_url = serializers.CharField(read_only=True)
    thumbnail_url = serializers.CharField(read_only=True)
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    edit_url = serializers.SerializerMethodField()
    file_name = serializers.CharField(read_only=True)
    published = serializers.BooleanField(source="is_published", read_only=True)

    class Meta:
        model = Creation
        fields = ["id", "kind", "kind_label", "title", "file_name", "width", "height", "byte_size", "created_at",
                  "image_url", "thumbnail_url", "page_url", "edit_url", "published", "published_at", "is_hidden",
                  "like_count", "show_settings", "metadata"]
        read_only_fields = fields

    def get_edit_url(self, obj) -> str:
        return sharing.edit_url(obj)


class PostSerializer(serializers.ModelSerializer):
    """A published creation as everyone sees it on the board."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    author = serializers.SerializerMethodField()
    image_url = serializers.CharField(read_only=True)
    thumbnail_url = serializers.CharField(read_only=True)
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    liked = serializers.SerializerMethodField()
    settings = serializers.SerializerMethodField()
    try_style_url = serializers.SerializerMethodField()
    use_prompt_url = serializers.SerializerMethodField()

    class Meta:
        model = Creation
        fields = ["id", "kind", "kind_label", "title", "author", "width", "height", "published_at", "image_url",
                  "thumbnail_url", "page_url", "like_count", "liked", "settings", "try_style_url", "use_prompt_url"]
        read_only_fields = fields

    def get_author(self, obj) -> str:
        return str(display_name(obj.owner))

    def get_liked(self, obj) -> bool:
        return obj.pk in self.context.get("liked_ids", set())

    def get_settings(self, obj) -> dict:
        return sharing.shareable_settings(obj) if obj.show_settings else {}

    def _links(self, obj):
        cache = self.context.setdefault("links", {})  # one look per post, whichever fields ask
        if obj.pk not in cache:
            cache[obj.pk] = sharing.links(obj, False)
        return cache[obj.pk]

    def get_try_style_url(self, obj) -> str:
        return self._links(obj).get("try_style_url", "")

    def get_use_prompt_url(self, obj) -> str:
        return self._links(obj).get("use_prompt_url", "")


class PublishSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, trim_whitespace=True, error_messages={
        "blank": _("Give your picture a title before you share it."),
        "required": _("Give your picture a title before you share it."),
        "max_length": _("The title can be at most 120 characters."),
    })
    show_settings = serializers.BooleanField(required=False, default=False,
                                             help_text="Show the settings or prompt with the post.")


class LikeSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()
