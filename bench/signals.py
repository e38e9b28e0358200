"""When an urgent report's transaction commits (for the alert latency row)."""

import functools
import time

import redis
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from reports.models import Report


@functools.cache
def redis_client():
    return redis.Redis.from_url(settings.REDIS_URL)


@receiver(post_save, sender=Report, dispatch_uid="bench-commit-time")
def record_commit_time(sender, instance, created, **kwargs):
    if not created or not settings.BENCH_RECORD_COMMITS or instance.priority != "darurat":
        return
    reference = instance.reference
    transaction.on_commit(lambda: redis_client().hset("bench:commit", reference, repr(time.time())))
