import logging

from celery import shared_task
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="alerts.tasks.deliver_alert", acks_late=True)
def deliver_alert(alert_id: int) -> None:
    """Send every delivery of one alert, most urgent first (see services.deliveries_in_order).
    Idempotent: a claimed or sent delivery is skipped."""
    for delivery_id in services.deliveries_in_order(alert_id):
        services.delivery_send(delivery_id=delivery_id)


@shared_task(name="alerts.tasks.sweep", acks_late=True)
def sweep() -> None:
    """Every minute (beat): escalate unacknowledged reports and unread reporter messages, remind
    and escalate the TPKS police deadline and court hearings (legal_sweep), remind of the UU PDP
    deadlines of breaches and data subjects' requests (privacy_sweep), and send whatever is due,
    including what the broker lost or a worker dropped. The database says what is still to be
    sent. Its cost follows what is due, not how many reports there are (issue 9)."""
    now = timezone.now()
    # One failing rule never holds back the others, nor what is due to be sent: each is tried,
    # a failure logged, the deliveries sent, and then the task fails for all to see.
    failures = []
    for step in ("escalation_sweep", "unread_message_sweep", "legal_sweep", "privacy_sweep"):
        try:
            getattr(services, step)(now=now)
        except Exception as error:
            logger.exception("Alert sweep step %s failed", step)
            failures.append(error)
    for delivery_id in services.due_deliveries(now=now):
        services.delivery_send(delivery_id=delivery_id, now=now)
    if failures:
        raise failures[0]


@shared_task(name="alerts.tasks.remind", acks_late=True)
def remind() -> None:
    """Every hour (beat): overdue follow-ups and services, quiet cases. Their deadlines are
    dates and days, so an hour is soon enough; the check reads every open case (~0.9 s at
    53,000 open cases), too much to repeat every minute. What it raises is sent on commit, or
    by the next sweep."""
    services.reminder_sweep(now=timezone.now())
