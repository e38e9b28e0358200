"""Reads for the staff alert pages. Each runs a fixed number of queries whatever the number of
alerts, and none of them loads (so none decrypts) a child's name, a narrative or an address:
what staff are told about an alert is its reference, priority and area only."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from accounts.capabilities import Capability, user_can
from accounts.models import User
from cases.models import Case
from reports.models import Report
from reports.priority import overdue_for_acknowledgement, response_time_passed

from .content import TITLES
from .health import AlertingStatus, alerting_status
from .models import Alert, AlertKind, Channel, Delivery, DeliveryStatus

# What a line about an alert needs of the report or case it is about, and nothing more.
_ABOUT_FIELDS = (
    "alert__kind",
    "alert__level",
    "alert__created_at",
    "alert__report__uuid",
    "alert__report__received_at",
    "alert__report__priority",
    "alert__report__acknowledge_due_at",
    "alert__report__kelurahan__name",
    "alert__report__kelurahan__kecamatan__name",
    "alert__report__location_kind",
    "alert__case__uuid",
    "alert__case__reference",
    "alert__case__risk_level",
    "alert__case__kelurahan__name",
    "alert__case__kelurahan__kecamatan__name",
    # a privacy register entry: its id (the reference), uuid and deadline, never its text
    "alert__breach__uuid",
    "alert__breach__notify_due_at",
    "alert__subject_request__uuid",
    "alert__subject_request__due_at",
)


def _in_app_delivered(user: User) -> QuerySet[Delivery]:
    return Delivery.objects.filter(recipient=user, channel=Channel.IN_APP, status=DeliveryStatus.SENT)


def notification_list(*, user: User) -> QuerySet[Delivery]:
    """The in-app notifications delivered to `user`, newest first, each with its alert and what
    the alert is about in the same query."""
    return (
        _in_app_delivered(user)
        .select_related(
            "alert__report__kelurahan__kecamatan",
            "alert__case__kelurahan__kecamatan",
            "alert__breach",
            "alert__subject_request",
        )
        .only("created_at", "sent_at", "read_at", *_ABOUT_FIELDS)
        .order_by("-created_at", "-pk")
    )


def staff_alert_status(*, user: User, now: datetime) -> AlertingStatus:
    """Whether alerts are going out, and in `also_counted` the person's unread in-app
    notifications (0 for an administrator, who receives none): one query for both."""
    receives = user_can(user, Capability.RECEIVE_ALERTS)
    unread = _in_app_delivered(user).filter(read_at__isnull=True) if receives else None
    return alerting_status(now=now, also_count=unread)


# --- the alerts about one report or case ---------------------------------------------------------


def _deliveries_with_state() -> Prefetch:
    """An alert's deliveries with what `Delivery.state` and the pages show of each (who, which
    channel, when sent, attempts, next try, the last error, which names no one), by recipient."""
    deliveries = Delivery.objects.select_related("recipient").only(
        "alert_id",
        "channel",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "last_error",
        "recipient__username",
        "recipient__first_name",
        "recipient__last_name",
    )
    return Prefetch("deliveries", queryset=deliveries.order_by("recipient__username", "channel", "pk"))


@dataclass(frozen=True)
class HistoryEntry:
    alert: Alert  # with `deliveries` and their recipients prefetched
    title: str


@dataclass(frozen=True)
class AlertHistory:
    entries: list[HistoryEntry]  # newest first
    is_report: bool
    acknowledged_at: datetime | None = None
    acknowledged_by: User | None = None


def alert_history(*, report: Report | None = None, case: Case | None = None) -> AlertHistory:
    """Every alert raised about `report` or `case`, with each delivery: two queries at most (the
    report's acknowledger is the one the report page already shows, loaded once)."""
    if (report is None) == (case is None):
        raise ValueError("alert_history needs exactly one of report or case")
    alerts = Alert.objects.filter(report=report) if report is not None else Alert.objects.filter(case=case)
    entries = [
        HistoryEntry(alert=alert, title=str(TITLES[alert.kind]()))
        for alert in alerts.order_by("-created_at", "-pk").prefetch_related(_deliveries_with_state())
    ]
    if report is None:
        return AlertHistory(entries=entries, is_report=False)
    return AlertHistory(
        entries=entries,
        is_report=True,
        acknowledged_at=report.acknowledged_at,
        acknowledged_by=report.acknowledged_by if report.acknowledged_by_id else None,
    )


# --- reports overdue on the escalation ladder -----------------------------------------------------

LEVELS = (1, 2, 3)
# The alert each step of the ladder raises (alerts.services: report_alert_new, LADDER).
LEVEL_KINDS = {1: AlertKind.NEW_REPORT, 2: AlertKind.ESCALATION_SUPERVISOR, 3: AlertKind.ESCALATION_HEAD}


@dataclass(frozen=True)
class OverdueReport:
    report: Report
    level: int
    late: timedelta
    alert: Alert | None  # the one its level raised, with its deliveries; None if not raised (yet)


def _place_on_ladder(report: Report, now: datetime) -> OverdueReport:
    hours = settings.REPORT_RESPONSE_HOURS[report.priority]
    waited = now - report.received_at
    supervisor_time = report.received_at + timedelta(hours=hours["supervisor"])
    if waited >= timedelta(hours=hours["head"]):
        level = 3
    elif waited >= timedelta(hours=hours["supervisor"]):
        level = 2
    else:
        level = 1
    # Late since the first deadline it missed: the acknowledgement deadline, unless a longer
    # one was configured (DARURAT_ACK_HOURS...) and the supervisor's time came first.
    return OverdueReport(
        report=report,
        level=level,
        late=now - min(report.acknowledge_due_at, supervisor_time),
        alert=next((alert for alert in report.ladder_alerts if alert.kind == LEVEL_KINDS[level]), None),
    )


def overdue_reports(*, now: datetime) -> dict[int, list[OverdueReport]]:
    """Reports nobody has acknowledged in time, by the step of the ladder they have reached,
    each in its highest one (1: past the acknowledgement deadline; 2: past the supervisor's
    time; 3: past the head's), the longest waiting first, each with the alert of its step and
    that alert's deliveries. Three queries for all three levels: reports, alerts, deliveries."""
    alerts = Alert.objects.filter(kind__in=LEVEL_KINDS.values()).only("report_id", "kind", "level", "created_at")
    reports = (
        Report.objects.unacknowledged()
        .filter(
            overdue_for_acknowledgement(now)
            | response_time_passed("supervisor", now)
            | response_time_passed("head", now)
        )
        .select_related("kelurahan")
        .only("uuid", "received_at", "priority", "acknowledge_due_at", "kelurahan__name")
        .prefetch_related(
            Prefetch("alerts", queryset=alerts.prefetch_related(_deliveries_with_state()), to_attr="ladder_alerts")
        )
        .order_by("received_at", "pk")
    )
    levels: dict[int, list[OverdueReport]] = {level: [] for level in LEVELS}
    for report in reports:
        overdue = _place_on_ladder(report, now)
        levels[overdue.level].append(overdue)
    return levels
