"""Failed logins slow the guesser down; they never lock the account's owner out.

django-axes counts failures per (username, address) pair (AXES_LOCKOUT_PARAMETERS), so five
wrong passwords from five addresses lock nothing, and a correct password with its second factor
from any address the guesser does not share still works. A pair that reaches
AXES_FAILURE_LIMIT waits LOGIN_COOLOFF_BASE, twice that after its next lockout, and so on up to
LOGIN_COOLOFF_MAX (`login_cool_off`, axes' AXES_COOLOFF_TIME).

One address may try only so many usernames: once its unexpired failures name
LOGIN_ADDRESS_USERNAME_LIMIT different usernames, it may try no further username that has
never logged in from it. The cap counts usernames, not failures, and spares those who have
logged in from the address before (axes' AccessLog, so AXES_DISABLE_ACCESS_LOG stays off): an
office behind one NAT address keeps working when one person there mistypes, guesses at a
colleague's account, or sprays every username it knows.

The account's owner is told of repeated failures on their account (accounts.services
.account_failed_logins_notify), never from which address they came.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

from .services import account_failed_logins_notify

# Past this many earlier lockouts the cap has long been reached; it also keeps 2**n small.
_MAX_DOUBLINGS = 16


def login_cool_off(request) -> timedelta:
    """How long this request's (username, address) pair stays locked: LOGIN_COOLOFF_BASE,
    doubled for each earlier lockout of the same pair within LOGIN_LOCKOUT_MEMORY, capped.

    Only lockouts before this request's own time count, so every call made while handling one
    request (the expiry axes stores, the failures it counts, the page it shows) gets one answer.
    """
    base = settings.LOGIN_COOLOFF_BASE
    at = getattr(request, "axes_attempt_time", None)
    username = get_client_username(request) if at is not None else None
    if not username:
        return base
    earlier = AccessFailureLog.objects.filter(
        username=username,
        ip_address=request.axes_ip_address,
        locked_out=True,
        attempt_time__gte=at - settings.LOGIN_LOCKOUT_MEMORY,
        attempt_time__lt=at,
    ).count()
    return min(base * 2 ** min(earlier, _MAX_DOUBLINGS), settings.LOGIN_COOLOFF_MAX)


def address_is_spraying(*, username: str | None, ip_address: str | None) -> bool:
    """True when the address has tried too many usernames and this one never logged in from it."""
    if not ip_address:
        return False
    tried = (
        AccessAttempt.objects.filter(ip_address=ip_address, expiration__expires_at__gt=timezone.now())
        .values("username")
        .distinct()
        .count()
    )
    if tried < settings.LOGIN_ADDRESS_USERNAME_LIMIT:
        return False
    return not (username and AccessLog.objects.filter(username=username, ip_address=ip_address).exists())


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler (AXES_HANDLER) with three additions, each explained above."""

    def get_user_attempts(self, request, credentials=None):
        # With a growing cool-off, the window axes counts in outlasts a lockout that has ended;
        # the stored expiry decides, so the pair is free the moment its cool-off is over.
        now = timezone.now()
        return [
            attempts.exclude(expiration__expires_at__lte=now)
            for attempts in super().get_user_attempts(request, credentials)
        ]

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_is_spraying(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        username = get_client_username(request, credentials) if request is not None else None
        if username:
            account_failed_logins_notify(username=username)
