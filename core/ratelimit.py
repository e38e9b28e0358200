"""Rate limits that never store who the client is, and never fail a request when their store does.

A client is counted under an HMAC of its address. The HMAC's salt changes every
RATELIMIT_CLIENT_SALT_SECONDS and is derived from SECRET_KEY, so it is never stored
anywhere: a copy of the cache alone cannot be turned back into addresses (IPv4 is small
enough to try every address against a stored salt), and counters of different periods
cannot be linked.

The counters are django-ratelimit's (same keys, windows and values), but on Redis one check
of a client and the global counter together is a single round trip (one MGET to look, one
Lua script to count) instead of django-ratelimit's two or three per counter; other caches
go through the cache API (add, then incr, which is atomic).

When the store fails (Redis down, unreachable or timing out), counting goes on in this
process's memory for STORE_RETRY_SECONDS, then Redis is tried again: a report, a status check
or a reply never fails because the store is down, and the limits still hold, per process
instead of for the whole site. Each failure is logged (at most once per STORE_RETRY_SECONDS
and process), and last_store_failure() says when this process last met one.
"""

import hashlib
import hmac
import ipaddress
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django_ratelimit import ALL
from django_ratelimit.core import EXPIRATION_FUDGE, _get_window, _make_cache_key, _split_rate
from redis.exceptions import RedisError

from .clientip import client_ip

logger = logging.getLogger(__name__)

