"""What the webhook does with Meta's requests, apart from HTTP: the verification handshake, the
signature check, and storing each message as an `Inbound` row to be processed once (inbound.py).

Nothing here talks to the network or does heavy work: the webhook answers within a second and
the Celery task `whatsapp.tasks.process_inbound` does the rest, after commit."""

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Inbound

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"
# Meta's bodies are a few kilobytes; a batch of messages stays far below this.
BODY_MAX_BYTES = 1024 * 1024


class MalformedBody(ValueError):
    """The body is signed but not a JSON object: answered 400, nothing stored."""


def handshake_challenge(params) -> str | None:
    """The `hub.challenge` to answer when Meta subscribes with our verify token, else None."""
    if params.get("hub.mode") != "subscribe":
        return None
    token = params.get("hub.verify_token", "")
    if not hmac.compare_digest(token.encode(), settings.WHATSAPP_VERIFY_TOKEN.encode()):
        return None
    return params.get("hub.challenge", "")


def signature_valid(body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app secret>`, compared in
    constant time, before anything in the body is read."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(settings.WHATSAPP_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.removeprefix("sha256=").strip().lower().encode(), expected.encode())


def parse(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedBody("not JSON") from exc
    if not isinstance(data, dict):
        raise MalformedBody("not a JSON object")
    return data


def _values(data: dict):
    for entry in data.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict):
                yield value


def _at(timestamp) -> datetime:
    try:
        return datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


def record(data: dict) -> list[int]:
    """Store every message of the body (one Inbound per WhatsApp message id: a retried body
    changes nothing) and pass the status updates on, in one transaction. Returns the ids of the
    new rows; their processing is enqueued after commit."""
    from .outbound import status_update, wamid_key

    created_ids = []
    with transaction.atomic():
        for value in _values(data):
            contacts = [c for c in value.get("contacts") or [] if isinstance(c, dict)]
            for message in value.get("messages") or []:
                if not isinstance(message, dict) or not isinstance(message.get("id"), str) or not message["id"]:
                    continue
                sender = str(message.get("from") or "")
                wa_id = next((str(c.get("wa_id")) for c in contacts if str(c.get("wa_id")) == sender), "")
                wa_id = wa_id or sender or (str(contacts[0].get("wa_id") or "") if contacts else "")
                # The message itself and who sent it; the profile name is not kept (not needed).
                payload = json.dumps({**message, "wa_id": wa_id})
                # The id is base64 of a record that holds the sender's number: only its HMAC is kept.
                inbound, created = Inbound.objects.get_or_create(
                    wa_message_id=wamid_key(message["id"]), defaults={"payload": payload}
                )
                if created:
                    created_ids.append(inbound.pk)
            for status in value.get("statuses") or []:
                if isinstance(status, dict) and status.get("id") and status.get("status"):
                    status_update(
                        wa_message_id=str(status["id"]), status=str(status["status"]), at=_at(status.get("timestamp"))
                    )
        transaction.on_commit(lambda: _enqueue(created_ids))
    return created_ids


def _enqueue(inbound_ids: list[int]) -> None:
    from .tasks import process_inbound

    for inbound_id in inbound_ids:
        try:
            process_inbound.delay(inbound_id)
        except Exception:  # the broker is down: the row is kept, the sweep processes it
            logger.warning("whatsapp: could not enqueue inbound %s; the sweep will process it", inbound_id)
