from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The reporter has no account: reports are anonymous.
    VOLUNTEER = "volunteer", _("RT volunteer")
    OFFICER = "officer", _("Case officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    HEAD = "head", _("Head of agency")
    # UU 27/2022 PDP Pasal 53: the data protection officer (Petugas Pelindungan Data).
    DPO = "dpo", _("Data protection officer")
    ADMIN = "admin", _("System administrator")


# Agency staff log in with a second factor; RT volunteers do not (see README, Accounts).
STAFF_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.HEAD, Role.DPO, Role.ADMIN})
# Roles that read case content or steer it, or, the data protection officer, read the audit trail
# and the privacy registers (design: separation of duties). Only a holder of
# Capability.GRANT_ROLES gives them, never the system administrator (accounts.services.user_grant_role).
# What each role may do is accounts.capabilities.
AGENCY_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.HEAD, Role.DPO})


class KlaUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    rts = models.ManyToManyField(
        "areas.RT",
        blank=True,
        related_name="volunteers",
        verbose_name=_("RTs"),
        help_text=_("The RTs an RT volunteer works in."),
    )
    # Set by accounts.services.user_reset_login: the password opens only the page where the owner
    # chooses their own (accounts.views.password_choose), never a session.
    password_is_temporary = models.BooleanField(_("temporary password"), default=False)

    objects = KlaUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_known"),
            # Only system administrators use Django's admin site.
            models.CheckConstraint(
                condition=models.Q(is_staff=False) | models.Q(role=Role.ADMIN), name="user_admin_site_only_for_admins"
            ),
        ]

    @property
    def is_agency_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def needs_second_factor(self) -> bool:
        return settings.STAFF_2FA_REQUIRED and self.is_agency_staff
