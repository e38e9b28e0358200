"""The audit actions of the privacy registers (core.audit.AuditAction)."""

from core.audit import AuditAction


class PrivacyAction(AuditAction):
    REQUEST_RECORDED = "privacy.request_recorded"
    REQUEST_UPDATED = "privacy.request_updated"
    BREACH_RECORDED = "privacy.breach_recorded"
    BREACH_NOTIFIED = "privacy.breach_notified"  # the data subjects or the authority were told
    BREACH_UPDATED = "privacy.breach_updated"
    BREACH_CLOSED = "privacy.breach_closed"
    VIEWED = "privacy.viewed"  # a read of a register entry's free text, not a change
