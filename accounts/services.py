import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from areas.models import RT
from core.audit import audit_log
from core.emails import send_templated_email
from core.errors import DomainError
from core.models import AuditEvent

from .audit import AccountAction
from .capabilities import Capability, user_can
from .models import AGENCY_ROLES, Role, User
from .selectors import failed_logins_since, head_emails

logger = logging.getLogger(__name__)

# No 0/o, 1/l/i: the temporary password is read out or copied by hand. 16 of 31 signs ≈ 79 bits.
_TEMPORARY_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 (the signs, not a password)


def _agency_role_by_granter() -> DomainError:
    return DomainError(
        _(
            "Officer, supervisor, head of agency and data protection officer roles are given by a supervisor "
            "or the head of agency."
        ),
        code="agency_role_by_granter",
        field="role",
    )


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
    if acting_user is not None and role in AGENCY_ROLES and not user_can(acting_user, Capability.GRANT_ROLES):
        raise _agency_role_by_granter()
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
        action=AccountAction.USER_CREATED,
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
        audit_log(actor=device.user, action=AccountAction.TOTP_ENROLLED, target=device.user)
    device.confirmed = True
    return device


# --- roles: separation of duties (design) ---------------------------------------------------------


def _send_after_commit(*, name: str, to: list[str], context: dict) -> None:
    """Email once the change is committed; a mail server that is down must not undo it."""

    def send():
        try:
            send_templated_email(name=name, to=to, context=context)
        except Exception:  # the audit row holds the event; the mail is a courtesy on top
            logger.warning("accounts: could not send the %s email", name)

    if to:
        transaction.on_commit(send)


def user_admin_refusal(*, acting_user: User, user: User | None, role: str, is_active: bool) -> DomainError | None:
    """Why the system administrator may not give the account `user` (as stored; None for a new
    one) this role and state in the admin site, or None when they may.

    The administrator manages accounts but never decides who reads case content: they change
    no one's role to or from an agency role (officer, supervisor, head) and not their own, and
    never switch on an account that holds an agency role. They may create one, switched off:
    it waits for a supervisor or the head of agency to grant the role (user_grant_role).
    """
    if user is None:
        return None
    if user.pk == acting_user.pk and role != user.role:
        return DomainError(_("Nobody can change their own role."), code="own_role", field="role")
    if role != user.role and (role in AGENCY_ROLES or user.role in AGENCY_ROLES):
        return _agency_role_by_granter()
    if role in AGENCY_ROLES and is_active and not user.is_active:
        return DomainError(
            _("An account with an agency role is switched on when a supervisor or the head of agency grants the role."),
            code="agency_account_by_granter",
            field="is_active",
        )
    return None


def user_login_admin_refusal(*, user: User) -> DomainError | None:
    """Why the system administrator may not set this account's password, username or email, nor
    add, change or delete its second factor (TOTP device), in the admin site, or None when they may.

    Whoever controls these logs in as the account: for an officer, supervisor or head of agency
    that would let the administrator read case content. Their login is reset by a supervisor or
    the head of agency instead (user_reset_login); volunteers and administrators stay the
    administrator's to manage.
    """
    if user.role in AGENCY_ROLES:
        return DomainError(
            _(
                "The login of an officer, supervisor, head of agency or data protection officer is reset by a "
                "supervisor or the head of agency, on the staff roles page."
            ),
            code="login_by_granter",
        )
    return None


@transaction.atomic
def user_save_in_admin(*, acting_user: User, user: User, changed_fields: Iterable[str]) -> User:
    """The admin site's way to save an account, with the rules of user_admin_refusal and
    user_login_admin_refusal. A new account with an agency role is created switched off, waiting
    for its role to be granted, and without a password: the administrator must never know one
    (its first login is set up with user_reset_login)."""
    stored = User.objects.select_for_update().get(pk=user.pk) if user.pk else None
    if stored is None and user.role in AGENCY_ROLES:
        user.is_active = False
        user.set_unusable_password()
    refusal = user_admin_refusal(acting_user=acting_user, user=stored, role=user.role, is_active=user.is_active)
    if refusal is None and stored is not None:
        login_changed = any(getattr(user, name) != getattr(stored, name) for name in ("username", "email", "password"))
        refusal = user_login_admin_refusal(user=stored) if login_changed else None
    if refusal is not None:
        raise refusal
    user.is_staff = user.role == Role.ADMIN
    user.save()
    audit_log(
        actor=acting_user,
        action=AccountAction.USER_CHANGED_IN_ADMIN if stored else AccountAction.USER_CREATED_IN_ADMIN,
        target=user,
        data={"fields": sorted(changed_fields), "role": user.role, "active": user.is_active},
    )
    return user


