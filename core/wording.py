"""Words for amounts of time, the same on every page, alert and message."""

from datetime import timedelta

from django.utils.translation import ngettext

DAY = timedelta(days=1)


def duration_in_words(span: timedelta) -> str:
    """Minutes under an hour, hours under two days, then days: rounded down, at least 1 minute.
    A whole number of days is said in days ("1 day", never "24 hours")."""
    minutes = max(int(span.total_seconds()) // 60, 1)
    if minutes < 60:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours < 48 and span % DAY:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = hours // 24
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
