"""What an alert says. Only: reference, priority, area, how late, a link into the staff UI.
Never a child's name, the narrative, an address or the reporter's contact (design). An alert about
a privacy register entry (a breach, a data subject's request) says its register reference and its
deadline, never what happened nor who asked."""

from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.capabilities import Capability, user_can
from accounts.models import User

from .models import PRIVACY_KINDS, Alert, AlertKind


@dataclass(frozen=True)
class AlertContent:
    kind: str
    level: int
    title: str
    reference: str
    priority: str
    priority_label: str
    area: str
    late_minutes: int
    late_text: str
    link: str
    due_text: str = ""  # the deadline of a privacy register entry, in words

    def as_payload(self) -> dict:
        return asdict(self)


def _late_text(minutes: int) -> str:
    if minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    if hours:
        return ngettext("%(count)d hour late", "%(count)d hours late", hours) % {"count": hours}
    return ngettext("%(count)d minute late", "%(count)d minutes late", rest) % {"count": rest}


TITLES = {
    AlertKind.NEW_REPORT: lambda: _("New report"),
    AlertKind.ESCALATION_SUPERVISOR: lambda: _("Report not acknowledged in time"),
    AlertKind.ESCALATION_HEAD: lambda: _("Report still not acknowledged"),
    AlertKind.FOLLOW_UP_DUE: lambda: _("Follow-up visit overdue"),
    AlertKind.SERVICE_DUE: lambda: _("Service overdue"),
    AlertKind.STILL_OVERDUE: lambda: _("Still overdue"),
    AlertKind.CASE_INACTIVE: lambda: _("Case without activity"),
    AlertKind.REPORTER_MESSAGE: lambda: _("New message from the reporter"),
    AlertKind.REPORTER_MESSAGE_UNREAD: lambda: _("Message from the reporter still unread"),
    AlertKind.POLICE_DUE: lambda: _("Pass the report to the police soon (UU TPKS Pasal 41)"),
    AlertKind.POLICE_OVERDUE: lambda: _("Not passed to the police in time (UU TPKS Pasal 41)"),
    AlertKind.HEARING_SOON: lambda: _("Court hearing soon"),
    AlertKind.REFERRAL_UNANSWERED: lambda: _("Referral still without the provider's answer"),
    AlertKind.APPROVAL_WAITING: lambda: _("A case plan is waiting for your approval"),
    AlertKind.BREACH_RECORDED: lambda: _("Personal data breach recorded: notify within 3x24 hours (UU PDP Pasal 46)"),
    AlertKind.BREACH_DUE: lambda: _("Breach notification due soon (UU PDP Pasal 46)"),
    AlertKind.BREACH_OVERDUE: lambda: _("Breach not notified in time (UU PDP Pasal 46)"),
    AlertKind.REQUEST_DUE: lambda: _("A data subject's request is due soon"),
    AlertKind.REQUEST_OVERDUE: lambda: _("A data subject's request is overdue"),
    AlertKind.WHATSAPP_FAILED: lambda: _("A WhatsApp message to the reporter could not be delivered"),
    AlertKind.WHATSAPP_STUCK: lambda: _(
        "A WhatsApp message from the reporter could not be processed yet: it is kept and tried again"
    ),
}
# Lateness of a privacy register entry is counted from its deadline.
PRIVACY_LATE_KINDS = {AlertKind.BREACH_OVERDUE, AlertKind.REQUEST_OVERDUE}

# Lateness is counted from the report's acknowledgement deadline: for the escalation ladder only.
LATE_KINDS = {AlertKind.ESCALATION_SUPERVISOR, AlertKind.ESCALATION_HEAD}
# About a reporter's message: they link to the case page when the report is in a case.
REPORTER_KINDS = {
    AlertKind.REPORTER_MESSAGE,
    AlertKind.REPORTER_MESSAGE_UNREAD,
    AlertKind.WHATSAPP_FAILED,
    AlertKind.WHATSAPP_STUCK,
}


