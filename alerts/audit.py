"""The audit actions of alerts (core.audit.AuditAction)."""

from core.audit import AuditAction


class AlertAction(AuditAction):
    PREFERENCES_CHANGED = "alerts.preferences_changed"