@transaction.atomic
def user_grant_role(*, acting_user: User | None, user: User, role: str) -> User:
    """Give an agency account the role officer, supervisor or head of agency, and switch it on.

    Only a supervisor or the head of agency grants, never to themselves; volunteers and system
    administrators get a separate account instead. None is the operator at the server's command
    line (`manage.py grant_role`, for the first head of agency). Every grant is audited and told
    to the head(s) of agency by email.
    """
    if acting_user is not None and not user_can(acting_user, Capability.GRANT_ROLES):
        raise DomainError(
            _("Only a supervisor or the head of agency can grant roles."), code="not_a_granter", field="role"
        )
    if role not in AGENCY_ROLES:
        raise DomainError(
            _("Choose officer, supervisor, head of agency or data protection officer."),
            code="not_an_agency_role",
            field="role",
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if acting_user is not None and user.pk == acting_user.pk:
        raise DomainError(_("Nobody can change their own role."), code="own_role", field="user")
    if user.role not in AGENCY_ROLES:
        raise DomainError(
            _("Only agency staff accounts get these roles; ask the system administrator for a staff account."),
            code="not_an_agency_account",
            field="user",
        )
    if user.role == role and user.is_active:
        raise DomainError(_("This account already has this role."), code="role_unchanged", field="role")
    previous_role, was_active = user.role, user.is_active
    user.role, user.is_active = role, True
    user.save(update_fields=["role", "is_active"])
    audit_log(
        actor=acting_user,
        action=AccountAction.ROLE_GRANTED,
        target=user,
        data={"role": role, "previous_role": previous_role, "was_active": was_active},
    )
    _send_after_commit(
        name="role_granted",
        to=head_emails(),
        context={
            "account": user.get_full_name() or user.username,
            "username": user.username,
            "role": user.get_role_display(),
            "previous_role": Role(previous_role).label,
            "granted_by": (acting_user.get_full_name() or acting_user.username)
            if acting_user
            else _("The command line on the server"),
            "link": f"{settings.SITE_URL}{reverse('accounts:roles')}",
        },
    )
    return user


@transaction.atomic
def totp_device_save_in_admin(*, acting_user: User, device: TOTPDevice, changed_fields: Iterable[str]) -> TOTPDevice:
    """The admin site's way to add or change a second factor, never one of an account that
    user_login_admin_refusal protects (neither the device's owner before nor after the change)."""
    stored = TOTPDevice.objects.select_for_update().select_related("user").get(pk=device.pk) if device.pk else None
    for owner in [device.user, stored.user] if stored else [device.user]:
        if refusal := user_login_admin_refusal(user=owner):
            raise refusal
    device.save()
    audit_log(
        actor=acting_user,
        action=AccountAction.TOTP_DEVICE_CHANGED_IN_ADMIN if stored else AccountAction.TOTP_DEVICE_ADDED_IN_ADMIN,
        target=device.user,
        data={"device": device.pk, "fields": sorted(changed_fields)},
    )
    return device


@transaction.atomic
def totp_device_delete_in_admin(*, acting_user: User, device: TOTPDevice) -> None:
    """The admin site's way to remove a second factor, with user_login_admin_refusal's rule."""
    device = TOTPDevice.objects.select_for_update().select_related("user").get(pk=device.pk)
    if refusal := user_login_admin_refusal(user=device.user):
        raise refusal
    device_id = device.pk
    device.delete()
    audit_log(
        actor=acting_user,
        action=AccountAction.TOTP_DEVICE_DELETED_IN_ADMIN,
        target=device.user,
        data={"device": device_id},
    )


def _temporary_password() -> str:
    return "-".join("".join(secrets.choice(_TEMPORARY_PASSWORD_ALPHABET) for _i in range(4)) for _j in range(4))


@transaction.atomic
def user_reset_login(*, acting_user: User, user: User) -> str:
    """Give an agency account a new temporary password and remove its second factor; return the
    password, which is stored only as a hash: the caller shows it once.

    The temporary password opens nothing but the page where the owner chooses their own
    (user_password_choose); at the next login they set up their authenticator app again. Only a
    supervisor or the head of agency resets, never their own login, and only the logins of
    officers, supervisors and heads (the system administrator keeps the others). Sessions open
    on the account end with the old password. Every reset is audited and emailed to the owner
    and the head(s) of agency, so a reset nobody asked for is seen.
    """
    if not user_can(acting_user, Capability.GRANT_ROLES):
        raise DomainError(
            _("Only a supervisor or the head of agency can reset a login."), code="not_a_granter", field="user"
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == acting_user.pk:
        raise DomainError(_("Nobody can reset their own login."), code="own_login", field="user")
    if user.role not in AGENCY_ROLES:
        raise DomainError(
            _("Only the logins of officers, supervisors, heads of agency and data protection officers are reset here."),
            code="not_an_agency_account",
            field="user",
        )
    password = _temporary_password()
    user.set_password(password)
    user.password_is_temporary = True
    user.save(update_fields=["password", "password_is_temporary"])
    devices_removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    audit_log(
        actor=acting_user, action=AccountAction.LOGIN_RESET, target=user, data={"devices_removed": devices_removed}
    )
    owner = [user.email] if user.email else []
    _send_after_commit(
        name="login_reset",
        to=owner + [email for email in head_emails() if email not in owner],
        context={
            "account": user.get_full_name() or user.username,
            "username": user.username,
            "reset_by": acting_user.get_full_name() or acting_user.username,
            "link": f"{settings.SITE_URL}{reverse('accounts:roles')}",
        },
    )
    return password


@transaction.atomic
def user_password_choose(*, user: User, password: str) -> User:
    """The owner of a temporary password (user_reset_login) replaces it with their own."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.password_is_temporary:
        raise DomainError(
            _("This password has already been replaced. Log in with your own password."),
            code="password_not_temporary",
        )
    if user.check_password(password):
        raise DomainError(
            _("Choose a password of your own, not the temporary one."), code="password_unchanged", field="password"
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password", field="password") from exc
    user.set_password(password)
    user.password_is_temporary = False
    user.save(update_fields=["password", "password_is_temporary"])
    audit_log(actor=user, action=AccountAction.PASSWORD_CHOSEN, target=user)
    return user


# --- repeated failed logins ----------------------------------------------------------------------


@transaction.atomic
def account_failed_logins_notify(*, username: str, now: datetime | None = None) -> int | None:
    """Tell the owner of `username` by email that logins to their account keep failing.

    Once AXES_FAILURE_LIMIT logins have failed (from any address) in the last
    LOGIN_FAILURE_NOTICE_HOURS, and at most once in that time, so an attack that goes on sends
    one email a day, not one per guess. Never says from where. Returns how many failures the
    notice counted, or None when none was due. Called by accounts.lockout after each failure.
    """
    now = now or timezone.now()
    user = User.objects.select_for_update().filter(username=username, is_active=True).first()
    if user is None:
        return None
    since = now - timedelta(hours=settings.LOGIN_FAILURE_NOTICE_HOURS)
    told = AuditEvent.objects.filter(
        action=AccountAction.FAILED_LOGINS_NOTIFIED,
        target_type=User._meta.label_lower,
        target_id=str(user.pk),
        at__gt=since,
    )
    if told.exists():
        return None
    failures = failed_logins_since(username=username, since=since)
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    audit_log(actor=None, action=AccountAction.FAILED_LOGINS_NOTIFIED, target=user, data={"failures": failures})
    _send_after_commit(
        name="failed_logins",
        to=[user.email] if user.email else [],
        context={
            "name": user.get_full_name() or user.username,
            "username": user.username,
            "failures": failures,
            "hours": settings.LOGIN_FAILURE_NOTICE_HOURS,
            "login_url": f"{settings.SITE_URL}{reverse('accounts:login')}",
        },
    )
    return failures
