"""Reads for the privacy pages, each in a fixed number of queries whatever the data size. The
lists never load the encrypted free text (access.REQUEST_TEXT_FIELDS, BREACH_TEXT_FIELDS); the
audit list never loads an audit row's details, only who did what to which record and when."""

from datetime import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from core.models import READ_ACTION_SUFFIX, AuditEvent

from .access import BREACH_TEXT_FIELDS, REQUEST_TEXT_FIELDS, breaches_for, requests_for
from .choices import BreachStatus
from .models import Breach, DataSubjectRequest

OPEN = "terbuka"


def request_list(*, user, now: datetime, status: str = "", kind: str = "") -> QuerySet[DataSubjectRequest]:
    """Overdue first, then open by deadline, then closed (newest first); filtered by status
    (a status, or OPEN for every open one) and kind."""
    entries = requests_for(user).defer(*REQUEST_TEXT_FIELDS)
    if status == OPEN:
        entries = entries.open()
    elif status:
        entries = entries.filter(status=status)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.overdue_first(now)


def breach_list(*, user, now: datetime, status: str = "") -> QuerySet[Breach]:
    """Open breaches with a notification missing past their deadline first, then the other open
    ones by deadline, then the closed ones, newest first."""
    missing = Q(notified_subjects_at__isnull=True) | Q(notified_authority_at__isnull=True)
    is_open = Q(status=BreachStatus.OPEN)
    rank = Case(
        When(is_open & missing & Q(notify_due_at__lt=now), then=Value(0)),
        When(is_open, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    entries = breaches_for(user).defer(*BREACH_TEXT_FIELDS)
    if status:
        entries = entries.filter(status=status)
    return entries.annotate(rank=rank).order_by("rank", "notify_due_at", "-pk")


# The apps whose actions the audit list can be filtered by ("<app>.<what happened>").
AUDIT_APPS = ("accounts", "areas", "reports", "triage", "cases", "outreach", "dashboard", "alerts", "privacy")


def audit_list(*, app: str = "", reads_only: bool = False) -> QuerySet[AuditEvent]:
    """The audit trail, newest first: time, action, actor, the record's type and id. Never the
    details column."""
    events = AuditEvent.objects.select_related("actor").only(
        "at",
        "action",
        "target_type",
        "target_id",
        "actor__username",
        "actor__first_name",
        "actor__last_name",
        "actor__role",
    )
    if app:
        events = events.filter(action__startswith=f"{app}.")
    if reads_only:
        events = events.filter(action__endswith=READ_ACTION_SUFFIX)
    return events.order_by("-at", "-pk")
