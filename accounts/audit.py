"""The audit actions of accounts (core.audit.AuditAction)."""

from core.audit import AuditAction


class AccountAction(AuditAction):
    USER_CREATED = "accounts.user_created"
    TOTP_ENROLLED = "accounts.totp_enrolled"
    USER_CREATED_IN_ADMIN = "accounts.user_created_in_admin"
    USER_CHANGED_IN_ADMIN = "accounts.user_changed_in_admin"
    ROLE_GRANTED = "accounts.role_granted"
    TOTP_DEVICE_ADDED_IN_ADMIN = "accounts.totp_device_added_in_admin"
    TOTP_DEVICE_CHANGED_IN_ADMIN = "accounts.totp_device_changed_in_admin"
    TOTP_DEVICE_DELETED_IN_ADMIN = "accounts.totp_device_deleted_in_admin"
    LOGIN_RESET = "accounts.login_reset"
    PASSWORD_CHOSEN = "accounts.password_chosen"  # noqa: S105 (an audit action, not a password)
    FAILED_LOGINS_NOTIFIED = "accounts.failed_logins_notified"