STORE_RETRY_SECONDS = 15
_STORE_ERRORS = (RedisError, OSError)
# Counters while the store is down: this process's memory only, keyed like the store's.
_fallback = LocMemCache("core.ratelimit.fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_down_until: dict[str, float] = {}  # store → monotonic time until which the fallback is used
_last_failure: float | None = None


def last_store_failure() -> float | None:
    """When the rate-limit store last failed (a Unix timestamp), or None if it never did in this
    process. Since then, for STORE_RETRY_SECONDS, limits were counted in process memory."""
    return _last_failure


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


@dataclass(frozen=True)
class _Counter:
    key: str  # django-ratelimit's cache key
    period: int
    limit: int
    window_end: int  # Unix time

    def wait(self, now: int) -> int:
        return max(1, self.window_end - now)


def _counter(group: str, request, key, rate: str | None) -> _Counter | None:
    if not rate:
        return None
    limit, period = _split_rate(rate)
    value = key(group, request)
    window_end = _get_window(value, period)
    return _Counter(_make_cache_key(group, window_end, rate, value, ALL), period, limit, window_end)


def _client_and_everybody(
    request, group: str, client_rate: str | None, global_rate: str | None
) -> tuple[_Counter | None, _Counter | None]:
    """The client's counter (None without client_rate) and everybody's (None without global_rate)."""
    return (
        _counter(group, request, client_fingerprint, client_rate),
        _counter(group, request, _everybody, global_rate),
    )


def _counters(request, group: str, client_rate: str | None, global_rate: str | None) -> list[_Counter]:
    """The client's counter (if client_rate) and everybody's (if global_rate), in that order."""
    return [counter for counter in _client_and_everybody(request, group, client_rate, global_rate) if counter]


# Adds ARGV[1] to every key in one go; a key that is new (or somehow lost its expiry) gets one.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
    local count = redis.call('INCRBY', key, ARGV[1])
    if count == tonumber(ARGV[1]) or redis.call('TTL', key) < 0 then
        redis.call('EXPIRE', key, ARGV[i + 1])
    end
    counts[i] = count
end
return counts
"""
_count_script = None


def _redis_counts(cache: RedisCache, counters: Sequence[_Counter], delta: int) -> list[int]:
    """The counts in one round trip: read (delta 0), or changed by delta first, atomically per key."""
    keys = [cache.make_and_validate_key(counter.key) for counter in counters]
    client = cache._cache.get_client(keys[0], write=True)
    if not delta:
        return [int(value) if value is not None else 0 for value in client.mget(keys)]
    global _count_script
    if _count_script is None:
        _count_script = client.register_script(_COUNT_SCRIPT)  # EVALSHA, loading it once if needed
    expiries = [counter.period + EXPIRATION_FUDGE for counter in counters]
    return [int(count) for count in _count_script(keys=keys, args=[delta, *expiries], client=client)]


def _cache_counts(cache, counters: Sequence[_Counter], delta: int) -> list[int]:
    if not delta:
        found = cache.get_many([counter.key for counter in counters])
        return [int(found.get(counter.key, 0)) for counter in counters]
    counts = []
    for counter in counters:
        if delta > 0 and cache.add(counter.key, delta, counter.period + EXPIRATION_FUDGE):
            counts.append(delta)
            continue
        try:
            counts.append(cache.incr(counter.key, delta))
        except ValueError:  # expired meanwhile: count afresh, or nothing is left to give back to
            added = delta > 0 and cache.add(counter.key, delta, counter.period + EXPIRATION_FUDGE)
            counts.append(delta if added else 0)
    return counts


def _counts(counters: Sequence[_Counter], delta: int) -> list[int]:
    """The counters' values, changed by delta first (0: only read), in the store or, while it
    fails, in this process's memory."""
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    store = f"{alias}:{settings.CACHES[alias].get('LOCATION', '')}"
    if time.monotonic() < _down_until.get(store, 0):
        return _cache_counts(_fallback, counters, delta)
    cache = caches[alias]
    try:
        if isinstance(cache, RedisCache):
            return _redis_counts(cache, counters, delta)
        return _cache_counts(cache, counters, delta)
    except _STORE_ERRORS as exc:
        _store_failed(store, alias, exc)
        return _cache_counts(_fallback, counters, delta)


def _store_failed(store: str, alias: str, exc: Exception) -> None:
    global _last_failure
    _last_failure = time.time()
    _down_until[store] = time.monotonic() + STORE_RETRY_SECONDS
    # Not the store's LOCATION: a Redis URL may hold a password.
    logger.error(
        "Rate-limit store (cache %r) failed: %s; counting in process memory for %ss",
        alias,
        type(exc).__name__,
        STORE_RETRY_SECONDS,
    )


def over_limit(request, *, group: str, client_rate: str | None, global_rate: str | None, increment: bool) -> bool:
    """True when this client, or all clients together, went past their rate for `group`.

    With increment=False it only looks (e.g. before storing a report, so that only reports
    that went through are counted afterwards).
    """
    return limit_wait(request, group=group, client_rate=client_rate, global_rate=global_rate, increment=increment) > 0


def limit_wait(request, *, group: str, client_rate: str | None, global_rate: str | None, increment: bool) -> int:
    """over_limit as the seconds until the counters that are full start again (a Retry-After);
    0 when not limited."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return 0
    counters = _counters(request, group, client_rate, global_rate)
    if not counters:
        return 0
    counts = _counts(counters, 1 if increment else 0)
    now = int(time.time())
    # Counting this request, more than the limit is too many; only looking, the limit reached
    # already means the next one would be.
    waits = [
        counter.wait(now)
        for count, counter in zip(counts, counters, strict=True)
        if (count > counter.limit if increment else count >= counter.limit)
    ]
    return max(waits, default=0)


# --- Guesses (receipt codes) -------------------------------------------------------------------


@dataclass(frozen=True)
class GuessTry:
    """One guess, counted before what was guessed is looked at (guess_try).

    allowed False: answer "too many tries" (Retry-After: wait) without looking at the guess.
    allowed True: look; a right guess is given back (guess_right); a wrong one stays counted and
    is answered "not found", or "too many tries" (Retry-After: wait) when wait is not 0.
    """

    allowed: bool
    wait: int
    counters: tuple[_Counter, ...] = field(default=(), repr=False)


def guess_try(request, *, group: str, client_rate: str | None, global_rate: str | None) -> GuessTry:
    """Count a guess before looking at it, so that only wrong guesses use up the limits, and
    neither a flood of wrong guesses nor a reporter's own typos lock out the right code.

    A client may be told "not found" `client_rate` times per window, and then gets one more
    try: the right code after as many typos, or a wrong one answered "too many tries". Beyond
    that it is refused without looking. Once all clients together used up `global_rate` (wrong
    guesses in its window), only a client with no wrong guess in its own window is
    still looked up: a flood from many addresses gets one guess per address, while a reporter
    who has not mistyped still gets in.

    A try is counted (atomically: INCR) before anything is looked up, so a burst of concurrent
    guesses cannot see the same count and get more tries than that; a refused try is given back
    at once. A refusal depends on the counters only, never on the guess, so neither its answer
    nor its timing says anything about the code.
    """
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return GuessTry(allowed=True, wait=0)
    client, everybody = _client_and_everybody(request, group, client_rate, global_rate)
    counters = [counter for counter in (client, everybody) if counter]
    if not counters:
        return GuessTry(allowed=True, wait=0)
    before = {counter: count - 1 for counter, count in zip(counters, _counts(counters, 1), strict=True)}
    now = int(time.time())
    waits = []
    if client and before[client] > client.limit:
        waits.append(client.wait(now))
    new_client = client is not None and before[client] == 0
    if everybody and before[everybody] >= everybody.limit and not new_client:
        waits.append(everybody.wait(now))
    if waits:
        _counts(counters, -1)
        return GuessTry(allowed=False, wait=max(waits))
    last_try = client is not None and before[client] >= client.limit
    return GuessTry(allowed=True, wait=client.wait(now) if last_try else 0, counters=tuple(counters))


def guess_right(attempt: GuessTry) -> None:
    """The guess was right: it does not count against anybody."""
    if attempt.counters:
        _counts(attempt.counters, -1)
