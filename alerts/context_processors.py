from accounts.decorators import second_factor_pending

from .selectors import ALERT_READERS, unread_notification_count


def notifications(request):
    """`unread_alerts` for the staff menu: one COUNT for a signed-in officer, supervisor or head,
    0 for anyone else signed in, and nothing at all (no query) for a public visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.role not in ALERT_READERS or second_factor_pending(user):
        return {"unread_alerts": 0}
    return {"unread_alerts": unread_notification_count(user=user)}
