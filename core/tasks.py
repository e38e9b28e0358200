import socket

from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(name="core.tasks.record_heartbeat")
def record_heartbeat() -> None:
    """Scheduled by beat every minute; /readyz reports how long ago a worker ran it."""
    WorkerHeartbeat.objects.update_or_create(name=socket.gethostname(), defaults={"beat_at": timezone.now()})


@shared_task(name="core.tasks.retention_run", time_limit=3600, soft_time_limit=3300)
def retention_run() -> dict[str, int]:
    """Nightly (beat, "retention"): apply the retention schedule (core.retention.run). Idempotent:
    what is erased is not due any more, so a repeat, or a run after one cut short, does only the
    rest. Returns how many records each eraser erased (-1: it failed, and was logged)."""
    from .retention import run

    return {outcome.eraser.name: -1 if outcome.error else len(outcome.erased) for outcome in run(now=timezone.now())}
