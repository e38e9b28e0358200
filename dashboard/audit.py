"""The audit actions of the dashboard's exports (core.audit.AuditAction)."""

from core.audit import AuditAction


class DashboardAction(AuditAction):
    EXPORTED = "dashboard.exported"
    EXPORTED_IDENTITIES = "dashboard.exported_identities"
