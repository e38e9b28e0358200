from django.contrib.auth.backends import BaseBackend

from .capabilities import Capability, user_can

# What the system administrator keeps in the admin site (design: accounts, areas, reference
# data). Nothing here holds case content; the audit trail is read-only and shows no details.
ADMIN_MANAGES = {
    "accounts.user",
    "areas.kecamatan",
    "areas.kelurahan",
    "areas.rt",
    "cases.provider",
    "otp_totp.totpdevice",
}
ADMIN_READS = {"core.auditevent"}


class RolePermissionBackend(BaseBackend):
    """Permissions follow the role's capabilities, not per-user grants that drift: no login happens here."""

    def has_perm(self, user_obj, perm, obj=None):
        if not user_can(user_obj, Capability.ADMINISTER):
            return False
        app_label, _dot, codename = perm.partition(".")
        action, _underscore, model = codename.partition("_")
        key = f"{app_label}.{model}"
        return key in ADMIN_MANAGES or (key in ADMIN_READS and action == "view")

    def has_module_perms(self, user_obj, app_label):
        if not user_can(user_obj, Capability.ADMINISTER):
            return False
        return any(key.split(".")[0] == app_label for key in ADMIN_MANAGES | ADMIN_READS)