# Everything alert_content reads of an alert about a report, or about a case (paths from Alert),
# for a caller that loads only that (services.delivery_send): the report's encrypted columns
# are then never read nor decrypted. A field read below and missing here costs a query per
# alert, which the delivery query-count tests catch.
CONTENT_FIELDS = {
    "report": (
        "kind",
        "level",
        "report",
        "report__uuid",
        "report__received_at",
        "report__priority",
        "report__acknowledge_due_at",
        "report__kelurahan__name",
        "report__kelurahan__kecamatan__name",
        "report__location_kind",
        "case",  # the id, on the alert's own row: whether it is in a case too
    ),
    "case": (
        "kind",
        "level",
        "report",
        "case",
        "case__uuid",
        "case__reference",
        "case__risk_level",
        "case__kelurahan__name",
        "case__kelurahan__kecamatan__name",
    ),
}
# An alert about a report in a case (a reporter's message) links to the case page (alert_link).
CONTENT_FIELDS["report_in_case"] = (*CONTENT_FIELDS["report"], "case__uuid")
# Privacy register entries: their reference (from the id) and deadline, never their encrypted text.
CONTENT_FIELDS["breach"] = ("kind", "level", "report", "case", "breach", "breach__uuid", "breach__notify_due_at")
CONTENT_FIELDS["subject_request"] = (
    "kind",
    "level",
    "report",
    "case",
    "breach",
    "subject_request",
    "subject_request__uuid",
    "subject_request__due_at",
)


def alert_link(alert: Alert, recipient: User | None = None) -> str:
    """A page `recipient` may open about the alert (without a recipient: the page for staff who
    triage). A report's page for those who triage it; the case page for those who read cases
    (the head of agency reads it without identities); otherwise the escalation overview or the
    person's notifications. Every kind for every role that receives it: tests/alerts/test_alert_links.py.
    A privacy register entry links to its page in the register, for those who read the registers."""
    if alert.kind in PRIVACY_KINDS:
        if recipient is not None and not user_can(recipient, Capability.READ_PRIVACY_REGISTERS):
            return reverse("alerts:inbox")
        if alert.breach_id:
            return reverse("privacy:breach", args=[alert.breach.uuid])
        return reverse("privacy:request", args=[alert.subject_request.uuid])
    if recipient is None or user_can(recipient, Capability.TRIAGE):
        if alert.case_id and (alert.kind in REPORTER_KINDS or not alert.report_id):
            # The case page shows the thread, takes the answer and, closed, reopens the case.
            return reverse("cases:detail", args=[alert.case.uuid])
        return reverse("triage:report", args=[alert.report.uuid])
    if alert.case_id and user_can(recipient, Capability.READ_CASES):
        return reverse("cases:detail", args=[alert.case.uuid])
    if user_can(recipient, Capability.SEE_ESCALATIONS):
        return reverse("alerts:overdue")
    return reverse("alerts:inbox")


def _privacy_content(alert: Alert, *, recipient: User | None, now: datetime) -> AlertContent:
    entry = alert.breach if alert.breach_id else alert.subject_request
    due = entry.notify_due_at if alert.breach_id else entry.due_at
    late = int((now - due).total_seconds() // 60) if alert.kind in PRIVACY_LATE_KINDS else 0
    return AlertContent(
        kind=alert.kind,
        level=alert.level,
        title=str(TITLES[alert.kind]()),
        reference=entry.reference,
        priority="",
        priority_label="",
        area="",
        late_minutes=max(late, 0),
        late_text=_late_text(late),
        link=f"{settings.SITE_URL}{alert_link(alert, recipient)}",
        due_text=_("Due %(time)s") % {"time": date_format(timezone.localtime(due), "DATETIME_FORMAT")},
    )


def alert_content(alert: Alert, *, recipient: User | None = None, now: datetime | None = None) -> AlertContent:
    now = now or timezone.now()
    if alert.kind in PRIVACY_KINDS:
        return _privacy_content(alert, recipient=recipient, now=now)
    if alert.report_id:
        report = alert.report
        reference, priority, priority_label = report.reference, report.priority, report.get_priority_display()
        area = report.place_label  # a kelurahan, or the reporter's "don't know / outside / online"
        late = int((now - report.acknowledge_due_at).total_seconds() // 60) if alert.kind in LATE_KINDS else 0
    else:
        case = alert.case
        reference, priority, priority_label = case.reference, case.risk_level, case.get_risk_level_display()
        area = f"{case.kelurahan.name}, {case.kelurahan.kecamatan.name}"
        late = 0
    link = alert_link(alert, recipient)
    return AlertContent(
        kind=alert.kind,
        level=alert.level,
        title=str(TITLES[alert.kind]()),
        reference=reference,
        priority=priority,
        priority_label=str(priority_label),
        area=area,
        late_minutes=max(late, 0),
        late_text=_late_text(late),
        link=f"{settings.SITE_URL}{link}",
    )
