from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("at", "actor", "action", "target_type", "target_id")
    # Details stay out of the admin: the system administrator must not read case content
    # (design: separation of duties), and some details describe a case.
    fields = ("at", "actor", "action", "target_type", "target_id")
    readonly_fields = fields
    list_filter = ("action",)
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
