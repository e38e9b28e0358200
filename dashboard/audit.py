"""The audit actions of the dashboard's exports (core.audit.AuditAction)."""

from core.audit import AuditAction


class DashboardAction(AuditAction):
    EXPORTED = "dashboard.exported"
    EXPORTED_IDENTITIES = "dashboard.exported_identities"
    # cases a SIMFONI-PPA export held for the first time (Case.simfoni_exported_at set)
    SIMFONI_MARKED = "dashboard.simfoni_marked"
