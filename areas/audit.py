"""The audit actions of areas (core.audit.AuditAction)."""

from core.audit import AuditAction


class AreaAction(AuditAction):
    RTS_IMPORTED = "areas.rts_imported"
