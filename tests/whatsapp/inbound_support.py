"""Helpers for the inbound WhatsApp tests: the channel switched on against the fake Graph API,
signed webhook bodies in the shapes Meta documents (text, interactive button_reply / list_reply,
image, audio, statuses), and a way to run what the webhook enqueued."""

import hashlib
import hmac
import io
import itertools
import json
import time

import pytest
from PIL import Image

from tests.whatsapp.fake_graph import FakeGraph
from whatsapp.inbound import inbound_process
from whatsapp.models import Inbound

NUMBER = "6281298765432"
TOKEN = "token-uji-masuk"
APP_SECRET = "rahasia-aplikasi-masuk"
VERIFY_TOKEN = "token-verifikasi-masuk"
PHONE_NUMBER_ID = "106540352242922"
URL = "/whatsapp/webhook/"

_ids = itertools.count(1)


@pytest.fixture
def graph(settings, tmp_path):
    with FakeGraph(token=TOKEN) as fake:
        settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
        settings.WHATSAPP_ACCESS_TOKEN = TOKEN
        settings.WHATSAPP_APP_SECRET = APP_SECRET
        settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
        settings.WHATSAPP_ENABLED = True
        settings.WHATSAPP_GRAPH_API_URL = fake.url
        settings.MEDIA_ROOT = tmp_path / "private"
        yield fake


def message_id() -> str:
    return f"wamid.HBgNNjI4MTI5ODc2NTQzMhUCABIYFjNFQjA{next(_ids):08d}"


def envelope(*, messages=(), statuses=(), number: str = NUMBER) -> dict:
    """A webhook body as Meta sends it (Cloud API, field "messages")."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6254212345678", "phone_number_id": PHONE_NUMBER_ID},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": "Budi Rahasia"}, "wa_id": number}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }


def _message(kind: str, body: dict, *, number: str = NUMBER, wamid: str | None = None) -> dict:
    return {"from": number, "id": wamid or message_id(), "timestamp": str(int(time.time())), "type": kind, kind: body}


def text(body: str, **kwargs) -> dict:
    return _message("text", {"body": body}, **kwargs)


def button_reply(button_id: str, title: str, **kwargs) -> dict:
    return _message(
        "interactive", {"type": "button_reply", "button_reply": {"id": button_id, "title": title}}, **kwargs
    )


def list_reply(row_id: str, title: str, **kwargs) -> dict:
    return _message(
        "interactive", {"type": "list_reply", "list_reply": {"id": row_id, "title": title, "description": ""}}, **kwargs
    )


def image(media_id: str, caption: str = "", **kwargs) -> dict:
    body = {"id": media_id, "mime_type": "image/jpeg", "sha256": "x"}
    if caption:
        body["caption"] = caption
    return _message("image", body, **kwargs)


def audio(media_id: str, **kwargs) -> dict:
    return _message("audio", {"id": media_id, "mime_type": "audio/ogg; codecs=opus", "voice": True}, **kwargs)


def status(wamid: str, state: str) -> dict:
    return {"id": wamid, "status": state, "timestamp": str(int(time.time())), "recipient_id": NUMBER}


def signed(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client, data, *, signature: str | None = None):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature if signature is not None else signed(body)}
    return client.post(URL, body, content_type="application/json", **headers)


def process_all() -> int:
    """What the webhook enqueued, run as the worker would (the task's body, in order)."""
    done = 0
    for inbound_id in Inbound.objects.filter(processed_at__isnull=True).order_by("pk").values_list("pk", flat=True):
        done += inbound_process(inbound_id)
    return done


def say(client, *messages) -> None:
    """The reporter sends these messages, one webhook each, each processed before the next."""
    for message in messages:
        assert post(client, envelope(messages=[message])).status_code == 200
        process_all()


def jpeg_with_location() -> bytes:
    picture = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (1.0, 15.0, 0.0), 3: "E", 4: (116.0, 50.0, 0.0)}
    exif[0x010F] = "DistinctiveCameraMaker"
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


OGG_OPUS = b"OggS\x00\x02" + b"\0" * 20 + b"\x01\x13" + b"OpusHead\x01\x01\x38\x01\x80\xbb\0\0\0\0\0" + b"\0" * 32
