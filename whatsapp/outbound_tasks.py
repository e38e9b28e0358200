"""The outbound tasks (whatsapp.outbound): registered through apps.ready, since Celery
autodiscovers only `tasks` modules."""

import logging
import time

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import outbound

logger = logging.getLogger(__name__)


@shared_task(name="whatsapp.outbound_tasks.send_outbound", acks_late=True)
def send_outbound(outbound_id: int) -> str:
    """Send one message to a reporter. Idempotent: a claimed or sent message is skipped."""
    return outbound.outbound_send(outbound_id=outbound_id)


@shared_task(name="whatsapp.outbound_tasks.sweep_outbound", acks_late=True)
def sweep_outbound() -> int:
    """Every minute (beat): send what is due (a retry's time came, the broker lost the task, or
    a worker died holding the claim). The database says what is still to be sent."""
    now = timezone.now()
    due = outbound.due_outbound(now=now)
    # Sends are one after another: stop well before the task's soft time limit, so that no send
    # is cut in the middle (the rest waits for the next sweep, a minute later).
    budget = max(1, settings.CELERY_TASK_SOFT_TIME_LIMIT - 2 * settings.WHATSAPP_SEND_TIMEOUT_SECONDS)
    started, sent = time.monotonic(), 0
    for outbound_id in due:
        if time.monotonic() - started > budget:
            break
        outbound.outbound_send(outbound_id=outbound_id, now=now)
        sent += 1
    return sent
