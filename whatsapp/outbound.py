"""Messages to a reporter on WhatsApp: queued as Outbound rows in the caller's transaction, sent by
a task after commit (outbound_tasks.send_outbound), retried like alert deliveries
(alerts.services.delivery_send), and never lost in silence: a message that cannot be delivered
is an alert to the report's officers (or the staff on duty), which names neither the number nor
the message.

The content is encrypted while it waits and blanked once sent; the number is read from the
Contact only to be handed to the Graph API (graph.send)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from alerts.models import AlertKind
from alerts.services import alert_raise, report_case, reporter_message_recipients
from reports.models import Report, ReportMessage

from . import graph
from .models import Contact, Outbound, OutboundKind, OutboundStatus, ReportContact

logger = logging.getLogger(__name__)

# WhatsApp's customer-service window: free text within 24 hours of the reporter's last message,
# an approved template after it. A margin for the time the message waits in the queue.
WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=10)
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20


def wamid_key(wa_message_id: str) -> str:
    """What is stored of a WhatsApp message id: an HMAC under a key of ours. A wamid is base64 of
    a record that holds the recipient's number ("wamid.HBgN" + base64 "6281..."), so the id
    itself is never stored."""
    key = hmac.new(settings.RECEIPT_CODE_SECRET.encode(), b"whatsapp-message-id", hashlib.sha256).digest()
    return hmac.new(key, wa_message_id.encode(), hashlib.sha256).hexdigest()


# --- queueing ----------------------------------------------------------------------------------------


def _queue(contact: Contact, kind: str, content: dict, report: Report | None) -> Outbound:
    outbound = Outbound.objects.create(contact=contact, report=report, kind=kind, content=json.dumps(content))
    transaction.on_commit(lambda: _enqueue(outbound.pk))
    return outbound


def _enqueue(outbound_id: int) -> None:
    from .outbound_tasks import send_outbound

    try:
        send_outbound.delay(outbound_id)
    except Exception:  # the broker is down: the row waits, the sweep sends it
        logger.warning("whatsapp: could not enqueue outbound %s; the sweep will send it", outbound_id)


def queue_text(contact: Contact, text: str, *, report: Report | None = None) -> Outbound:
    return _queue(contact, OutboundKind.TEXT, {"text": text}, report)


def queue_buttons(
    contact: Contact, text: str, buttons: list[tuple[str, str]], *, report: Report | None = None
) -> Outbound:
    """Text with up to three quick-reply buttons (id, title); titles of at most 20 characters."""
    if not 1 <= len(buttons) <= BUTTONS_MAX:
        raise ValueError(f"WhatsApp takes 1 to {BUTTONS_MAX} reply buttons")
    if any(not title or len(title) > BUTTON_TITLE_MAX for _id, title in buttons):
        raise ValueError(f"a reply button's title has 1 to {BUTTON_TITLE_MAX} characters")
    return _queue(contact, OutboundKind.BUTTONS, {"text": text, "buttons": [list(b) for b in buttons]}, report)


def window_open(contact: Contact, now: datetime | None = None) -> bool:
    """Whether free text may still be sent (the 24-hour customer-service window)."""
    now = now or timezone.now()
    return contact.last_inbound_at is not None and contact.last_inbound_at > now - WINDOW + WINDOW_MARGIN


def staff_message_text(body: str) -> str:
    with override(settings.LANGUAGE_CODE):  # the reporter's channel speaks Indonesian
        return _("Message from the DP3AKB officer about your report:\n\n%(body)s") % {"body": body}


def new_message_notice_text() -> str:
    with override(settings.LANGUAGE_CODE):
        return _(
            "There is a new message from the DP3AKB officer about your report. Open the report status "
            "page and enter your receipt code to read it."
        )


def queue_new_message_notice(report: Report, *, body: str | None = None) -> Outbound | None:
    """Tell the reporter of a report that came by WhatsApp that there is a new message: inside the
    24-hour window as text (the message itself when `body` is given), outside it as the approved
    template WHATSAPP_TEMPLATE_NAME, which says only that there is a new message. None when the
    report has no WhatsApp contact or the channel is off."""
    if not settings.WHATSAPP_ENABLED or not report.contact_consent:
        # The reporter said not to be contacted: nothing is pushed to the phone. Their own
        # messages still reach the thread, and the answers wait on the report status page.
        return None
    link = ReportContact.objects.select_related("contact").filter(report=report).first()
    if link is None:
        return None
    contact = link.contact
    if window_open(contact):
        return queue_text(contact, staff_message_text(body) if body else new_message_notice_text(), report=report)
    return _queue(
        contact,
        OutboundKind.TEMPLATE,
        {"template": settings.WHATSAPP_TEMPLATE_NAME, "language": settings.WHATSAPP_TEMPLATE_LANGUAGE},
        report,
    )


def staff_message_carrier(message: ReportMessage) -> None:
    """Registered with reports.outgoing (apps.ready): an officer's message on a report that came
    by WhatsApp goes to the reporter there too."""
    queue_new_message_notice(message.report, body=message.body)


# --- sending -----------------------------------------------------------------------------------------


# The claim (as alerts.services._claim): a conditional UPDATE, so that two workers, or a task
# delivered twice, never both send one message. A claim older than ALERT_CLAIM_TIMEOUT_SECONDS
# belonged to a worker that died.
_CLAIM = """
UPDATE {table} SET claimed_at = %(now)s
WHERE id = %(pk)s AND status = %(pending)s
    AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s)
    AND (claimed_at IS NULL OR claimed_at < %(stale_claim)s)
