import socket

from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(name="core.tasks.record_heartbeat")
def record_heartbeat() -> None:
    """Scheduled by beat every minute; /readyz reports how long ago a worker ran it."""
    WorkerHeartbeat.objects.update_or_create(name=socket.gethostname(), defaults={"beat_at": timezone.now()})
