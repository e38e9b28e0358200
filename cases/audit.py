"""The audit actions on cases (core.audit.AuditAction)."""

from core.audit import AuditAction


class CaseAction(AuditAction):
    OPENED = "cases.opened"
    REPORT_ADDED = "cases.report_added"
    ASSIGNED = "cases.assigned"
    CHILD_ADDED = "cases.child_added"
    PERPETRATOR_ADDED = "cases.perpetrator_added"
    ASSESSED = "cases.assessed"
    SIMFONI_UPDATED = "cases.simfoni_updated"  # the date of the incident, the SIMFONI-PPA number
    ADVANCED = "cases.advanced"
    SERVICE_PLANNED = "cases.service_planned"
    SERVICE_UPDATED = "cases.service_updated"
    FOLLOW_UP_RECORDED = "cases.follow_up_recorded"
    NOTE_ADDED = "cases.note_added"
    CLOSURE_REQUESTED = "cases.closure_requested"
    CLOSURE_APPROVED = "cases.closure_approved"
    CLOSURE_SENT_BACK = "cases.closure_sent_back"
    REOPENED = "cases.reopened"
    # the structured assessment and the case plan (cases.plans)
    ASSESSMENT_RATED = "cases.assessment_rated"
    PLAN_GOAL_ADDED = "cases.plan_goal_added"
    PLAN_SUBMITTED = "cases.plan_submitted"
    PLAN_APPROVED = "cases.plan_approved"
    PLAN_RETURNED = "cases.plan_returned"
    # outgoing referrals and the transfer to another UPTD PPA (cases.referrals)
    REFERRAL_SENT = "cases.referral_sent"
    REFERRAL_ANSWERED = "cases.referral_answered"
    TRANSFERRED = "cases.transferred"
    DEIDENTIFIED = "cases.deidentified"  # by the retention schedule (cases.retention)
    VIEWED = "cases.viewed"  # a read of identifying data, not a change
    MATCH_KEYS_RECOMPUTED = "cases.match_keys_recomputed"  # every child's, after CHILD_MATCH_SECRET changed
    # The legal process (cases.legal)
    LEGAL_DEADLINE_STARTED = "cases.legal_deadline_started"  # TPKS Pasal 41: sexual violence, 3x24 h
    LEGAL_UPDATED = "cases.legal_updated"
    LEGAL_POLICE_REFERRED = "cases.legal_police_referred"
    LEGAL_POLICE_WAIVED = "cases.legal_police_waived"
    HEARING_ADDED = "cases.hearing_added"
    # The legal hold: the retention schedule leaves the case alone (cases.legal_hold); never the reason
    LEGAL_HOLD_PLACED = "cases.legal_hold_placed"
    LEGAL_HOLD_RELEASED = "cases.legal_hold_released"
