import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django.utils import timezone, translation

from accounts.capabilities import Capability, holders, roles_with, user_can
from accounts.models import User
from cases.choices import CaseStatus
from cases.models import Case, CaseReport, CaseService, CourtHearing, LegalRecord
from cases.referral_selectors import referrals_unanswered
from core.models import AuditEvent
from privacy.models import Breach, DataSubjectRequest
from reports.choices import AuthorKind, Priority
from reports.models import PublicStatus, Report, ReportMessage
from triage.threads import left_unread

from . import channels
from .content import CONTENT_FIELDS, alert_content
from .models import Alert, AlertKind, Channel, Delivery, DeliveryStatus, NotificationPreference

logger = logging.getLogger(__name__)


# --- who is told ----------------------------------------------------------------------------------


def _active(capability: Capability) -> list[User]:
    # With their preferences: raising an alert for them needs no further query.
    return list(holders(capability).select_related("notification_preference").order_by("pk"))


def new_report_recipients(report: Report) -> list[User]:
    """Officers on duty (or supervisors when nobody is); supervisors too when it is urgent.

    The officers on duty come first: deliver_alert sends in this order. One query finds both
    groups, with their preferences."""
    staff = list(
        User.objects.filter(
            Q(role__in=roles_with(Capability.GO_ON_DUTY), notification_preference__on_duty=True)
            | Q(role__in=roles_with(Capability.ESCALATION_LEVEL_2)),
            is_active=True,
        )
        .select_related("notification_preference")
        .order_by("pk")
    )
    on_duty = [user for user in staff if user_can(user, Capability.GO_ON_DUTY)]
    supervisors = [user for user in staff if user_can(user, Capability.ESCALATION_LEVEL_2)]
    recipients = on_duty or supervisors
    if report.priority == Priority.DARURAT:
        recipients += [user for user in supervisors if user not in recipients]
    return recipients


def _officers_of(case: Case | None) -> list[User]:
    """The case's officers who still receive alerts (a switched-off account is no one)."""
    if case is None:
        return []
    return [user for user in _officers(case) if user_can(user, Capability.RECEIVE_ALERTS)]


def reporter_message_recipients(report: Report, case: Case | None) -> list[User]:
    """The case's officers; with no case, the officers on duty (or supervisors when nobody is);
    in a case without an officer who receives alerts, the supervisors, who can open it. And
    the supervisors too when the case, or the report, is closed: nobody works on it any more."""
    officers = _officers_of(case)
    closed = _closed(report, case)
    # The supervisors are read only when they are told: not for a message an officer answers.
    supervisors = _active(Capability.ESCALATION_LEVEL_2) if closed or not officers else []
    if officers:
        recipients = officers
    elif case is None:
        recipients = [user for user in new_report_recipients(report) if user_can(user, Capability.GO_ON_DUTY)]
        recipients = recipients or supervisors
    else:
        recipients = supervisors
    if closed:
        recipients = recipients + [user for user in supervisors if user not in recipients]
    return recipients


def _closed(report: Report, case: Case | None) -> bool:
    if case is not None:
        return case.status == CaseStatus.CLOSED
    return report.public_status == PublicStatus.CLOSED


def _channels_of(users: Iterable[User]) -> dict[int, list[str]]:
    """Channels per user; preferences fetched with the users (select_related) cost no query."""
    users = list(users)
    cached = User.notification_preference.is_cached
    preferences = {user.pk: getattr(user, "notification_preference", None) for user in users if cached(user)}
    unknown = [user for user in users if user.pk not in preferences]
    if unknown:
        preferences.update({p.user_id: p for p in NotificationPreference.objects.filter(user__in=unknown)})
    default = NotificationPreference()
    return {user.pk: (preferences.get(user.pk) or default).channels() for user in users}


_ABOUT = ("report", "case", "breach", "subject_request")


