"""A period of local dates, both ends included: what the dashboard, the outreach pages and the
exports filter by (and the rules a form applies to one, core.widgets.PeriodRules)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """Local (Asia/Makassar) dates, both ends included."""

    start: date
    end: date

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        month, last = self.start.replace(day=1), self.end.replace(day=1)
        months = []
        while month <= last:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    def received_range(self) -> tuple[datetime, datetime]:
        """The same days as aware datetimes [start, end), for timestamps such as Report.received_at."""
        zone = timezone.get_default_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


def last_twelve_months(*, today: date) -> Period:
    """From the day after the same date a year ago up to today."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return Period(start=year_ago + timedelta(days=1), end=today)


def twelve_calendar_months(*, today: date) -> Period:
    """This month (up to today) and the eleven whole months before it: twelve bars on a monthly
    chart. Named for what it is ("this month and the 11 before it"), never "the last 12 months",
    which would start a year ago today."""
    start = today.replace(day=1)
    for _month in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return Period(start=start, end=today)
