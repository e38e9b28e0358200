"""The inbound tasks: process one stored WhatsApp message, and the sweep (beat) that retries
what failed or what the broker lost, and files the drafts left unfinished."""

import logging

from celery import shared_task
from django.utils import timezone

from . import conversation, inbound

logger = logging.getLogger(__name__)


@shared_task(name="whatsapp.tasks.process_inbound", acks_late=True)
def process_inbound(inbound_id: int) -> bool:
    """Process one message from WhatsApp. Idempotent: a processed or claimed row is skipped."""
    return inbound.inbound_process(inbound_id)


@shared_task(name="whatsapp.tasks.sweep_inbound", acks_late=True)
def sweep_inbound() -> None:
    """Every minute (beat): messages whose task was lost or failed (with a growing wait,
    inbound.retry_delay), then drafts left for WHATSAPP_DRAFT_HOURS, filed as they are. One
    failing part never holds back the other; the task then fails for all to see."""
    now = timezone.now()
    failures = []
    for step in (inbound.inbound_sweep, conversation.draft_sweep):
        try:
            step(now=now)
        except Exception as error:
            logger.exception("WhatsApp sweep step %s failed", step.__name__)
            failures.append(error)
    if failures:
        raise failures[0]
