from django.db import models

from .models import AuditEvent


def audit_log(*, actor, action: str, target: models.Model | None = None, data: dict | None = None) -> AuditEvent:
    """Write one audit row. Call it inside the service's transaction, after the change."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
