from django.contrib import admin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "creation", "status", "tries", "attempts", "transport", "short_error",
                    "finished_at"]
    list_filter = ["status", "transport", "language"]
    search_fields = ["recipient", "id", "creation__id", "session_key", "client_ip"]
    date_hierarchy = "created_at"
    list_select_related = ["creation"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    @admin.display(description="last error")
    def short_error(self, obj):
        return (obj.error[:80] + "…") if len(obj.error) > 80 else obj.error

    def has_add_permission(self, request):
        return False
