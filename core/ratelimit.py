"""Rate limits that never store who the client is.

A client is counted under an HMAC of its address. The HMAC's salt changes every
RATELIMIT_CLIENT_SALT_SECONDS and is derived from SECRET_KEY, so it is never stored
anywhere: a copy of the cache alone cannot be turned back into addresses (IPv4 is small
enough to try every address against a stored salt), and counters of different periods
cannot be linked. django-ratelimit does the counting.
"""

import hashlib
import hmac
import ipaddress
import time

from django.conf import settings
from django_ratelimit.core import get_usage

from .clientip import client_ip


def _current_salt() -> bytes:
    period = int(time.time() // settings.RATELIMIT_CLIENT_SALT_SECONDS)
    return hmac.new(settings.SECRET_KEY.encode(), f"ratelimit-salt:{period}".encode(), hashlib.sha256).digest()


def _counted_address(address: str) -> str:
    """IPv6 clients are counted per /64: one household or phone gets a whole /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def client_fingerprint(group, request) -> str:
    address = _counted_address(client_ip(request) or "")
    return hmac.new(_current_salt(), address.encode(), hashlib.sha256).hexdigest()


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
