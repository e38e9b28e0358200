"""Issue 23's "done when", end to end: a whole conversation posted as signed webhooks is processed
by a real Celery worker (file broker), files an urgent report, sends the receipt to the fake Graph
API, alerts the officer on duty through the real delivery path; the officer's reply reaches the
fake Graph API; a replayed webhook changes nothing and a badly signed one stores nothing."""

import json
import re
import time

import pytest

from alerts.models import Channel as AlertChannel
from alerts.models import Delivery, DeliveryStatus, NotificationPreference
from reports.choices import Channel, Priority
from reports.models import Report
from reports.receipt import receipt_hash
from reports.services import report_message_add
from tests.alerts.test_alerts_integration import send_tasks_to, start_worker, stop
from tests.alerts.test_alerts_reliability import webhook_receiver
from tests.whatsapp.fake_graph import FakeGraph
from tests.whatsapp.inbound_support import (
    APP_SECRET,
    NUMBER,
    PHONE_NUMBER_ID,
    TOKEN,
    URL,
    VERIFY_TOKEN,
    button_reply,
    envelope,
    signed,
    text,
)
from whatsapp.models import Inbound, Outbound, OutboundStatus

STORY = "Adik kelas saya dipukul ayahnya setiap malam, badannya biru-biru."


def wait_for(condition, worker, *, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and worker.poll() is None:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def sent_text_has(fake: FakeGraph, words: str) -> bool:
    return any(words in sent.get("text", {}).get("body", "") for sent in fake.sent)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_whatsapp_conversation_through_a_real_worker_files_alerts_and_carries_the_officers_reply(
    client, tmp_path, settings, monkeypatch, officer
):
    broker_env = send_tasks_to(monkeypatch, settings, tmp_path, "file")
    NotificationPreference.objects.create(user=officer, on_duty=True, email=False, webhook=True, in_app=True)
    with FakeGraph(token=TOKEN) as fake, webhook_receiver() as gateway:
        channel = {
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_ACCESS_TOKEN": TOKEN,
            "WHATSAPP_APP_SECRET": APP_SECRET,
            "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
            "WHATSAPP_GRAPH_API_URL": fake.url,
        }
        for name, value in channel.items():
            setattr(settings, name, value)
        settings.WHATSAPP_ENABLED = True
        worker, log = start_worker(tmp_path, broker_env, gateway.url, **channel)
        try:
            first = None
            for message in [
                text("halo"),
                button_reply("ya", "Ya"),
                text(STORY),
                text("kel. gunung samarinda"),
                text("9 tahun"),
                button_reply("ya", "Ya"),
            ]:
                body = json.dumps(envelope(messages=[message])).encode()
                first = first or body
                answered = client.post(
                    URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signed(body)
                )
                assert answered.status_code == 200
                assert wait_for(lambda: not Inbound.objects.filter(processed_at__isnull=True).exists(), worker), (
                    log.read_text()[-3000:]
                )

            report = Report.objects.get()
            assert report.channel == Channel.WHATSAPP and report.priority == Priority.DARURAT
            # The receipt reaches WhatsApp, and so does the alert to the officer on duty.
            assert wait_for(lambda: sent_text_has(fake, "Laporanmu sudah terkirim"), worker), log.read_text()[-3000:]
            deliveries = Delivery.objects.filter(alert__report=report, recipient=officer)
            assert wait_for(
                lambda: deliveries.filter(channel=AlertChannel.WEBHOOK, status=DeliveryStatus.SENT).exists(), worker
            ), log.read_text()[-3000:]
            assert any(json.loads(body)["reference"] == report.reference for _headers, body in gateway.posts)

            # The officer answers on the report page; the worker carries it to the reporter.
            report_message_add(report=report, body="Petugas kami akan menelepon sore ini.", acting_user=officer)
            assert wait_for(lambda: sent_text_has(fake, "menelepon sore ini"), worker), log.read_text()[-3000:]

            # Meta retries the first webhook: nothing changes. A bad signature: nothing is stored.
            inbound_count, outbound_count = Inbound.objects.count(), Outbound.objects.count()
            assert (
                client.post(URL, first, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signed(first))
            ).status_code == 200
            forged = json.dumps(envelope(messages=[text("palsu")])).encode()
            refused = client.post(
                URL, forged, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signed(forged, "salah")
            )
            assert refused.status_code == 403
            time.sleep(1)
            assert (Inbound.objects.count(), Outbound.objects.count(), Report.objects.count()) == (
                inbound_count,
                outbound_count,
                1,
            )
        finally:
            stop(worker)
        worker_log = log.read_text()

    sent_to = {sent["to"] for sent in fake.sent if "to" in sent}
    assert sent_to == {NUMBER}
    code = re.search(r"(\d{4} \d{4} \d{4} \d{4})", json.dumps(fake.sent)).group(1).replace(" ", "")
    assert receipt_hash(code) == report.receipt_hash
    assert not Outbound.objects.exclude(status=OutboundStatus.SENT).exists()
    assert NUMBER not in worker_log
