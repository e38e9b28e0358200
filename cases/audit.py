"""The audit actions on cases (core.audit.AuditAction)."""

from core.audit import AuditAction


class CaseAction(AuditAction):
    OPENED = "cases.opened"
    REPORT_ADDED = "cases.report_added"
    ASSIGNED = "cases.assigned"
    CHILD_ADDED = "cases.child_added"
    PERPETRATOR_ADDED = "cases.perpetrator_added"
    ASSESSED = "cases.assessed"
    ADVANCED = "cases.advanced"
    SERVICE_PLANNED = "cases.service_planned"
    SERVICE_UPDATED = "cases.service_updated"
    FOLLOW_UP_RECORDED = "cases.follow_up_recorded"
    NOTE_ADDED = "cases.note_added"
    CLOSURE_REQUESTED = "cases.closure_requested"
    CLOSURE_APPROVED = "cases.closure_approved"
    CLOSURE_SENT_BACK = "cases.closure_sent_back"
    REOPENED = "cases.reopened"
    VIEWED = "cases.viewed"  # a read of identifying data, not a change
    MATCH_KEYS_RECOMPUTED = "cases.match_keys_recomputed"  # every child's, after CHILD_MATCH_SECRET changed
