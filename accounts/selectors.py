from datetime import datetime

from axes.models import AccessFailureLog
from django.db.models import QuerySet

from .capabilities import Capability, holders
from .models import AGENCY_ROLES, User


def failed_logins_since(*, username: str, since: datetime) -> int:
    """Failed logins on this username, from any address, since `since`. Tries refused during a
    lockout are not recorded by django-axes, so they are not counted."""
    return AccessFailureLog.objects.filter(username=username, attempt_time__gt=since).count()


def agency_accounts() -> QuerySet[User]:
    """Officers, supervisors and heads of agency, switched on or waiting for their role to be
    granted (the system administrator creates them switched off)."""
    return User.objects.filter(role__in=AGENCY_ROLES).order_by("-is_active", "role", "username")


def account_with_temporary_password(*, pk: int | None) -> User | None:
    """The switched-on account `pk` if its password is a temporary one (user_reset_login)."""
    return User.objects.filter(pk=pk, is_active=True, password_is_temporary=True).first() if pk else None


def head_emails() -> list[str]:
    """Where the head(s) of agency are told of grants and login resets (Capability.HEAR_OF_GRANTS)."""
    return list(holders(Capability.HEAR_OF_GRANTS).exclude(email="").order_by("pk").values_list("email", flat=True))
