from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="alerts.tasks.deliver_alert", acks_late=True)
def deliver_alert(alert_id: int) -> None:
    """Send every delivery of one alert, most urgent first (see services.deliveries_in_order).
    Idempotent: a claimed or sent delivery is skipped."""
    for delivery_id in services.deliveries_in_order(alert_id):
        services.delivery_send(delivery_id=delivery_id)


@shared_task(name="alerts.tasks.sweep", acks_late=True)
def sweep() -> None:
    """Every minute (beat): escalate, remind, and send whatever is due, including what the
    broker lost or a worker dropped. The database says what is still to be sent."""
    now = timezone.now()
    services.escalation_sweep(now=now)
    services.reminder_sweep(now=now)
    for delivery_id in services.due_deliveries(now=now):
        services.delivery_send(delivery_id=delivery_id, now=now)
