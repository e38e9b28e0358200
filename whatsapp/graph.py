"""Meta's Graph API (WhatsApp Business Cloud API) through pywa: send a message, fetch a media file.

Nothing here logs a number or a message: pywa logs request bodies and response texts at DEBUG
(the number is in the body), so its loggers keep only warnings (`_quiet_pywa`), whatever level
the logging configuration or a test sets. httpx logs the request URL at INFO: a send's URL is
`/<version>/<phone number id>/messages` and a media URL names the media id, never the number.
An error is `SendError` with `retryable` set and a `reason` that holds no content."""

from __future__ import annotations

import logging

import httpx
from django.conf import settings
from pywa import WhatsApp
from pywa import errors as wa_errors
from pywa.types import Button
from pywa.types.templates import TemplateLanguage

# Every pywa logger (pywa.api, pywa.client, pywa.helpers, pywa.handlers...): a filter on each,
# since a filter on "pywa" would not see its children's records.
_PYWA_LOGGERS = ("pywa", "pywa.api", "pywa.client", "pywa.helpers", "pywa.handlers", "pywa.listeners", "pywa.server")


class _WarningsOnly(logging.Filter):
    """Drops pywa's DEBUG and INFO records: they hold request bodies (the number, the text) and
    response texts. Its warnings are fixed sentences."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


_FILTER = _WarningsOnly()


def _quiet_pywa() -> None:
    for name in _PYWA_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


_quiet_pywa()


class SendError(Exception):
    """A call to the Graph API failed. `retryable`: worth trying again later (a timeout, a 5xx, a
    rate limit); otherwise permanent (an invalid number, the 24-hour window closed...). `reason`
    says what failed without the number or the message: an error class, a code, a status."""

    def __init__(self, reason: str, *, retryable: bool):
        super().__init__(reason)
        self.reason = reason[:200]
        self.retryable = retryable


# Graph API error codes worth retrying although the request was refused: rate limits and
# Meta's own temporary failures (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
# Codes 1 and 2 (unknown, temporary) are retried when they come with a 5xx, as every 5xx is.
_RETRYABLE_CODES = {
    4,  # too many API calls (app)
    80007,  # rate limit issues (WABA)
    130429,  # rate limit hit (throughput)
    131000,  # something went wrong
    131016,  # service unavailable
    131056,  # pair rate limit (too many messages to one number)
    133004,  # server temporarily unavailable
}


def client() -> WhatsApp:
    """A pywa client for the configured number, its calls limited to WHATSAPP_SEND_TIMEOUT_SECONDS."""
    wa = WhatsApp(
        phone_id=settings.WHATSAPP_PHONE_NUMBER_ID,
        token=settings.WHATSAPP_ACCESS_TOKEN,
        session=httpx.Client(timeout=settings.WHATSAPP_SEND_TIMEOUT_SECONDS),
        api_version=settings.WHATSAPP_API_VERSION,
        # No webhook server of pywa's: whatsapp.views receives and checks the webhook.
        server=None,
        verify_token=None,
    )
    # pywa's GraphAPI hard-codes https://graph.facebook.com as the session's base URL; the tests
    # point WHATSAPP_GRAPH_API_URL at a local fake Graph API, so the base URL is set again here.
    wa.api._session.base_url = f"{settings.WHATSAPP_GRAPH_API_URL}/v{settings.WHATSAPP_API_VERSION}"
    return wa


def _error(exc: Exception) -> SendError:
    """The failure as a SendError: retryable or permanent, with a reason free of content."""
    if isinstance(exc, httpx.TimeoutException | httpx.TransportError):
        return SendError(type(exc).__name__, retryable=True)
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        return SendError(f"HTTP {status}", retryable=status >= 500 or status == 429)
    if isinstance(exc, wa_errors.WhatsAppError):
        status = exc.status_code
        retryable = (
            isinstance(exc, wa_errors.ThrottlingError)
            or exc.code in _RETRYABLE_CODES
            or (status is not None and (status >= 500 or status == 429))
        )
        return SendError(f"{type(exc).__name__} (code {exc.code}, HTTP {status})", retryable=retryable)
    # Anything else (the task's soft time limit, a bug) says nothing against the message: try again.
    return SendError(type(exc).__name__, retryable=True)


def send(outbound_content: dict, to: str) -> str:
    """Send one message (an Outbound's content: {"text": …}, {"text": …, "buttons": [[id, title], …]}
    or {"template": name, "language": code}) to `to`; returns WhatsApp's message id (wamid).
    Raises SendError."""
    wa = client()
    try:
        if "template" in outbound_content:
            sent = wa.send_template(
                to=to,
                name=outbound_content["template"],
                language=TemplateLanguage(outbound_content.get("language") or settings.WHATSAPP_TEMPLATE_LANGUAGE),
                params=[],
            )
        elif outbound_content.get("buttons"):
            buttons = [Button(title=title, callback_data=button_id) for button_id, title in outbound_content["buttons"]]
            sent = wa.send_message(to=to, text=outbound_content["text"], buttons=buttons)
        else:
            sent = wa.send_message(to=to, text=outbound_content["text"])
        return sent.id
    except Exception as exc:
        # `from None`: pywa's error carries the response, which may echo what was sent.
        raise _error(exc) from None
    finally:
        wa.api._session.close()


def download_media(media_id: str) -> tuple[bytes, str]:
    """A media file a reporter sent (a photo, a voice note): its bytes and its mime type as
    WhatsApp gives it (the attachment checks decide by the content). Raises SendError."""
    wa = client()
    try:
        media = wa.get_media_url(media_id)
        return wa.get_media_bytes(media.url), media.mime_type
    except Exception as exc:
        raise _error(exc) from None
    finally:
        wa.api._session.close()
