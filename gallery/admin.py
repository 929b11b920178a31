from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Creation, Like


@admin.register(Creation)
class CreationAdmin(admin.ModelAdmin):
    """Moderation: staff hide posts from the board (the owner still sees them, marked hidden)."""

    list_display = ["preview", "title", "kind", "owner", "published_at", "is_hidden", "like_count", "created_at"]
    list_filter = ["is_hidden", ("published_at", admin.EmptyFieldListFilter), "kind"]
    search_fields = ["title", "owner__email", "id"]
    list_editable = ["is_hidden"]
    readonly_fields = ["id", "preview", "image", "thumbnail", "width", "height", "byte_size", "owner", "session_key",
                       "created_at", "published_at", "like_count", "metadata"]
    fields = ["preview", "title", "is_hidden", "kind", "show_settings", "owner", "published_at", "like_count",
              "width", "height", "byte_size", "metadata", "image", "thumbnail", "created_at", "id"]
    actions = ["hide", "unhide"]
    date_hierarchy = "created_at"

    @admin.display(description=_("Picture"))
    def preview(self, obj):
        return format_html('<img src="{}" alt="" width="80" height="80">', obj.thumbnail_url) if obj.pk else ""

    @admin.action(description=_("Hide from the board"), permissions=["change"])
    def hide(self, request, queryset):
        count = queryset.update(is_hidden=True)
        self.message_user(request, _("%(count)d hidden from the board.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Show on the board again"), permissions=["change"])
    def unhide(self, request, queryset):
        count = queryset.update(is_hidden=False)
        self.message_user(request, _("%(count)d shown again.") % {"count": count}, messages.SUCCESS)

    def delete_model(self, request, obj):
        obj.delete_with_files()

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            obj.delete_with_files()


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ["creation", "user", "created_at"]
    raw_id_fields = ["creation", "user"]
