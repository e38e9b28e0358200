from django.contrib import admin

from .models import Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    """Reference data the system administrator keeps; no case content is reachable here."""

    list_display = ("name", "kind", "phone", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
