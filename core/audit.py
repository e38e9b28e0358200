from enum import StrEnum

from django.db import models

from .models import AuditEvent


class AuditAction(StrEnum):
    """What an audit row records, "<app>.<what happened>". Each app declares its own actions
    once, as a subclass in its `audit` module (`cases.audit.CaseAction`), and code names them
    only through it; core knows none of them. A read of identifying data is "<app>.viewed"
    (`AuditEvent.objects.changes()` leaves those out)."""


def audit_log(*, actor, action: str, target: models.Model | None = None, data: dict | None = None) -> AuditEvent:
    """Write one audit row. Call it inside the service's transaction, after the change."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
