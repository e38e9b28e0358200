"""The outside world: email and chat gateways. In-app needs nothing sent."""

import hashlib
import hmac
import json
import urllib.request
from datetime import UTC

from django.conf import settings
from django.utils import timezone

from core.emails import send_templated_email

from .content import AlertContent
from .models import Channel


class ChannelError(Exception):
    """A channel could not deliver; the message says why without any alert content."""


def send_email(delivery, content: AlertContent) -> None:
    recipient = delivery.recipient
    if not recipient.email:
        raise ChannelError("recipient has no email address")
    send_templated_email(name="alert", to=[recipient.email], context={"alert": content})


def webhook_signature(body: bytes) -> str:
    return "sha256=" + hmac.new(settings.ALERT_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(delivery, content: AlertContent) -> None:
    """A signed JSON POST to every configured gateway, which relays it to the person.

    The signed body names the delivery (the same id on every attempt: a gateway drops what it
    has relayed already, e.g. a resend after a worker died mid-POST) and when this attempt was
    made (a gateway refuses an old body replayed at it). The headers repeat both for routing
    and logs; README, "Chat gateways", says how a gateway checks them."""
    if not settings.ALERT_WEBHOOK_URLS:
        raise ChannelError("no webhook URL is configured")
    recipient = delivery.recipient
    sent_at = timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    payload = {
        **content.as_payload(),
        "recipient": {"username": recipient.username, "phone": recipient.phone},
        "delivery_id": delivery.pk,
        "sent_at": sent_at,
    }
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "X-KLA-Signature": webhook_signature(body),
        "X-KLA-Delivery": str(delivery.pk),
        "X-KLA-Timestamp": sent_at,
    }
    for url in settings.ALERT_WEBHOOK_URLS:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only, checked in settings
        try:
            with urllib.request.urlopen(request, timeout=settings.ALERT_WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
                if response.status >= 300:
                    raise ChannelError(f"webhook answered {response.status}")
        except OSError as exc:  # URLError, HTTPError, timeouts
            raise ChannelError(f"webhook failed: {type(exc).__name__}") from exc


SENDERS = {Channel.EMAIL: send_email, Channel.WEBHOOK: send_webhook}
