from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from areas.models import RT
from core.audit import audit_log
from core.errors import DomainError

from .models import Role, User


@transaction.atomic
def user_create(
    *,
    username: str,
    role: Role,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    rts: Iterable[RT] = (),
    acting_user: User | None,
) -> User:
    rts = list(rts)
    if role == Role.VOLUNTEER and not rts:
        raise DomainError(
            _("An RT volunteer must be tied to at least one RT."), code="volunteer_without_rt", field="rts"
        )
    if role != Role.VOLUNTEER and rts:
        raise DomainError(_("Only RT volunteers are tied to RTs."), code="rts_for_non_volunteer", field="rts")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is already taken."), code="username_taken", field="username")
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == Role.ADMIN,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password", field="password") from exc
    user.set_password(password)
    user.save()
    user.rts.set(rts)
    audit_log(
        actor=acting_user,
        action="accounts.user_created",
        target=user,
        data={"role": role, "rts": [rt.pk for rt in rts]},
    )
    return user


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device shown as a QR code until the user proves they scanned it."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise DomainError(_("A second factor is already set up for this account."), code="totp_exists")
    device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "authenticator"})
    return device


def totp_check(*, device: TOTPDevice, token: str) -> None:
    """Raise unless `token` is the device's current code.

    Not in a transaction: django-otp records failed tries on the device row and makes the
    next try wait longer after each failure; a rollback must not erase that record.
    """
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise DomainError(
            _("Too many wrong codes. Wait a few seconds, then type the newest code."),
            code="totp_throttled",
            field="token",
        )
    if not device.verify_token(token):
        raise DomainError(_("The code is wrong or has expired."), code="totp_invalid", field="token")


def totp_device_confirm(*, device: TOTPDevice, token: str) -> TOTPDevice:
    if device.confirmed:
        raise DomainError(_("A second factor is already set up for this account."), code="totp_exists")
    totp_check(device=device, token=token)
    with transaction.atomic():
        updated = TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True)
        if not updated:
            raise DomainError(_("A second factor is already set up for this account."), code="totp_exists")
        audit_log(actor=device.user, action="accounts.totp_enrolled", target=device.user)
    device.confirmed = True
    return device
