from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from . import services
from .models import AGENCY_ROLES, User


@admin.register(User)
class KlaUserAdmin(UserAdmin):
    """Accounts for the system administrator, who never decides who reads case content: the
    rules are accounts.services.user_admin_refusal's, shown here as read-only fields and limited
    choices, checked again when the form is validated and when it is saved."""

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

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and (obj.pk == request.user.pk or obj.role in AGENCY_ROLES):
            readonly.append("role")
        if obj is not None and obj.role in AGENCY_ROLES and not obj.is_active:
            readonly.append("is_active")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        acting_user = request.user

        class RoleRulesForm(super().get_form(request, obj, change=change, **kwargs)):
            def clean(self):
                cleaned = super().clean()
                refusal = services.user_admin_refusal(
                    acting_user=acting_user,
                    user=obj,
                    role=cleaned.get("role", obj.role if obj else ""),
                    is_active=cleaned.get("is_active", obj.is_active if obj else True),
                )
                if refusal is not None:
                    field = refusal.field if refusal.field in self.fields else None
                    self.add_error(field, ValidationError(refusal.message, code=refusal.code))
                return cleaned

        role = RoleRulesForm.base_fields.get("role")
        if role is not None and obj is not None:
            role.choices = [(value, label) for value, label in role.choices if value not in AGENCY_ROLES]
        elif role is not None:
            role.help_text = _(
                "An officer, supervisor or head of agency account is created switched off; "
                "a supervisor or the head of agency switches it on by granting the role."
            )
        return RoleRulesForm

    def save_model(self, request, obj, form, change):
        try:
            services.user_save_in_admin(acting_user=request.user, user=obj, changed_fields=form.changed_data)
        except DomainError as exc:  # the form checked the same rules; only a race gets here
            raise PermissionDenied(exc.message) from exc
        if not change and obj.role in AGENCY_ROLES:
            self.message_user(
                request,
                _("The account is switched off until a supervisor or the head of agency grants its role."),
                messages.WARNING,
            )
