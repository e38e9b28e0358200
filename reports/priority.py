"""The one place where a report's priority and deadlines are decided (design: "Priority and
response times"). The hours are settings (REPORT_RESPONSE_HOURS)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .choices import SEXUAL_VIOLENCE_TYPES, Priority, ViolenceType, YesNoUnknown

HIGH_RISK_TYPES = SEXUAL_VIOLENCE_TYPES | {ViolenceType.TRAFFICKING, ViolenceType.EKSPLOITASI}
YOUNG_CHILD_AGE = 6


@dataclass(frozen=True)
class PriorityDecision:
    priority: Priority
    reasons: tuple[str, ...]


def assess_priority(
    *,
    danger_now: str,
    injured: str,
    violence_types: set[str],
    occurred_on: date | None,
    ongoing: bool,
    perpetrator_lives_with_child: str,
    child_age: int | None,
    now: datetime,
) -> PriorityDecision:
    urgent = []
    if danger_now == YesNoUnknown.YES:
        urgent.append("danger_now")
    if injured == YesNoUnknown.YES:
        urgent.append("injured")
    if ViolenceType.SEKSUAL in violence_types and (forensic := _forensic_reason(occurred_on, ongoing, now)):
        urgent.append(forensic)
    if urgent:
        return PriorityDecision(Priority.DARURAT, tuple(urgent))

    high = [f"type_{kind}" for kind in sorted(HIGH_RISK_TYPES & violence_types)]
    if perpetrator_lives_with_child == YesNoUnknown.YES:
        high.append("perpetrator_lives_with_child")
    if child_age is not None and child_age < YOUNG_CHILD_AGE:
        high.append("child_under_6")
    if high:
        return PriorityDecision(Priority.TINGGI, tuple(high))
    return PriorityDecision(Priority.BIASA, ())


def _forensic_reason(occurred_on: date | None, ongoing: bool, now: datetime) -> str | None:
    """Why sexual violence is inside the forensic window, in words that stay true: it is still
    going on (with or without a date), or the date given is within the window; else None."""
    if ongoing:
        return "sexual_ongoing"
    if occurred_on is None:
        return None
    # A date has no hour: count it as inside if any moment of that day could be.
    earliest = timezone.localtime(now - timedelta(hours=settings.REPORT_FORENSIC_WINDOW_HOURS)).date()
    return "sexual_within_forensic_window" if occurred_on >= earliest else None


def response_hours(priority: str, step: str) -> int:
    return settings.REPORT_RESPONSE_HOURS[priority][step]


def acknowledge_deadline(priority: str, received_at: datetime) -> datetime:
    return received_at + timedelta(hours=response_hours(priority, "acknowledge"))


def response_time_passed(step: str, now: datetime, *, since: str = "received_at", report: str = "") -> Q:
    """Reports received longer ago than `step`'s hours for their priority ("acknowledge",
    "supervisor" or "head"; REPORT_RESPONSE_HOURS): the escalation ladder's rungs. `since` names
    the moment counted from and `report` the path to the report ("report__" from a message)."""
    passed = Q()
    for priority in Priority.values:
        cutoff = now - timedelta(hours=response_hours(priority, step))
        passed |= Q(**{f"{report}priority": priority, f"{since}__lte": cutoff})
    return passed


def overdue_for_acknowledgement(now: datetime) -> Q:
    """Not acknowledged, and its acknowledgement deadline has passed: "overdue" in the inbox,
    the API, the dashboard and the escalation overview."""
    return Q(acknowledged_at__isnull=True, acknowledge_due_at__lt=now)
