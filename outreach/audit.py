"""The audit actions of outreach (core.audit.AuditAction)."""

from core.audit import AuditAction


class OutreachAction(AuditAction):
    SESSION_LOGGED = "outreach.session_logged"
    SESSION_UPDATED = "outreach.session_updated"
    SESSION_UNLOCKED = "outreach.session_unlocked"
    GROUP_REGISTERED = "outreach.group_registered"
    GROUP_UPDATED = "outreach.group_updated"
    FORUM_ACTIVITY_LOGGED = "outreach.forum_activity_logged"
    PARTNER_REGISTERED = "outreach.partner_registered"
    PARTNER_DEACTIVATED = "outreach.partner_deactivated"
    PARTNER_ACTIVITY_LOGGED = "outreach.partner_activity_logged"
    EXPORTED = "outreach.exported"
    PHOTO_ERASED = "outreach.photo_erased"  # by the retention schedule (outreach.retention)
