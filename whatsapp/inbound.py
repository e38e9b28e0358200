"""Processing one stored WhatsApp message (`Inbound`), exactly once.

The row is claimed with SELECT … FOR UPDATE SKIP LOCKED and processed only while unprocessed:
Meta's retries (one row per message id, webhook.record) and two workers taking the same row
change nothing. Marking it processed and blanking its payload happen in the transaction that
did the work. A failure leaves the row for the sweep (attempts+1, `last_error` without content),
with a growing wait; past WHATSAPP_MAX_ATTEMPTS it is logged as an error and /readyz says
"degraded" (`inbound_degradation`) until it goes through: never lost, never silent.

Where a message goes (`_route`): a conversation not yet filed → its next step (conversation.py);
"lapor" / "laporan baru" → a new conversation; a number with a filed report → that report's
thread, as the reporter (reports.services.report_message_add, the same alerts as a web reply);
otherwise → a new conversation."""

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from core.errors import DomainError
from core.health import Degradation
from reports.choices import MESSAGE_MAX_LENGTH
from reports.services import report_message_add

from . import conversation
from .models import Conversation, Inbound, ReportContact
from .numbers import contact_for, number_hash
from .outbound import queue_text

logger = logging.getLogger(__name__)

# What a message may carry that we keep: WhatsApp's type -> the attachment's file name stem.
MEDIA_TYPES = {"image": "foto", "audio": "rekaman", "document": "berkas"}
# A row the webhook stored waits this long for its task before the sweep takes it.
SWEEP_GRACE = timedelta(minutes=1)


@dataclass
class Message:
    """What the reporter sent, as the conversation and the thread need it."""

    wa_id: str
    text: str = ""  # typed text, a caption, or a button's title
    choice: str = ""  # a quick-reply button's id ("" for typed text)
    media: list[tuple[str, str]] = field(default_factory=list)  # (media id, WhatsApp type)
    unsupported: bool = False  # a sticker, a location, a contact card, a video...
    at: datetime | None = None


