"""Messages to the reporter on WhatsApp (whatsapp.outbound, whatsapp.graph) against the fake Graph
API: text, buttons, the template outside the 24-hour window, retries, permanent failures told to
staff, status updates, the officer's reply (through a real worker once), idempotent sends."""

import json
import socket
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertKind, Delivery, NotificationPreference
from reports.services import report_message_add
from tests.alerts.test_alerts_integration import send_tasks_to, start_worker, stop
from tests.alerts.test_alerts_reliability import webhook_receiver
from tests.cases_data import new_report
from tests.conftest import login_as
from tests.whatsapp.fake_graph import FakeGraph
from whatsapp import graph
from whatsapp.models import Contact, Outbound, OutboundKind, OutboundStatus, ReportContact
from whatsapp.numbers import number_hash
from whatsapp.outbound import (
    outbound_send,
    queue_buttons,
    queue_new_message_notice,
    queue_text,
    status_update,
    wamid_key,
)
from whatsapp.outbound_tasks import send_outbound, sweep_outbound

NUMBER = "6281234567890"
TOKEN = "token-uji-whatsapp"


def whatsapp_on(settings, fake: FakeGraph) -> None:
    settings.WHATSAPP_PHONE_NUMBER_ID = "109876543210"
    settings.WHATSAPP_ACCESS_TOKEN = TOKEN
    settings.WHATSAPP_APP_SECRET = "rahasia-aplikasi-uji"
    settings.WHATSAPP_VERIFY_TOKEN = "token-verifikasi-uji"
    settings.WHATSAPP_ENABLED = True
    settings.WHATSAPP_GRAPH_API_URL = fake.url


@pytest.fixture
def fake_graph(settings):
    with FakeGraph(token=TOKEN) as fake:
        whatsapp_on(settings, fake)
        yield fake


def make_contact(number: str = NUMBER, *, last_inbound_at=None) -> Contact:
    return Contact.objects.create(
        phone=number, number_hash=number_hash(number), last_inbound_at=last_inbound_at or timezone.now()
    )


def whatsapp_report(contact: Contact, *, consent: bool = True):
    report = new_report(contact_consent=consent)
    ReportContact.objects.create(report=report, contact=contact)
    return report


def send_now(outbound: Outbound) -> str:
    return outbound_send(outbound_id=outbound.pk)


# --- what is sent -----------------------------------------------------------------------------------------


def test_a_reporter_who_said_not_to_be_contacted_gets_nothing_pushed_and_the_number_is_not_shown(
    db, fake_graph, client, officer
):
    report = whatsapp_report(make_contact(), consent=False)

    report_message_add(report=report, body="Kami sudah membaca laporanmu.", acting_user=officer)

    assert not Outbound.objects.filter(report=report).exists()
    answer = login_as(client, officer).get(reverse("triage:report", args=[report.uuid]))
    assert answer.status_code == 200 and NUMBER not in answer.content.decode()


def test_a_text_reaches_the_graph_api_and_its_content_is_blanked(db, fake_graph):
    outbound = queue_text(make_contact(), "Halo, ini pesan uji.")
    assert outbound.status == OutboundStatus.PENDING and outbound.content

    assert send_now(outbound) == OutboundStatus.SENT

    (sent,) = fake_graph.sent
    assert sent["path"] == "/v21.0/109876543210/messages"
    assert sent["to"] == NUMBER
    assert sent["type"] == "text"
    assert sent["text"]["body"] == "Halo, ini pesan uji."
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT
    assert outbound.content == ""
    # Only an HMAC of WhatsApp's message id: a real wamid holds the number in base64.
    (wamid,) = fake_graph.message_ids
    assert outbound.wa_message_id == wamid_key(wamid) and "wamid" not in outbound.wa_message_id
    assert outbound.sent_at is not None and outbound.attempts == 1 and outbound.claimed_at is None


