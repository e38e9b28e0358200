"""Rate limits that never store who the client is.

A client is counted under an HMAC of its address with a random salt that lives only in the
cache and is replaced every RATELIMIT_CLIENT_SALT_SECONDS, so the counters cannot be linked
to an address, nor to each other across periods. django-ratelimit does the counting.
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django_ratelimit.core import get_usage

from .clientip import client_ip


def _current_salt() -> str:
    period = int(time.time() // settings.RATELIMIT_CLIENT_SALT_SECONDS)
    key = f"ratelimit:salt:{period}"
    salt = cache.get(key)
    if salt is None:
        cache.add(key, secrets.token_hex(32), timeout=settings.RATELIMIT_CLIENT_SALT_SECONDS * 2)
        salt = cache.get(key)
    return salt


def client_fingerprint(group, request) -> str:
    address = client_ip(request) or ""
    return hmac.new(_current_salt().encode(), address.encode(), hashlib.sha256).hexdigest()


def _everybody(group, request) -> str:
    return "everybody"


def over_limit(request, *, group: str, client_rate: str | None, global_rate: str | None, increment: bool) -> bool:
    """True when this client, or all clients together, went past their rate for `group`.

    With increment=False it only looks (e.g. before checking a receipt code, so that only
    failures are counted afterwards).
    """
    limited = False
    for key, rate in ((client_fingerprint, client_rate), (_everybody, global_rate)):
        if not rate:
            continue
        usage = get_usage(request, group=group, key=key, rate=rate, increment=increment)
        if usage is None:
            continue
        # Counting this request, more than the limit is too many; only looking, the limit
        # reached already means the next one would be.
        if usage["should_limit"] or (not increment and usage["count"] >= usage["limit"]):
            limited = True
    return limited
