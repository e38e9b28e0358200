"""Readiness checks: each answers None when healthy or a short reason when not."""

import secrets

from django.core.cache import cache
from django.db import connection

from balikpapan_kla.celery import app as celery_app


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
