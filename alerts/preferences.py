"""The one write path for a staff member's notification preferences."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, user_can
from accounts.models import User
from core.audit import audit_log
from core.errors import DomainError

from .audit import AlertAction
from .models import NotificationPreference

CHANNEL_FIELDS = ("email", "webhook", "in_app")


@transaction.atomic
def notification_preferences_save(
    *, user: User, email: bool, webhook: bool, in_app: bool, on_duty: bool, acting_user: User
) -> NotificationPreference:
    """Store the channels `user` wants and, for an officer, whether they are on duty (new
    reports go to officers on duty). Audited when anything changed."""
    if not user_can(user, Capability.RECEIVE_ALERTS):
        raise DomainError(_("Only agency staff receive alerts."), code="not_alert_reader")
    if on_duty and not user_can(user, Capability.GO_ON_DUTY):
        raise DomainError(_("Only case officers can be on duty."), code="not_an_officer", field="on_duty")
    preference, created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    wanted = {"email": email, "webhook": webhook, "in_app": in_app, "on_duty": on_duty}
    changed = {name: value for name, value in wanted.items() if created or getattr(preference, name) != value}
    if not changed:
        return preference
    for name, value in wanted.items():
        setattr(preference, name, value)
    preference.save()
    audit_log(actor=acting_user, action=AlertAction.PREFERENCES_CHANGED, target=preference, data=changed)
    return preference
