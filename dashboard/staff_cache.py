"""The KLA dashboard's figures (staff_selectors.dashboard), kept a minute per user, filter and
language: the page is opened and reloaded often, and at a million reports one computation scans a
year of reports several times. When they are older, one request counts them again while the
others get the previous ones."""

import hashlib
import time

from django.core.cache import cache
from django.utils import translation

from accounts.models import User
from areas.models import Kecamatan
from core.periods import Period

from .staff_selectors import Dashboard, dashboard

CACHE_SECONDS = 60  # the page's figures are at most this old (see dashboard_cached)
RECOMPUTE_SECONDS = 60  # one request's claim to count them again
KEEP_STALE_SECONDS = 240  # previous figures kept this long, for the others meanwhile


def dashboard_cache_key(*, user: User, period: Period, kecamatan: Kecamatan | None, not_recorded: str) -> str:
    scope = "|".join(
        [
            period.start.isoformat(),
            period.end.isoformat(),
            str(kecamatan.pk if kecamatan is not None else ""),
            translation.get_language() or "",
            not_recorded,
        ]
    )
    return f"dashboard:staff:{user.pk}:{hashlib.sha256(scope.encode()).hexdigest()[:32]}"


def dashboard_cached(
    *, user: User, period: Period, kecamatan: Kecamatan | None = None, not_recorded: str = "–"
) -> Dashboard:
    """dashboard(), counted again once CACHE_SECONDS old, kept per user (outreach figures follow the
    user's access), period, kecamatan and language: the page is opened and reloaded often, and at a million reports
    one computation scans a year of reports several times. Aggregates only, no identities.

    When the figures are older than that, one request counts them again while the others keep
    getting the previous figures (no pile of identical computations on a two-core server); if that
    request dies, its claim lapses after RECOMPUTE_SECONDS.
    """
    key = dashboard_cache_key(user=user, period=period, kecamatan=kecamatan, not_recorded=not_recorded)
    cached = cache.get(key)
    if cached is not None:
        computed_at, data = cached
        if time.time() - computed_at < CACHE_SECONDS or not cache.add(f"{key}:recompute", 1, RECOMPUTE_SECONDS):
            return data
    try:
        data = dashboard(user=user, period=period, kecamatan=kecamatan, not_recorded=not_recorded)
        cache.set(key, (time.time(), data), CACHE_SECONDS + KEEP_STALE_SECONDS)
    finally:
        if cached is not None:
            cache.delete(f"{key}:recompute")
    return data
