"""Rate limits that never store who the client is.

A client is counted under an HMAC of its address. The HMAC's salt changes every
RATELIMIT_CLIENT_SALT_SECONDS and is derived from SECRET_KEY, so it is never stored
anywhere: a copy of the cache alone cannot be turned back into addresses (IPv4 is small
enough to try every address against a stored salt), and counters of different periods
cannot be linked.

The counters are django-ratelimit's (same keys, windows and values), but on Redis one check
of a client and the global counter together is a single round trip (one MGET to look, one
Lua script to count) instead of django-ratelimit's two or three per counter; other caches
(tests without Redis) go through django-ratelimit itself.
"""

import hashlib
import hmac
import ipaddress
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django_ratelimit import ALL
from django_ratelimit.core import EXPIRATION_FUDGE, _get_window, _make_cache_key, _split_rate, get_usage

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


# Counts every key in one go; a key that is new (or somehow lost its expiry) gets one.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
    local count = redis.call('INCR', key)
    if count == 1 or redis.call('TTL', key) < 0 then
        redis.call('EXPIRE', key, ARGV[i])
    end
    counts[i] = count
end
return counts
"""
_count_script = None


def _redis_counts(cache: RedisCache, counters: list[tuple[str, int]], increment: bool) -> list[int]:
    """The counts of (cache key, period) pairs in one round trip; incremented first if asked."""
    keys = [cache.make_and_validate_key(key) for key, _period in counters]
    client = cache._cache.get_client(keys[0], write=True)
    if not increment:
        return [int(value) if value is not None else 0 for value in client.mget(keys)]
    global _count_script
    if _count_script is None:
        _count_script = client.register_script(_COUNT_SCRIPT)  # EVALSHA, loading it once if needed
    expiries = [period + EXPIRATION_FUDGE for _key, period in counters]
    return [int(count) for count in _count_script(keys=keys, args=expiries, client=client)]


def over_limit(request, *, group: str, client_rate: str | None, global_rate: str | None, increment: bool) -> bool:
    """True when this client, or all clients together, went past their rate for `group`.

    With increment=False it only looks (e.g. before checking a receipt code, so that only
    failures are counted afterwards).
    """
    return limit_wait(request, group=group, client_rate=client_rate, global_rate=global_rate, increment=increment) > 0


def limit_wait(request, *, group: str, client_rate: str | None, global_rate: str | None, increment: bool) -> int:
    """over_limit as the seconds until the counters that are full start again (a Retry-After);
    0 when not limited."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return 0
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if not isinstance(cache, RedisCache):
        return _wait_one_by_one(
            request, group=group, client_rate=client_rate, global_rate=global_rate, increment=increment
        )
    counters = []  # (cache key, period, limit, window end)
    for key, rate in ((client_fingerprint, client_rate), (_everybody, global_rate)):
        if not rate:
            continue
        limit, period = _split_rate(rate)
        value = key(group, request)
        window = _get_window(value, period)
        counters.append((_make_cache_key(group, window, rate, value, ALL), period, limit, window))
    if not counters:
        return 0
    counts = _redis_counts(cache, [(key, period) for key, period, _limit, _window in counters], increment)
    now = int(time.time())
    # Counting this request, more than the limit is too many; only looking, the limit reached
    # already means the next one would be.
    waits = [
        max(1, window - now)
        for count, (_key, _period, limit, window) in zip(counts, counters, strict=True)
        if (count > limit if increment else count >= limit)
    ]
    return max(waits, default=0)


def _wait_one_by_one(request, *, group, client_rate, global_rate, increment) -> int:
    wait = 0
    for key, rate in ((client_fingerprint, client_rate), (_everybody, global_rate)):
        if not rate:
            continue
        usage = get_usage(request, group=group, key=key, rate=rate, increment=increment)
        if usage is None:
            continue
        if usage["should_limit"] or (not increment and usage["count"] >= usage["limit"]):
            wait = max(wait, usage["time_left"], 1)
    return wait