def test_buttons_are_sent_as_interactive_reply_buttons(db, fake_graph):
    outbound = queue_buttons(
        make_contact(), "Apakah ada anak dalam bahaya sekarang?", [("ya", "Ya"), ("tidak", "Tidak")]
    )
    assert send_now(outbound) == OutboundStatus.SENT
    (sent,) = fake_graph.sent
    assert sent["type"] == "interactive"
    assert sent["interactive"]["type"] == "button"
    assert sent["interactive"]["body"]["text"] == "Apakah ada anak dalam bahaya sekarang?"
    assert [b["reply"] for b in sent["interactive"]["action"]["buttons"]] == [
        {"id": "ya", "title": "Ya"},
        {"id": "tidak", "title": "Tidak"},
    ]


def test_buttons_follow_whatsapps_limits(db):
    contact = make_contact()
    with pytest.raises(ValueError):
        queue_buttons(contact, "?", [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")])
    with pytest.raises(ValueError):
        queue_buttons(contact, "?", [("a", "Judul yang jauh terlalu panjang")])
    assert not Outbound.objects.exists()


def test_inside_the_window_the_notice_is_the_officers_text(db, fake_graph):
    report = whatsapp_report(make_contact(last_inbound_at=timezone.now() - timedelta(hours=2)))
    outbound = queue_new_message_notice(report, body="Kami akan menghubungi sekolahmu.")
    assert outbound.kind == OutboundKind.TEXT
    assert send_now(outbound) == OutboundStatus.SENT
    (sent,) = fake_graph.sent
    assert "Kami akan menghubungi sekolahmu." in sent["text"]["body"]


def test_outside_the_window_only_the_approved_template_is_sent_without_content(db, fake_graph, settings):
    report = whatsapp_report(make_contact(last_inbound_at=timezone.now() - timedelta(hours=30)))
    outbound = queue_new_message_notice(report, body="Rahasia: isi pesan petugas.")
    assert outbound.kind == OutboundKind.TEMPLATE
    assert send_now(outbound) == OutboundStatus.SENT
    (sent,) = fake_graph.sent
    assert sent["type"] == "template"
    assert sent["template"]["name"] == settings.WHATSAPP_TEMPLATE_NAME
    assert sent["template"]["language"]["code"] == "id"
    assert "Rahasia" not in json.dumps(sent)


def test_no_notice_for_a_report_without_whatsapp_or_with_the_channel_off(db, fake_graph, settings):
    assert queue_new_message_notice(new_report(), body="x") is None
    report = whatsapp_report(make_contact())
    settings.WHATSAPP_ENABLED = False
    assert queue_new_message_notice(report, body="x") is None
    assert not Outbound.objects.exists()


# --- retries and failures -------------------------------------------------------------------------------


def test_a_503_is_retried_later_and_then_sent(db, fake_graph, settings):
    settings.ALERT_RETRY_BASE_SECONDS = 30
    outbound = queue_text(make_contact(), "Coba lagi")
    fake_graph.fail_next(503)
    now = timezone.now()

    assert outbound_send(outbound_id=outbound.pk, now=now) == OutboundStatus.PENDING
    outbound.refresh_from_db()
    assert outbound.attempts == 1 and outbound.claimed_at is None
    assert outbound.next_attempt_at == now + timedelta(seconds=30)
    assert "503" in outbound.last_error and "Coba lagi" not in outbound.last_error
    assert outbound.content  # kept for the retry
    # Not due yet: neither the task nor the sweep sends it.
    assert send_outbound(outbound.pk) == OutboundStatus.PENDING
    assert fake_graph.sent == []

    Outbound.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert sweep_outbound() == 1
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT and outbound.attempts == 2 and outbound.last_error == ""
    assert len(fake_graph.sent) == 1


def test_a_timeout_is_retryable(db, settings):
    with socket.socket() as silent:  # takes the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.WHATSAPP_GRAPH_API_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings.WHATSAPP_PHONE_NUMBER_ID, settings.WHATSAPP_ACCESS_TOKEN = "1", TOKEN
        settings.WHATSAPP_SEND_TIMEOUT_SECONDS = 1
        started = time.monotonic()
        with pytest.raises(graph.SendError) as error:
            graph.send({"text": "x"}, NUMBER)
    assert error.value.retryable and "Timeout" in error.value.reason
    assert time.monotonic() - started < 5


@pytest.fixture
def on_duty(officer):
    NotificationPreference.objects.create(user=officer, on_duty=True, in_app=True)
    return officer


def test_after_the_last_attempt_it_fails_and_staff_are_told(db, fake_graph, settings, on_duty):
    settings.WHATSAPP_MAX_ATTEMPTS = 2
    report = whatsapp_report(make_contact())
    outbound = queue_text(make_contact("6281111111111"), "Pesan", report=report)
    fake_graph.fail_next(503, 500)
    assert send_now(outbound) == OutboundStatus.PENDING
    Outbound.objects.filter(pk=outbound.pk).update(next_attempt_at=None)
    assert send_now(outbound) == OutboundStatus.FAILED
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.FAILED and outbound.attempts == 2 and outbound.content == ""
    (alert,) = Alert.objects.filter(kind=AlertKind.WHATSAPP_FAILED)
    assert alert.report == report
    assert set(Delivery.objects.filter(alert=alert).values_list("recipient", flat=True)) == {on_duty.pk}


def test_a_permanent_error_fails_at_once_and_staff_are_told(db, fake_graph, on_duty):
    report = whatsapp_report(make_contact())
    outbound = queue_text(report.whatsapp.contact, "Pesan", report=report)
    fake_graph.fail_next(400)  # the fake's code 2 answered with a 400: a refused request
    assert send_now(outbound) == OutboundStatus.FAILED
    outbound.refresh_from_db()
    assert outbound.attempts == 1 and "400" in outbound.last_error
    assert Alert.objects.filter(kind=AlertKind.WHATSAPP_FAILED, report=report).count() == 1
    # Nothing more is tried.
    assert send_outbound(outbound.pk) == OutboundStatus.FAILED
    assert sweep_outbound() == 0
    assert fake_graph.sent == []


def test_the_re_engagement_error_is_permanent():
    from pywa import errors

    error = graph._error(errors.WhatsAppError.from_dict(error={"code": 131047, "message": "Re-engagement message"}))
    assert not error.retryable and "131047" in error.reason
    assert graph._error(errors.WhatsAppError.from_dict(error={"code": 130429, "message": "Rate limit hit"})).retryable


# --- idempotence and stale claims -------------------------------------------------------------------------


def test_the_task_run_twice_sends_once(db, fake_graph):
    outbound = queue_text(make_contact(), "Sekali saja")
    assert send_outbound(outbound.pk) == OutboundStatus.SENT
    assert send_outbound(outbound.pk) == OutboundStatus.SENT
    assert sweep_outbound() == 0
    assert len(fake_graph.sent) == 1


def test_a_claim_is_respected_until_it_is_stale(db, fake_graph, settings):
    settings.ALERT_CLAIM_TIMEOUT_SECONDS = 90
    outbound = queue_text(make_contact(), "Diklaim")
    Outbound.objects.filter(pk=outbound.pk).update(claimed_at=timezone.now())  # a worker holds it
    assert send_outbound(outbound.pk) == OutboundStatus.PENDING
    assert sweep_outbound() == 0
    Outbound.objects.filter(pk=outbound.pk).update(claimed_at=timezone.now() - timedelta(seconds=91))  # it died
    assert sweep_outbound() == 1
    assert len(fake_graph.sent) == 1


# --- status updates ------------------------------------------------------------------------------------------


def test_status_updates_move_forward_only(db, fake_graph):
    outbound = queue_text(make_contact(), "Status")
    send_now(outbound)
    (wamid,), at = fake_graph.message_ids, timezone.now()

    status_update(wa_message_id=wamid, status="delivered", at=at)
    assert Outbound.objects.get(pk=outbound.pk).status == OutboundStatus.DELIVERED
    status_update(wa_message_id=wamid, status="read", at=at)
    status_update(wa_message_id=wamid, status="delivered", at=at)  # late
    assert Outbound.objects.get(pk=outbound.pk).status == OutboundStatus.READ
    status_update(wa_message_id="wamid.unknown", status="read", at=at)  # changes nothing


def test_a_failed_status_from_whatsapp_fails_it_and_tells_staff(db, fake_graph, on_duty):
    report = whatsapp_report(make_contact())
    outbound = queue_text(report.whatsapp.contact, "Pesan", report=report)
    send_now(outbound)
    (wamid,) = fake_graph.message_ids

    status_update(wa_message_id=wamid, status="failed", at=timezone.now())
    status_update(wa_message_id=wamid, status="failed", at=timezone.now())  # again

    assert Outbound.objects.get(pk=outbound.pk).status == OutboundStatus.FAILED
    assert Alert.objects.filter(kind=AlertKind.WHATSAPP_FAILED, report=report).count() == 1


# --- the officer's reply -------------------------------------------------------------------------------------


def test_an_officers_message_on_a_whatsapp_report_is_queued_for_the_reporter(db, fake_graph, officer):
    report = whatsapp_report(make_contact())
    report_message_add(report=report, body="Terima kasih, kami sedang menanganinya.", acting_user=officer)
    (outbound,) = Outbound.objects.filter(report=report)
    assert outbound.kind == OutboundKind.TEXT
    # The reporter's own message is not echoed back.
    report_message_add(report=report, body="Baik, terima kasih", acting_user=None)
    assert Outbound.objects.filter(report=report).count() == 1
    # A web report gets nothing on WhatsApp.
    web = new_report()
    report_message_add(report=web, body="Halo", acting_user=officer)
    assert not Outbound.objects.filter(report=web).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_officers_reply_reaches_whatsapp_through_a_real_worker(tmp_path, settings, monkeypatch, officer):
    broker_env = send_tasks_to(monkeypatch, settings, tmp_path, "file")
    with FakeGraph(token=TOKEN) as fake, webhook_receiver() as gateway:
        whatsapp_on(settings, fake)
        report = whatsapp_report(make_contact())
        worker, log = start_worker(
            tmp_path,
            broker_env,
            gateway.url,
            WHATSAPP_PHONE_NUMBER_ID=settings.WHATSAPP_PHONE_NUMBER_ID,
            WHATSAPP_ACCESS_TOKEN=TOKEN,
            WHATSAPP_APP_SECRET=settings.WHATSAPP_APP_SECRET,
            WHATSAPP_VERIFY_TOKEN=settings.WHATSAPP_VERIFY_TOKEN,
            WHATSAPP_GRAPH_API_URL=fake.url,
        )
        try:
            report_message_add(report=report, body="Petugas akan datang besok.", acting_user=officer)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and worker.poll() is None and not fake.sent:
                time.sleep(0.2)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and Outbound.objects.filter(status=OutboundStatus.PENDING).exists():
                time.sleep(0.2)
        finally:
            stop(worker)
        worker_output = log.read_text()[-3000:]
        (sent,) = fake.sent
    assert sent["to"] == NUMBER, worker_output
    assert "Petugas akan datang besok." in sent["text"]["body"]
    (outbound,) = Outbound.objects.filter(report=report)
    assert outbound.status == OutboundStatus.SENT and outbound.content == "", worker_output
    assert NUMBER not in log.read_text()


def test_a_text_retried_past_the_window_goes_as_the_template(db, fake_graph, officer):
    contact = make_contact(last_inbound_at=timezone.now() - timedelta(hours=23))
    report = whatsapp_report(contact)
    fake_graph.fail_next(503)
    report_message_add(report=report, body="Kami akan datang.", acting_user=officer)
    (outbound,) = Outbound.objects.filter(report=report)
    assert outbound.kind == OutboundKind.TEXT and send_now(outbound) == OutboundStatus.PENDING

    Contact.objects.filter(pk=contact.pk).update(last_inbound_at=timezone.now() - timedelta(hours=25))
    Outbound.objects.filter(pk=outbound.pk).update(next_attempt_at=None)
    assert send_now(outbound) == OutboundStatus.SENT

    (sent,) = fake_graph.sent
    assert sent["type"] == "template" and "Kami akan datang." not in json.dumps(sent)