def _alert_insert(*, key: str, kind: str, level: int, about: dict) -> Alert | None:
    """INSERT ... ON CONFLICT DO NOTHING: the new alert, or None when the key exists already.
    One statement where get_or_create takes a SELECT, a savepoint, an INSERT and a release.
    `about` names what the alert is about (_ABOUT: the record or None)."""
    meta = Alert._meta
    columns = [meta.get_field(name).column for name in ("key", "kind", "level", *_ABOUT, "created_at")]
    now = timezone.now()
    values = [key, kind, level, *(about[name].pk if about[name] else None for name in _ABOUT), now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "  # noqa: S608 (names from the model)
            f"({', '.join(connection.ops.quote_name(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(values))}) "
            f"ON CONFLICT ({connection.ops.quote_name(meta.get_field('key').column)}) DO NOTHING "
            f"RETURNING {connection.ops.quote_name(meta.pk.column)}",
            values,
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Alert(pk=row[0], key=key, kind=kind, level=level, created_at=now, **about)


# --- raising alerts ----------------------------------------------------------------------------------


def alert_raise(
    *,
    key: str,
    kind: str,
    level: int,
    recipients: Iterable[User],
    report=None,
    case=None,
    breach=None,
    subject_request=None,
) -> Alert | None:
    """Record an alert and one pending delivery per person and channel, in the caller's
    transaction. Raising the same key again does nothing: each event fires once. The
    sending is enqueued after commit; if the broker is down, the sweep sends it later."""
    recipients = list({user.pk: user for user in recipients}.values())
    if not recipients:
        # Nobody to tell (e.g. no active head of agency yet): raise nothing, so that the next
        # sweep tries again once someone holds the role.
        logger.warning("alerts: nobody to receive %s", key)
        return None
    about = {"report": report, "case": case, "breach": breach, "subject_request": subject_request}
    alert = _alert_insert(key=key, kind=kind, level=level, about=about)
    if alert is None:
        return None
    wanted = _channels_of(recipients)
    Delivery.objects.bulk_create(
        [Delivery(alert=alert, recipient=user, channel=channel) for user in recipients for channel in wanted[user.pk]],
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: _enqueue(alert.pk))
    return alert


def _enqueue(alert_id: int) -> None:
    from .tasks import deliver_alert

    try:
        deliver_alert.delay(alert_id)
    except Exception:  # the broker is down: the database keeps the deliveries, the sweep sends them
        logger.warning("alerts: could not enqueue alert %s; the periodic sweep will send it", alert_id)


def report_alert_new(report: Report) -> Alert | None:
    return alert_raise(
        key=f"report:{report.pk}:new",
        kind=AlertKind.NEW_REPORT,
        level=1,
        recipients=new_report_recipients(report),
        report=report,
    )


def report_case(report: Report) -> Case | None:
    """The case a report is in, with its officers (who are told of its messages), or None."""
    link = (
        CaseReport.objects.select_related("case__assigned_officer__notification_preference")
        .select_related("case__second_officer__notification_preference")
        .filter(report=report)
        .first()
    )
    return link.case if link else None


def reporter_message_alert(message: ReportMessage) -> Alert | None:
    """A reporter wrote: tell whoever should answer (reporter_message_recipients), once per
    message. Raised in report_message_add's transaction."""
    report = message.report
    case = report_case(report)
    return alert_raise(
        key=f"message:{message.pk}",
        kind=AlertKind.REPORTER_MESSAGE,
        level=1,
        recipients=reporter_message_recipients(report, case),
        report=report,
        case=case,
    )


# --- the escalation ladder and case reminders (beat, every minute) -----------------------------------


LADDER = (
    (2, "supervisor", AlertKind.ESCALATION_SUPERVISOR, Capability.ESCALATION_LEVEL_2),
    (3, "head", AlertKind.ESCALATION_HEAD, Capability.ESCALATION_LEVEL_3),
)


def escalation_sweep(*, now: datetime) -> int:
    """Raise level 2 and level 3 for reports nobody acknowledged in time. Each level once."""
    raised = 0
    for level, step, kind, capability in LADDER:
        reports = (
            Report.objects.unacknowledged()
            .past(step, now)
            .exclude(Exists(Alert.objects.filter(report=OuterRef("pk"), kind=kind)))
            .select_related("kelurahan")
        )
        recipients = _active(capability)
        for report in reports.iterator(chunk_size=500):
            with transaction.atomic():
                if alert_raise(
                    key=f"report:{report.pk}:level{level}", kind=kind, level=level, recipients=recipients, report=report
                ):
                    raised += 1
    return raised


def unread_message_sweep(*, now: datetime) -> int:
    """Reporter messages nobody has read within their report's acknowledgement window
    (REPORT_RESPONSE_HOURS) go to the supervisors, once per message. Read means a staff
    member opened the thread after it came (triage.threads.left_unread, which also makes them
    unread for the supervisors)."""
    message_key = Concat(Value("message:"), Cast("pk", CharField()))
    unread = (
        ReportMessage.objects.filter(author_kind=AuthorKind.REPORTER)
        .filter(left_unread(now))
        .annotate(alert_key=message_key, escalation_key=Concat(message_key, Value(":supervisor")))
        # Only messages that were alerted: those from before this alert existed are not escalated
        # all at once.
        .filter(Exists(Alert.objects.filter(key=OuterRef("alert_key"))))
        .exclude(Exists(Alert.objects.filter(key=OuterRef("escalation_key"))))
        # The case comes with the message (a LEFT JOIN): no query per message in this sweep,
        # which runs every minute. Its officers are not needed: the supervisors are told.
        .select_related("report__kelurahan", "report__case_link__case")
        .order_by("pk")
    )
    supervisors = _active(Capability.ESCALATION_LEVEL_2)
    raised = 0
    for message in unread.iterator(chunk_size=500):
        link = getattr(message.report, "case_link", None)
        with transaction.atomic():
            alert = alert_raise(
                key=message.escalation_key,
                kind=AlertKind.REPORTER_MESSAGE_UNREAD,
                level=2,
                recipients=supervisors,
                report=message.report,
                case=link.case if link else None,
            )
            raised += alert is not None
    return raised


def _officers(case: Case) -> list[User]:
    return [user for user in (case.assigned_officer, case.second_officer) if user is not None]


def reminder_sweep(*, now: datetime) -> int:
    """Overdue follow-ups and services remind the officer, and the supervisor if still overdue
    REMINDER_SUPERVISOR_AFTER_DAYS later; a case without activity is flagged to supervisors; a
    referral without the provider's answer after REFERRAL_ANSWER_DAYS reminds the officers."""
    today = timezone.localdate(now)
    late_for_supervisor = today - timedelta(days=settings.REMINDER_SUPERVISOR_AFTER_DAYS)
    supervisors = _active(Capability.ESCALATION_LEVEL_2)
    # Gathered first and raised after: an item stays overdue for days and the sweep runs every
    # minute, so the keys already raised are found in one query instead of one per item.
    candidates: list[tuple[str, str, list[User], Case]] = []

    def _raise(key, kind, recipients, case):
        candidates.append((key, kind, recipients, case))

    cases = Case.objects.select_related("assigned_officer", "second_officer", "kelurahan")
    for case in cases.follow_up_overdue(today):
        due = case.next_follow_up
        _raise(f"case:{case.pk}:follow_up:{due}", AlertKind.FOLLOW_UP_DUE, _officers(case), case)
        if due < late_for_supervisor:
            _raise(f"case:{case.pk}:follow_up:{due}:supervisor", AlertKind.STILL_OVERDUE, supervisors, case)
    late_services = CaseService.objects.overdue(today).select_related(
        "case__assigned_officer", "case__second_officer", "case__kelurahan"
    )
    for service in late_services:
        _raise(f"service:{service.uuid}:due", AlertKind.SERVICE_DUE, _officers(service.case), service.case)
        if service.planned_on < late_for_supervisor:
            _raise(f"service:{service.uuid}:due:supervisor", AlertKind.STILL_OVERDUE, supervisors, service.case)
    # A referral the provider has not answered: the officers chase it, once per referral.
    for referral in referrals_unanswered(today).select_related(
        "case__assigned_officer", "case__second_officer", "case__kelurahan"
    ):
        _raise(
            f"referral:{referral.uuid}:unanswered",
            AlertKind.REFERRAL_UNANSWERED,
            _officers(referral.case),
            referral.case,
        )
    quiet_since = now - timedelta(days=settings.CASE_INACTIVE_DAYS)
    # Activity is every change the audit trail records on the case (a visit, a service, a note),
    # not only edits of the case row itself, which those never touch; reading is not activity.
    last_change = (
        AuditEvent.objects.changes()
        .filter(target_type=Case._meta.label_lower, target_id=Cast(OuterRef("pk"), CharField()))
        .order_by("-at")
        .values("at")[:1]
    )
    last_activity = Greatest("updated_at", Coalesce(Subquery(last_change), "updated_at"))
    for case in cases.open().annotate(last_activity=last_activity).filter(last_activity__lt=quiet_since):
        # One flag per quiet spell: the key names the last change it is about.
        _raise(f"case:{case.pk}:inactive:{case.last_activity:%Y%m%d%H%M}", AlertKind.CASE_INACTIVE, supervisors, case)

    raised_before = set()
    keys = [key for key, *_rest in candidates]
    for start in range(0, len(keys), 1000):
        raised_before.update(Alert.objects.filter(key__in=keys[start : start + 1000]).values_list("key", flat=True))
    raised = 0
    for key, kind, recipients, case in candidates:
        if key in raised_before:
            continue
        with transaction.atomic():
            if alert_raise(key=key, kind=kind, level=1, recipients=recipients, case=case):
                raised += 1
    return raised


def legal_sweep(*, now: datetime) -> int:
    """UU TPKS Pasal 41 and the courts: a sexual-violence case not yet passed to the police (nor a
    reason recorded) reminds its officers when fewer than TPKS_POLICE_REMIND_HOURS are left
    (POLICE_DUE), and reaches the supervisors once the deadline has passed (POLICE_OVERDUE); a
    court hearing within HEARING_REMIND_DAYS reminds the officers (HEARING_SOON). Once each:
    the key names the deadline or the hearing. Reads only records still waiting (a partial index)."""
    candidates: list[tuple[str, str, int, list[User], Case]] = []
    supervisors: list[User] | None = None
    waiting = (
        LegalRecord.objects.filter(
            police_referred_at__isnull=True,
            police_waived_at__isnull=True,
            police_due_at__lte=now + timedelta(hours=settings.TPKS_POLICE_REMIND_HOURS),
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case__assigned_officer", "case__second_officer", "case__kelurahan")
    )
    for record in waiting:
        case, due = record.case, f"{record.police_due_at:%Y%m%d%H%M}"
        officers = _officers_of(case)
        if record.police_due_at > now:
            candidates.append((f"case:{case.pk}:police:{due}", AlertKind.POLICE_DUE, 1, officers, case))
            continue
        supervisors = _active(Capability.ESCALATION_LEVEL_2) if supervisors is None else supervisors
        candidates.append((f"case:{case.pk}:police:{due}", AlertKind.POLICE_DUE, 1, officers or supervisors, case))
        candidates.append((f"case:{case.pk}:police:{due}:supervisor", AlertKind.POLICE_OVERDUE, 2, supervisors, case))
    hearings = CourtHearing.objects.filter(
        held_at__gt=now, held_at__lte=now + timedelta(days=settings.HEARING_REMIND_DAYS)
    ).select_related("case__assigned_officer", "case__second_officer", "case__kelurahan")
    for hearing in hearings:
        key = f"hearing:{hearing.pk}:{hearing.held_at:%Y%m%d%H%M}"
        candidates.append((key, AlertKind.HEARING_SOON, 1, _officers_of(hearing.case), hearing.case))
    raised_before = set(Alert.objects.filter(key__in=[key for key, *_rest in candidates]).values_list("key", flat=True))
    raised = 0
    for key, kind, level, recipients, case in candidates:
        if key in raised_before:
            continue
        with transaction.atomic():
            raised += alert_raise(key=key, kind=kind, level=level, recipients=recipients, case=case) is not None
    return raised


# --- UU 27/2022 PDP: breaches and data subjects' requests (privacy) ------------------------------------


def breach_alert_recorded(breach: Breach) -> Alert | None:
    """A breach was recorded: the DPO(s) and the head of agency (READ_PRIVACY_REGISTERS) are told at
    once. Raised in privacy.services.breach_record's transaction."""
    return alert_raise(
        key=f"breach:{breach.pk}:recorded",
        kind=AlertKind.BREACH_RECORDED,
        level=1,
        recipients=_active(Capability.READ_PRIVACY_REGISTERS),
        breach=breach,
    )


def privacy_sweep(*, now: datetime) -> int:
    """UU PDP deadlines. An open breach whose data subjects or authority are not yet told reminds
    the DPO (MANAGE_PRIVACY_REGISTERS) when fewer than PRIVACY_BREACH_REMIND_HOURS are left
    (BREACH_DUE), and reaches the DPO and the head of agency (READ_PRIVACY_REGISTERS) once
    notify_due_at has passed (BREACH_OVERDUE). An open data subject's request reminds the DPO when
    fewer than PRIVACY_REQUEST_REMIND_HOURS are left (REQUEST_DUE) and reaches both once overdue
    (REQUEST_OVERDUE). Once each: the key names the deadline. Reads only entries near or past
    their deadline."""
    candidates: list[tuple[str, str, int, Capability, dict]] = []
    breaches = Breach.objects.notification_missing().filter(
        notify_due_at__lte=now + timedelta(hours=settings.PRIVACY_BREACH_REMIND_HOURS)
    )
    for breach in breaches.only("pk", "notify_due_at"):
        key = f"breach:{breach.pk}:notify:{breach.notify_due_at:%Y%m%d%H%M}"
        if breach.notify_due_at > now:
            candidates.append((key, AlertKind.BREACH_DUE, 1, Capability.MANAGE_PRIVACY_REGISTERS, {"breach": breach}))
        else:
            about = {"breach": breach}
            candidates.append((f"{key}:late", AlertKind.BREACH_OVERDUE, 2, Capability.READ_PRIVACY_REGISTERS, about))
    requests = DataSubjectRequest.objects.open().filter(
        due_at__lte=now + timedelta(hours=settings.PRIVACY_REQUEST_REMIND_HOURS)
    )
    for subject_request in requests.only("pk", "due_at"):
        key, about = (
            f"subject_request:{subject_request.pk}:{subject_request.due_at:%Y%m%d%H%M}",
            {"subject_request": subject_request},
        )
        if subject_request.due_at > now:
            candidates.append((key, AlertKind.REQUEST_DUE, 1, Capability.MANAGE_PRIVACY_REGISTERS, about))
        else:
            candidates.append((f"{key}:late", AlertKind.REQUEST_OVERDUE, 2, Capability.READ_PRIVACY_REGISTERS, about))
    raised_before = set(Alert.objects.filter(key__in=[key for key, *_rest in candidates]).values_list("key", flat=True))
    recipients: dict[Capability, list[User]] = {}
    raised = 0
    for key, kind, level, capability, about in candidates:
        if key in raised_before:
            continue
        if capability not in recipients:
            recipients[capability] = _active(capability)
        with transaction.atomic():
            raised += (
                alert_raise(key=key, kind=kind, level=level, recipients=recipients[capability], **about) is not None
            )
    return raised


# --- sending ------------------------------------------------------------------------------------------


# Raw SQL for RETURNING, which the ORM's update() lacks: the claim also tells the channel and
# what the alert is about, sparing a query. The condition is due_deliveries'; the columns are
# the models' (Django's default names).
_CLAIM = """
UPDATE {delivery} AS delivery SET
    claimed_at = %(now)s,
    status = CASE WHEN delivery.channel = %(in_app)s THEN %(sent)s ELSE %(sending)s END,
    sent_at = CASE WHEN delivery.channel = %(in_app)s THEN %(sent_at)s ELSE delivery.sent_at END,
    attempts = delivery.attempts + CASE WHEN delivery.channel = %(in_app)s THEN 1 ELSE 0 END,
    last_error = CASE WHEN delivery.channel = %(in_app)s THEN '' ELSE delivery.last_error END
FROM {alert} AS alert
WHERE delivery.id = %(pk)s AND alert.id = delivery.alert_id AND (
    (delivery.status = %(pending)s AND (delivery.next_attempt_at IS NULL OR delivery.next_attempt_at <= %(now)s))
    OR (delivery.status = %(sending)s AND delivery.claimed_at < %(stale_claim)s)
)
RETURNING delivery.channel, alert.report_id IS NOT NULL, alert.case_id IS NOT NULL, alert.breach_id IS NOT NULL
"""


def _claim(delivery_id: int, now: datetime) -> tuple[str, str] | None:
    """Take a delivery for sending with a conditional UPDATE: two workers (or a redelivered
    task) can never both send it. A claim older than the timeout was a worker that died.

    In-app deliveries have nothing to send: the same statement marks them sent. Returns the
    channel and what the alert is about ("report", "report_in_case", "case", "breach" or
    "subject_request", the keys of CONTENT_FIELDS), or None if it was not claimed."""
    tables = {"delivery": Delivery._meta.db_table, "alert": Alert._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(**{name: connection.ops.quote_name(table) for name, table in tables.items()}),
            {
                "pk": delivery_id,
                "now": now,
                "sent_at": timezone.now(),
                "stale_claim": now - timedelta(seconds=settings.ALERT_CLAIM_TIMEOUT_SECONDS),
                "in_app": Channel.IN_APP,
                "pending": DeliveryStatus.PENDING,
                "sending": DeliveryStatus.SENDING,
                "sent": DeliveryStatus.SENT,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    channel, about_report, about_case, about_breach = row
    if about_breach:
        return channel, "breach"
    if not about_report and not about_case:
        return channel, "subject_request"
    if about_report:
        return channel, "report_in_case" if about_case else "report"
    return channel, "case"


# What channels.SENDERS read of the delivery's recipient, and what alert_link asks of them.
RECIPIENT_FIELDS = (
    "recipient__username",
    "recipient__email",
    "recipient__phone",
    "recipient__role",
    "recipient__is_active",
)


_RELATED = {
    "report": ("alert__report__kelurahan__kecamatan",),
    "report_in_case": ("alert__report__kelurahan__kecamatan", "alert__case"),
    "case": ("alert__case__kelurahan__kecamatan",),
    "breach": ("alert__breach",),
    "subject_request": ("alert__subject_request",),
}


def _delivery_to_send(delivery_id: int, about: str) -> Delivery:
    """The delivery with only what alert_content and the channels read, through the one chain
    the alert has: no encrypted report column, no whole user row, and no later query."""
    return (
        Delivery.objects.select_related("recipient", *_RELATED[about])
        .only("channel", "attempts", *RECIPIENT_FIELDS, *(f"alert__{field}" for field in CONTENT_FIELDS[about]))
        .order_by()
        .get(pk=delivery_id)
    )


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one delivery if it is due; returns its status afterwards. Safe to call twice.
    Queries: one for an in-app delivery, three for one sent out (claim, load, outcome)."""
    now = now or timezone.now()
    claimed = _claim(delivery_id, now)
    if claimed is None:
        return Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first() or "missing"
    channel, about = claimed
    if channel == Channel.IN_APP:
        return DeliveryStatus.SENT
    delivery = _delivery_to_send(delivery_id, about)
    try:
        with translation.override(settings.LANGUAGE_CODE):  # alerts speak Indonesian
            content = alert_content(delivery.alert, recipient=delivery.recipient, now=now)
        channels.SENDERS[delivery.channel](delivery, content)
    except Exception as exc:  # every failure of the outside world is retried, none stops others
        attempts = delivery.attempts + 1
        gave_up = attempts >= settings.ALERT_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
            attempts=attempts,
            last_error=str(exc)[:200] if isinstance(exc, channels.ChannelError) else type(exc).__name__,
            next_attempt_at=None
            if gave_up
            else now + timedelta(seconds=settings.ALERT_RETRY_BASE_SECONDS * 2 ** (attempts - 1)),
        )
        logger.warning("alerts: delivery %s over %s failed (attempt %s)", delivery.pk, delivery.channel, attempts)
        return DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1, last_error=""
    )
    return DeliveryStatus.SENT


# The chat gateway first: it reaches a phone at once and is what the person on duty answers;
# then in-app (nothing to send, seen at the next page load); email last, read later.
CHANNEL_RANK = {Channel.WEBHOOK: 0, Channel.IN_APP: 1, Channel.EMAIL: 2}


def deliveries_in_order(alert_id: int) -> list[int]:
    """The deliveries of one alert, most urgent first: by channel (CHANNEL_RANK), then in the
    order alert_raise created them, which is the order of its recipients (for a new report:
    the officers on duty before supervisors). Not Delivery's default order (newest first).
    Sorted in Python: an alert has a handful of deliveries, and ranking them in SQL (a CASE in
    the ORDER BY) cost more than reading them."""
    rows = Delivery.objects.filter(alert_id=alert_id).order_by().values_list("pk", "channel")
    return [pk for pk, _channel in sorted(rows, key=lambda row: (CHANNEL_RANK[row[1]], row[0]))]


def due_deliveries(*, now: datetime, limit: int = 500) -> list[int]:
    stale_claim = now - timedelta(seconds=settings.ALERT_CLAIM_TIMEOUT_SECONDS)
    return list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, next_attempt_at__isnull=True)
            | Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale_claim)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def alerts_mark_read(*, user: User, now: datetime | None = None) -> int:
    return Delivery.objects.filter(
        recipient=user, channel=Channel.IN_APP, status=DeliveryStatus.SENT, read_at__isnull=True
    ).update(read_at=now or timezone.now())