RETURNING id
"""


def _claim(outbound_id: int, now: datetime) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(table=connection.ops.quote_name(Outbound._meta.db_table)),
            {
                "pk": outbound_id,
                "now": now,
                "pending": OutboundStatus.PENDING,
                "stale_claim": now - timedelta(seconds=settings.ALERT_CLAIM_TIMEOUT_SECONDS),
            },
        )
        return cursor.fetchone() is not None


def outbound_send(*, outbound_id: int, now: datetime | None = None) -> str:
    """Send one Outbound if it is due and not taken; returns its status afterwards. Safe to call
    twice: a sent message is never sent again."""
    now = now or timezone.now()
    if not _claim(outbound_id, now):
        return Outbound.objects.filter(pk=outbound_id).values_list("status", flat=True).first() or "missing"
    outbound = Outbound.objects.select_related("contact").get(pk=outbound_id)
    content = json.loads(outbound.content)
    if outbound.kind != OutboundKind.TEMPLATE and outbound.report_id and not window_open(outbound.contact, now):
        # Retried past the 24-hour window: WhatsApp would refuse the text (131047); the approved
        # template says there is a new message, and the text waits on the status page.
        content = {"template": settings.WHATSAPP_TEMPLATE_NAME, "language": settings.WHATSAPP_TEMPLATE_LANGUAGE}
    try:
        wamid = graph.send(content, outbound.contact.phone)
    except graph.SendError as error:
        return _failed_attempt(outbound, error.reason, retryable=error.retryable, now=now)
    except Exception as error:
        return _failed_attempt(outbound, type(error).__name__, retryable=True, now=now)
    Outbound.objects.filter(pk=outbound.pk).update(
        status=OutboundStatus.SENT,
        sent_at=timezone.now(),
        wa_message_id=wamid_key(wamid),
        content="",
        attempts=outbound.attempts + 1,
        last_error="",
        claimed_at=None,
        next_attempt_at=None,
    )
    return OutboundStatus.SENT


def _failed_attempt(outbound: Outbound, reason: str, *, retryable: bool, now: datetime) -> str:
    attempts = outbound.attempts + 1
    if retryable and attempts < settings.WHATSAPP_MAX_ATTEMPTS:
        Outbound.objects.filter(pk=outbound.pk).update(
            attempts=attempts,
            last_error=reason[:200],
            claimed_at=None,
            next_attempt_at=now + timedelta(seconds=settings.ALERT_RETRY_BASE_SECONDS * 2 ** (attempts - 1)),
        )
        logger.warning("whatsapp: outbound %s failed (attempt %s), retried later: %s", outbound.pk, attempts, reason)
        return OutboundStatus.PENDING
    with transaction.atomic():
        Outbound.objects.filter(pk=outbound.pk).update(
            status=OutboundStatus.FAILED,
            attempts=attempts,
            last_error=reason[:200],
            claimed_at=None,
            next_attempt_at=None,
            content="",  # nobody sends it any more: what it said is not kept
        )
        _tell_staff(outbound)
    logger.warning("whatsapp: outbound %s failed for good (attempt %s): %s", outbound.pk, attempts, reason)
    return OutboundStatus.FAILED


def _tell_staff(outbound: Outbound) -> None:
    """The report's officers (or the staff on duty) learn that the reporter did not get a message:
    an alert with the report's reference and link only (alerts.content)."""
    if outbound.report_id is None:
        # Not about a report yet (the conversation before filing): nobody to route it to.
        logger.warning("whatsapp: outbound %s not delivered, and it is about no report", outbound.pk)
        return
    report = Report.objects.get(pk=outbound.report_id)
    case = report_case(report)
    alert_raise(
        key=f"whatsapp:{outbound.pk}:failed",
        kind=AlertKind.WHATSAPP_FAILED,
        level=1,
        recipients=reporter_message_recipients(report, case),
        report=report,
        case=case,
    )


def due_outbound(*, now: datetime, limit: int = 500) -> list[int]:
    """Pending messages that are due and not taken, or taken by a worker that died."""
    stale_claim = now - timedelta(seconds=settings.ALERT_CLAIM_TIMEOUT_SECONDS)
    return list(
        Outbound.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_claim),
            status=OutboundStatus.PENDING,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- what WhatsApp says happened (webhook "statuses") ----------------------------------------------------

# A status only moves forward: a late "delivered" never undoes "read".
_ORDER = {OutboundStatus.SENT: 0, OutboundStatus.DELIVERED: 1, OutboundStatus.READ: 2}


def status_update(*, wa_message_id: str, status: str, at: datetime) -> None:
    """delivered / read / failed, as the webhook's "statuses" say. "failed" from Meta is a
    permanent failure: the row fails and staff are told. Unknown ids and statuses change nothing."""
    with transaction.atomic():
        outbound = Outbound.objects.select_for_update().filter(wa_message_id=wamid_key(wa_message_id)).first()
        if outbound is None or outbound.status == OutboundStatus.FAILED:
            return
        if status == "failed":
            Outbound.objects.filter(pk=outbound.pk).update(
                status=OutboundStatus.FAILED, last_error="failed (webhook)", content=""
            )
            _tell_staff(outbound)
            logger.warning("whatsapp: outbound %s reported failed by WhatsApp", outbound.pk)
            return
        if (
            status in (OutboundStatus.DELIVERED, OutboundStatus.READ)
            and _ORDER.get(outbound.status, -1) < _ORDER[status]
        ):
            Outbound.objects.filter(pk=outbound.pk).update(status=status)
