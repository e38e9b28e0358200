from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import DomainError

from . import services
from .models import AGENCY_ROLES, User


@admin.register(User)
class KlaUserAdmin(UserAdmin):
    """Accounts for the system administrator, who never decides who reads case content: the
    rules are accounts.services.user_admin_refusal's and user_login_admin_refusal's, shown here as
    read-only fields and limited choices, checked again when the form is validated and when it is
    saved."""

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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or services.user_login_admin_refusal(user=obj) is None:
            return fieldsets
        # Not even the password's hash field: its button leads to the password form.
        login = ("username", "login_reset_elsewhere")
        return ((None, {"fields": login}), *fieldsets[1:])

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and (obj.pk == request.user.pk or obj.role in AGENCY_ROLES):
            readonly.append("role")
        if obj is not None and obj.role in AGENCY_ROLES and not obj.is_active:
            readonly.append("is_active")
        if obj is not None and services.user_login_admin_refusal(user=obj) is not None:
            readonly += ["username", "email", "login_reset_elsewhere"]
        return readonly

    @admin.display(description=_("Password and second factor"))
    def login_reset_elsewhere(self, obj):
        return services.user_login_admin_refusal(user=obj).message

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        refusal = services.user_login_admin_refusal(user=user) if user is not None else None
        if refusal is not None:
            self.message_user(request, refusal.message, messages.ERROR)
            return redirect("admin:accounts_user_change", user.pk)
        return super().user_change_password(request, id, form_url)

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
                _(
                    "The account is switched off until a supervisor or the head of agency grants its role and "
                    "resets its login; the password typed here was not kept."
                ),
                messages.WARNING,
            )


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class KlaTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's device admin, without the second factor of any account whose login the
    system administrator may not touch (accounts.services.user_login_admin_refusal): such a
    device is listed but cannot be opened (its key would show), changed, deleted or given to
    the account; adding and saving go through accounts.services, which check again."""

    def _refused(self, device) -> bool:
        return device is not None and services.user_login_admin_refusal(user=device.user) is not None

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and not self._refused(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._refused(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._refused(obj)

    @admin.display(description="QR Code")
    def qrcode_link(self, device):
        return "" if self._refused(device) else super().qrcode_link(device)

    def get_form(self, request, obj=None, change=False, **kwargs):
        class DeviceOwnerRulesForm(super().get_form(request, obj, change=change, **kwargs)):
            def clean_user(self):
                owner = self.cleaned_data["user"]
                refusal = services.user_login_admin_refusal(user=owner)
                if refusal is not None:
                    raise ValidationError(refusal.message, code=refusal.code)
                return owner

        return DeviceOwnerRulesForm

    def save_model(self, request, obj, form, change):
        try:
            services.totp_device_save_in_admin(acting_user=request.user, device=obj, changed_fields=form.changed_data)
        except DomainError as exc:  # the form checked the same rule; only a race gets here
            raise PermissionDenied(exc.message) from exc

    def delete_model(self, request, obj):
        try:
            services.totp_device_delete_in_admin(acting_user=request.user, device=obj)
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for device in queryset:
            self.delete_model(request, device)