def parse_message(payload: dict) -> Message:
    kind = payload.get("type", "")
    message = Message(wa_id=str(payload.get("wa_id") or payload.get("from") or ""))
    try:
        message.at = datetime.fromtimestamp(int(payload.get("timestamp")), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        message.at = None
    if kind == "text":
        message.text = str((payload.get("text") or {}).get("body") or "")
    elif kind == "interactive":
        interactive = payload.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        message.choice, message.text = str(reply.get("id") or ""), str(reply.get("title") or "")
    elif kind == "button":  # a template's quick reply
        button = payload.get("button") or {}
        message.choice, message.text = str(button.get("payload") or ""), str(button.get("text") or "")
    elif kind in MEDIA_TYPES:
        media = payload.get(kind) or {}
        if media.get("id"):
            message.media.append((str(media["id"]), kind))
        message.text = str(media.get("caption") or "")
    elif kind in ("reaction", "system", "unknown", "request_welcome"):
        pass  # nothing said
    else:
        message.unsupported = True
    message.text = message.text.strip()
    return message


def download(media_id: str, kind: str, position: int = 1) -> SimpleUploadedFile:
    """A media file from the Graph API as an upload for reports.attachments (which decides its
    type by its content, whatever the name says)."""
    from .graph import download_media

    data, mime_type = download_media(media_id)
    return SimpleUploadedFile(f"{MEDIA_TYPES.get(kind, 'berkas')}-{position}", data, content_type=mime_type)


def inbound_process(inbound_id: int, *, now: datetime | None = None) -> bool:
    """Process one stored message once. True when this call processed it; False when it was
    processed already, another worker holds it, or it failed (left for the sweep)."""
    now = now or timezone.now()
    with transaction.atomic():
        inbound = (
            Inbound.objects.select_for_update(skip_locked=True).filter(pk=inbound_id, processed_at__isnull=True).first()
        )
        if inbound is None:
            return False
        try:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                _route(parse_message(json.loads(inbound.payload)), now=now)
        except Exception as exc:
            _failed(inbound, exc)
            return False
        inbound.payload = ""
        inbound.processed_at = now
        inbound.last_error = ""
        inbound.save(update_fields=["payload", "processed_at", "last_error"])
    return True


def _failed(inbound: Inbound, exc: Exception) -> None:
    attempts = inbound.attempts + 1
    # The class of the error only: its text may quote the message or the number.
    reason = type(exc).__name__[:200]
    Inbound.objects.filter(pk=inbound.pk).update(attempts=F("attempts") + 1, last_error=reason)
    if attempts >= settings.WHATSAPP_MAX_ATTEMPTS:
        logger.error("whatsapp: inbound %s still failing after %s attempts: %s", inbound.pk, attempts, reason)
        _tell_staff(inbound)
    else:
        logger.warning("whatsapp: inbound %s failed (attempt %s): %s", inbound.pk, attempts, reason)


def _tell_staff(inbound: Inbound) -> None:
    """A message stuck past WHATSAPP_MAX_ATTEMPTS: when its number has a report, whoever answers
    that report's messages is told (once), with the report's reference only. A message of a
    conversation not yet filed has no report to name: the error log and /readyz
    (`inbound_degradation`) say it."""
    from alerts.models import AlertKind
    from alerts.services import alert_raise, report_case, reporter_message_recipients

    try:
        wa_id = json.loads(inbound.payload).get("wa_id") or ""
    except ValueError:
        return
    link = (
        ReportContact.objects.select_related("report")
        .filter(contact__number_hash=number_hash(wa_id), report__erased_at__isnull=True)
        .order_by("-linked_at", "-pk")
        .first()
        if wa_id
        else None
    )
    if link is None:
        return
    case = report_case(link.report)
    alert_raise(
        key=f"whatsapp-in:{inbound.pk}:stuck",
        kind=AlertKind.WHATSAPP_STUCK,
        level=1,
        recipients=reporter_message_recipients(link.report, case),
        report=link.report,
        case=case,
    )


def _route(message: Message, *, now: datetime) -> None:
    contact = contact_for(message.wa_id)
    contact = type(contact).objects.select_for_update().get(pk=contact.pk)  # one message per number at a time
    at = min(message.at or now, now)
    if contact.last_inbound_at is None or contact.last_inbound_at < at:
        contact.last_inbound_at = at
        contact.save(update_fields=["last_inbound_at"])
    draft = Conversation.objects.select_for_update().filter(contact=contact, report__isnull=True).first()
    if draft is not None:
        conversation.conversation_step(draft, message, now=now)
        return
    if conversation.asks_for_new_report(message.text):
        conversation.conversation_start(contact, message, now=now)
        return
    link = (
        ReportContact.objects.select_related("report")
        .filter(contact=contact, report__erased_at__isnull=True)
        .order_by("-linked_at", "-pk")
        .first()
    )
    if link is None:
        conversation.conversation_start(contact, message, now=now)
        return
    _to_thread(link, message)


def _to_thread(link: ReportContact, message: Message) -> None:
    """A message on the reporter's report: text, and photos and voice notes as its attachments."""
    report, contact = link.report, link.contact
    if message.unsupported and not message.text:
        queue_text(contact, conversation.unsupported_text(), report=report)
        return
    if not message.text and not message.media:
        return
    files = [download(media_id, kind, position) for position, (media_id, kind) in enumerate(message.media, 1)]
    # WhatsApp allows longer texts than a thread message: a long one becomes several, nothing cut.
    text = message.text
    bodies = [text[i : i + MESSAGE_MAX_LENGTH] for i in range(0, len(text), MESSAGE_MAX_LENGTH)]
    bodies = bodies or [conversation.media_placeholder(message.media)]
    try:
        with transaction.atomic():
            report_message_add(report=report, body=bodies[0], files=files, acting_user=None)
    except DomainError as refusal:
        # A file the checks refuse (its type, its size, too many): the words are kept, the
        # reporter is told why the file was not, in words a child understands.
        if files and message.text:
            report_message_add(report=report, body=bodies[0], acting_user=None)
        queue_text(contact, str(refusal.message), report=report)
    for body in bodies[1:]:
        report_message_add(report=report, body=body, acting_user=None)


# --- the sweep -----------------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """How long after it came a row that failed `attempts` times waits: 1, 3, 7, 15, 31, 63
    minutes, then an hour more for each attempt. Never given up: the number stays known."""
    if attempts <= 6:
        return timedelta(minutes=2**attempts - 1)
    return timedelta(minutes=63 + 60 * (attempts - 6))


def due_inbound(*, now: datetime, limit: int = 500) -> list[int]:
    rows = (
        Inbound.objects.filter(processed_at__isnull=True, received_at__lte=now - SWEEP_GRACE)
        .order_by("received_at")
        .values_list("pk", "attempts", "received_at")[:limit]
    )
    return [pk for pk, attempts, received_at in rows if received_at + retry_delay(attempts) <= now]


def inbound_sweep(*, now: datetime) -> int:
    processed = 0
    for inbound_id in due_inbound(now=now):
        processed += inbound_process(inbound_id, now=now)
    return processed


def inbound_degradation(*, now: datetime) -> Degradation:
    """For /readyz and the staff warning (core.health): messages from WhatsApp that failed
    WHATSAPP_MAX_ATTEMPTS times, or wait unprocessed past the first retries."""
    stuck = Inbound.objects.filter(processed_at__isnull=True).filter(
        attempts__gte=settings.WHATSAPP_MAX_ATTEMPTS
    ) | Inbound.objects.filter(processed_at__isnull=True, received_at__lt=now - timedelta(minutes=15))
    count = stuck.count()
    return Degradation(reasons=["whatsapp_inbound_stuck"] if count else [], details={"whatsapp_inbound_stuck": count})
