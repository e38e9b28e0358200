"""The audit actions on reports (core.audit.AuditAction), whichever app writes them."""

from core.audit import AuditAction


class ReportAction(AuditAction):
    SUBMITTED = "reports.submitted"
    MESSAGE_ADDED = "reports.message_added"
    ACKNOWLEDGED = "reports.acknowledged"
    PRIORITY_CHANGED = "reports.priority_changed"
    ACCEPTED = "reports.accepted"
    MARKED_DUPLICATE = "reports.marked_duplicate"
    REJECTED = "reports.rejected"
    ERASED = "reports.erased"  # by the retention schedule (reports.retention, cases.retention)
    VIEWED = "reports.viewed"  # a read of identifying data, not a change
