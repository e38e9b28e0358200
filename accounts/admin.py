from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.audit import audit_log

from .models import User


@admin.register(User)
class KlaUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    filter_horizontal = ("rts",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Role"), {"fields": ("role", "rts", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "role", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        # Account changes made here are audited like any other change (who gave whom a role).
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_log(
                actor=request.user,
                action="accounts.user_changed_in_admin" if change else "accounts.user_created_in_admin",
                target=obj,
                data={"fields": sorted(form.changed_data), "role": obj.role},
            )
