from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.capabilities import Capability, user_can
from accounts.decorators import second_factor_pending

from .health import AlertingStatus
from .selectors import staff_alert_status


def _why_not_going_out(status: AlertingStatus) -> list[str]:
    reasons = []
    if status.worker_problem == "worker_never_seen":
        reasons.append(_("No background worker has run yet: nothing is sent and nothing is escalated."))
    elif status.worker_problem:
        minutes = status.worker_last_seen_seconds // 60
        reasons.append(
            ngettext(
                "The background worker last ran %(count)d minute ago: nothing is sent and nothing is escalated.",
                "The background worker last ran %(count)d minutes ago: nothing is sent and nothing is escalated.",
                minutes,
            )
            % {"count": minutes}
        )
    deliveries = status.deliveries
    if deliveries.stuck:
        reasons.append(
            ngettext(
                "%(count)d alert has waited more than %(minutes)d minutes to be sent.",
                "%(count)d alerts have waited more than %(minutes)d minutes to be sent.",
                deliveries.stuck,
            )
            % {"count": deliveries.stuck, "minutes": settings.ALERT_STUCK_AFTER_MINUTES}
        )
    if deliveries.failed_recently:
        reasons.append(
            ngettext(
                "%(count)d alert could not be delivered in the last %(minutes)d minutes.",
                "%(count)d alerts could not be delivered in the last %(minutes)d minutes.",
                deliveries.failed_recently,
            )
            % {"count": deliveries.failed_recently, "minutes": settings.ALERT_FAILED_RECENT_MINUTES}
        )
    return reasons


def notifications(request):
    """For the staff menu and banner: `unread_alerts`, and `alerts_not_going_out`, the reasons
    why alerts are not reaching staff (empty when they are; alerts.health decides).

    One query for a signed-in officer, supervisor, head or administrator; none for a volunteer
    (never told of a report), and nothing at all for a public visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not user_can(user, Capability.WATCH_ALERTING) or second_factor_pending(user):
        return {"unread_alerts": 0}
    status = staff_alert_status(user=user, now=timezone.now())
    return {
        "unread_alerts": status.also_counted,
        "alerts_not_going_out": _why_not_going_out(status) if status.not_going_out else [],
    }
