"""Readiness checks. Each of CHECKS answers None when healthy or a short reason when not: a
failure makes /readyz answer 503. Degradations (a stale worker, and what apps register) leave
the site serving but name what has stopped."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max

from balikpapan_kla.celery import app as celery_app

from .models import WorkerHeartbeat
from .ratelimit import last_store_failure


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return type(exc).__name__
    return None


def check_cache() -> str | None:
    token = secrets.token_hex(8)
    try:
        cache.set("readyz:probe", token, 10)
        if cache.get("readyz:probe") != token:
            return "read-back mismatch"
    except Exception as exc:
        return type(exc).__name__
    return None


def check_broker() -> str | None:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            channel = conn.default_channel
            client = getattr(channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()
    except Exception as exc:
        return type(exc).__name__
    return None


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


# --- degraded: the site serves, but something it promises has stopped --------------------------


def worker_degradation(last_beat: datetime | None, *, now: datetime) -> str | None:
    """Why the Celery worker (or beat, which schedules the heartbeat) looks gone, if it does.

    One definition for /readyz and for the apps that warn their users (alerts' staff banner)."""
    if last_beat is None:
        return "worker_never_seen"
    if now - last_beat > timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS):
        return "worker_stale"
    return None


def worker_last_beat() -> datetime | None:
    return WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]


@dataclass(frozen=True)
class Degradation:
    reasons: list[str]  # machine-readable names, e.g. "alerts_pending"; empty when all is well
    details: dict  # JSON-ready figures that explain them


# Filled by apps in AppConfig.ready(): core imports no app, yet /readyz reports on what the apps
# promise (alerts going out). Each check takes `now`, runs only when the database answers, and
# must be cheap: it runs on every probe.
DEGRADATION_CHECKS: dict[str, Callable[..., Degradation]] = {}


def register_degradation_check(name: str, check: Callable[..., Degradation]) -> None:
    DEGRADATION_CHECKS[name] = check


# Kept for as long as a reporter who met the fallback could still be waiting on it.
RATE_LIMIT_STORE_RECENT_SECONDS = 300


def rate_limit_store_degradation(*, now: datetime) -> Degradation:
    """The rate-limit store (the cache Redis) failed lately in this process: reports were still
    taken, counted against limits kept in process memory (core.ratelimit)."""
    failed_at = last_store_failure()
    if failed_at is None:
        return Degradation(reasons=[], details={"store_failed_seconds_ago": None})
    ago = max(0, int(now.timestamp() - failed_at))
    reasons = ["rate_limit_store_failing"] if ago <= RATE_LIMIT_STORE_RECENT_SECONDS else []
    return Degradation(reasons=reasons, details={"store_failed_seconds_ago": ago})


register_degradation_check("rate_limits", rate_limit_store_degradation)
