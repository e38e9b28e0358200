"""The webhook (whatsapp.views, whatsapp.webhook): Meta's verification handshake, the signature
checked before anything is read, one Inbound row per WhatsApp message id, status updates passed
on, and the limits. Bodies in the shapes Meta documents, signed as Meta signs them."""

import json

import pytest
from django.db import connection

from tests.whatsapp.inbound_support import (
    NUMBER,
    URL,
    VERIFY_TOKEN,
    audio,
    button_reply,
    envelope,
    image,
    list_reply,
    post,
    signed,
    status,
    text,
)
from whatsapp.models import Inbound, Outbound, OutboundStatus
from whatsapp.numbers import contact_for, number_hash
from whatsapp.outbound import wamid_key

pytestmark = pytest.mark.django_db


def handshake(client, **params):
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    query.update(params)
    return client.get(URL, query)


def test_the_handshake_answers_the_challenge_as_plain_text(client, graph):
    answer = handshake(client)

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    assert answer.content == b"1158201444"


@pytest.mark.parametrize(
    "params", [{"hub.verify_token": "salah"}, {"hub.mode": "unsubscribe"}, {"hub.verify_token": ""}]
)
def test_the_handshake_with_a_wrong_token_or_mode_is_refused(client, graph, params):
    answer = handshake(client, **params)

    assert answer.status_code == 403
    assert b"1158201444" not in answer.content


def test_a_switched_off_channel_answers_404_to_both_methods(client, settings):
    settings.WHATSAPP_ENABLED = False
    settings.WHATSAPP_APP_SECRET = settings.WHATSAPP_VERIFY_TOKEN = ""

    assert handshake(client).status_code == 404
    assert post(client, envelope(messages=[text("halo")]), signature="sha256=00").status_code == 404
    assert not Inbound.objects.exists()


def test_a_signed_message_is_stored_once_encrypted_and_answered_at_once(client, graph):
    message = text("Tolong, adik saya dipukul.")
    body = json.dumps(envelope(messages=[message])).encode()

    answers = [post(client, body) for _ in range(3)]  # Meta retries the same body

    assert [a.status_code for a in answers] == [200, 200, 200]
    (inbound,) = Inbound.objects.all()
    assert inbound.wa_message_id == wamid_key(message["id"]) and inbound.processed_at is None
    stored = json.loads(inbound.payload)
    assert stored["wa_id"] == NUMBER and stored["text"]["body"] == "Tolong, adik saya dipukul."
    assert "Budi Rahasia" not in inbound.payload  # the profile name is not kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM whatsapp_inbound")
        (raw,) = cursor.fetchone()
    assert NUMBER not in raw and "dipukul" not in raw
    assert not graph.sent  # nothing sent from the request


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=", "sha1=abc", "sha256=" + "0" * 64],
    ids=["missing", "empty", "bare", "other-algorithm", "wrong"],
)
def test_a_bad_or_missing_signature_is_403_and_stores_nothing(client, graph, signature):
    body = json.dumps(envelope(messages=[text("halo")])).encode()
    headers = {} if signature is None else {"HTTP_X_HUB_SIGNATURE_256": signature}

    answer = client.post(URL, body, content_type="application/json", **headers)

    assert answer.status_code == 403
    assert not Inbound.objects.exists()


def test_a_body_signed_with_another_secret_is_refused(client, graph):
    body = json.dumps(envelope(messages=[text("halo")])).encode()

    assert post(client, body, signature=signed(body, "rahasia-lain")).status_code == 403
    assert not Inbound.objects.exists()


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"], ids=["broken", "not-an-object", "not-utf8"])
def test_malformed_json_with_a_valid_signature_is_400_and_stores_nothing(client, graph, body):
    assert post(client, body).status_code == 400
    assert not Inbound.objects.exists()


def test_a_body_over_one_megabyte_is_413(client, graph):
    padding = "x" * (1024 * 1024)
    body = json.dumps(envelope(messages=[text(padding)])).encode()

    assert post(client, body).status_code == 413
    assert not Inbound.objects.exists()


def test_every_documented_message_shape_is_stored(client, graph):
    messages = [
        text("halo"),
        button_reply("ya", "Ya"),
        list_reply("unknown", "Tidak tahu"),
        image("1234567890123456", caption="ini fotonya"),
        audio("6543210987654321"),
    ]

    assert post(client, envelope(messages=messages)).status_code == 200

    assert set(Inbound.objects.values_list("wa_message_id", flat=True)) == {wamid_key(m["id"]) for m in messages}


def test_status_updates_move_the_outbound_message_forward(client, graph):
    outbound = Outbound.objects.create(
        contact=contact_for(NUMBER), kind="text", status=OutboundStatus.SENT, wa_message_id=wamid_key("wamid.terkirim1")
    )

    answer = post(client, envelope(statuses=[status("wamid.terkirim1", "delivered")]))

    assert answer.status_code == 200
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.DELIVERED
    assert not Inbound.objects.exists()


def test_a_body_without_messages_is_accepted_and_changes_nothing(client, graph):
    assert post(client, {"object": "whatsapp_business_account", "entry": []}).status_code == 200
    assert not Inbound.objects.exists()


def test_the_number_is_found_by_its_keyed_hash_and_kept_only_encrypted(graph):
    contact = contact_for("+62 812-9876-5432")

    assert contact_for(NUMBER) == contact
    assert contact.number_hash == number_hash(NUMBER) != number_hash("6281298765433")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, number_hash FROM whatsapp_contact")
        (phone, key) = cursor.fetchone()
    assert NUMBER not in phone and NUMBER not in key


def test_unsigned_posts_do_not_use_up_the_limit_meta_needs(client, graph, monkeypatch):
    from django.core.cache import cache

    from whatsapp import views

    cache.clear()
    monkeypatch.setattr(views, "WEBHOOK_RATE_GLOBAL", "2/m")
    forged = json.dumps(envelope(messages=[text("palsu")])).encode()
    for _ in range(5):
        assert client.post(URL, forged, content_type="application/json").status_code == 403

    assert post(client, envelope(messages=[text("halo")])).status_code == 200
    assert post(client, envelope(messages=[text("lagi")])).status_code == 200
    assert post(client, envelope(messages=[text("ketiga")])).status_code == 429  # the limit counts signed ones
    assert Inbound.objects.count() == 2
