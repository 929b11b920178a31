from django.contrib import admin

from .models import EmailVerification


@admin.register(EmailVerification)
class EmailVerificationAdmin(admin.ModelAdmin):
    """Staff can see (and set) whether an account's email address is confirmed."""

    list_display = ["user", "verified_at", "sent_at", "created_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
