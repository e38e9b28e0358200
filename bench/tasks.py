import time

from celery import shared_task

from .signals import redis_client


@shared_task(name="bench.tasks.noop", acks_late=True)
def noop(token: str) -> None:
    """The bare Celery round trip: records when it ran, nothing else."""
    redis_client().hset("bench:noop", token, repr(time.time()))
