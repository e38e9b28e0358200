"""Alerts under the failures they are built for: what every channel may say, each event and
each delivery exactly once, a broker that is down, a chat gateway and an SMTP server that fail
(both real, on 127.0.0.1), and the escalation and reminder clocks at their boundaries.

Only the outside world is stood in for, and by real local servers; the database and the
broker are the real ones, and task bodies are called directly."""

import hashlib
import hmac
import json
import threading
import time
from contextlib import contextmanager
from copy import deepcopy
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from email import message_from_bytes
from email import policy as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from alerts import services
from alerts.content import alert_content
from alerts.models import Alert, AlertKind, Channel, Delivery, DeliveryStatus, NotificationPreference
from alerts.tasks import deliver_alert, remind, sweep
from balikpapan_kla.celery import app as celery_app
from cases import services as cs
from cases.models import Case
from reports.choices import Channel as ReportChannel
from reports.models import Report
from reports.services import report_submit
from tests.cases_data import follow_up_input, new_report, service_input
from tests.factories import UserFactory
from tests.reporting import report_input
from triage import services as ts
from triage.services import report_acknowledge

pytestmark = pytest.mark.django_db

KELURAHAN = "Gunung Samarinda"
SECOND = timedelta(seconds=1)


# --- the outside world, for real, on 127.0.0.1 ---------------------------------------------------------


class WebhookReceiver(ThreadingHTTPServer):
    """A chat gateway: keeps every POST (headers, exact body) and answers `status` after `delay`
    seconds, or as soon as the test is over."""

    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _WebhookHandler)
        self.posts = []
        self.status = 200
        self.delay = 0.0
        self.finished = threading.Event()
        self.url = f"http://127.0.0.1:{self.server_port}/kla-alert"

    def handle_error(self, request, client_address):
        """A client that gave up waiting (the timeout test) is what the test wants."""


class _WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((self.headers, body))
        self.server.finished.wait(self.server.delay)
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@contextmanager
def webhook_receiver():
    server = WebhookReceiver()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield server
    finally:
        server.finished.set()
        server.shutdown()
        server.server_close()


class _Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class _SMTPServer(Controller):
    """aiosmtpd on an ephemeral port (learnt before the readiness probe), stopped at most once."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()

    def stop(self, no_assert=False):
        if self._thread is not None:
            super().stop(no_assert=no_assert)


def point_celery_at(monkeypatch, settings, broker_url: str) -> None:
    """Send tasks to `broker_url` from now on; monkeypatch puts the app back after the test."""
    # The app's conf first: it reads Django's settings lazily, so patching those first would
    # make monkeypatch "restore" the dead URL.
    monkeypatch.setattr(celery_app.conf, "broker_url", broker_url)
    settings.CELERY_BROKER_URL = broker_url
    # The app keeps a connection pool and a producer pool for the old URL: start afresh.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)


# --- people --------------------------------------------------------------------------------------------


@pytest.fixture
def on_duty(officer):
    """The officer on duty, wanting every channel."""
    officer.email = "petugas@example.org"
    officer.phone = "0811-0000-1111"
    officer.save()
    NotificationPreference.objects.create(user=officer, on_duty=True, email=True, webhook=True, in_app=True)
    return officer


@pytest.fixture
def gateway(settings):
    with webhook_receiver() as receiver:
        settings.ALERT_WEBHOOK_URLS = [receiver.url]
        settings.ALERT_WEBHOOK_SECRET = "rahasia-uji-gateway-0123456789-abcdefghij"
        yield receiver


def wants(user, **channels) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": False, "webhook": False, "in_app": False, **channels}
    )


def delivery(report, user, channel) -> Delivery:
    return Delivery.objects.get(alert__report=report, alert__level=1, recipient=user, channel=channel)


def statuses(report) -> dict[tuple[str, str], str]:
    return {
        (d.recipient.username, d.channel): d.status
        for d in Delivery.objects.filter(alert__report=report).select_related("recipient")
    }


# --- what every channel says ---------------------------------------------------------------------------

IDENTIFYING = {
    "child_name": "Kirana Puspitasari Wulandaru",
    "narrative": "Kakak tirinya mengurung anak itu di gudang belakang bengkel motor setiap Kamis malam.",
    "address_detail": "Gang Anggrek Bulan nomor 47, pagar hijau samping warung Bu Ratmi",
    "reporter_contact": "0812-7788-4411 (Bu Sulastri)",
}
# Pieces of the above that must not leak either, even cut or re-worded around.
FRAGMENTS = ("Puspitasari", "Kirana", "bengkel motor", "Anggrek Bulan", "Bu Ratmi", "7788-4411", "Sulastri")


def assert_says_nothing_identifying(text: str) -> None:
    for value in [*IDENTIFYING.values(), *FRAGMENTS]:
        assert value.lower() not in text.lower(), value


def test_it_says_only_reference_priority_area_and_link_over_every_channel(on_duty, gateway, mailoutbox):
    report = report_submit(
        data=report_input(**IDENTIFYING, contact_consent=True), channel=ReportChannel.WEB, acting_user=None
    ).report
    alert = Alert.objects.get(report=report)
    link = f"{django_settings.SITE_URL}{reverse('triage:report', args=[report.uuid])}"
    expected = (report.reference, "Biasa", KELURAHAN, link)

    deliver_alert(alert.pk)

    assert set(statuses(report).values()) == {DeliveryStatus.SENT}
    (email,) = mailoutbox
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    ((_headers, body),) = gateway.posts
    webhook_text = body.decode()
    in_app_text = json.dumps(alert_content(alert).as_payload(), ensure_ascii=False)
    for text in (email.subject, email.body, html, webhook_text, in_app_text):
        assert_says_nothing_identifying(text)
    assert report.reference in email.subject and "Biasa" in email.subject
    for text in (email.body, html, webhook_text, in_app_text):
        assert all(value in text for value in expected), (expected, text)


# --- each event once, each delivery once ---------------------------------------------------------------


def test_it_raises_an_event_once_however_often_it_is_asked(on_duty, supervisor):
    report = new_report()

    again = services.report_alert_new(report)
    other_ask = services.alert_raise(
        key=f"report:{report.pk}:new", kind=AlertKind.NEW_REPORT, level=1, recipients=[supervisor], report=report
    )

    assert again is None and other_ask is None
    assert Alert.objects.filter(report=report).count() == 1
    assert set(statuses(report)) == {("petugas", "email"), ("petugas", "webhook"), ("petugas", "in_app")}


def test_it_refuses_a_second_delivery_to_the_same_person_over_the_same_channel(on_duty):
    report = new_report()
    alert = Alert.objects.get(report=report)

    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.bulk_create([Delivery(alert=alert, recipient=on_duty, channel=Channel.EMAIL)])
    newcomer = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.bulk_create([Delivery(alert=alert, recipient=newcomer, channel=Channel.IN_APP) for _ in "ab"])

    assert Delivery.objects.filter(alert=alert).count() == 3


def test_it_sends_once_when_the_delivery_task_runs_twice(on_duty, gateway, mailoutbox):
    report = new_report()
    alert = Alert.objects.get(report=report)

    deliver_alert(alert.pk)
    deliver_alert(alert.pk)

    assert len(mailoutbox) == 1 and len(gateway.posts) == 1
    assert set(Delivery.objects.filter(alert=alert).values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


@pytest.mark.parametrize("broken", ["escalation_sweep", "unread_message_sweep", "legal_sweep"])
def test_a_failing_sweep_rule_holds_back_neither_the_others_nor_what_is_due(
    broken, on_duty, supervisor, mailoutbox, monkeypatch, caplog
):
    report = new_report()
    email = delivery(report, on_duty, Channel.EMAIL)
    # Overdue for the supervisor: the escalation rule has something to raise when it runs.
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(days=10))

    def bug(*, now):
        raise ZeroDivisionError("a bug in one rule")

    monkeypatch.setattr(services, broken, bug)
    with pytest.raises(ZeroDivisionError):
        sweep()

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT, "what was due went out despite the failing rule"
    escalated = Alert.objects.filter(report=report, kind=AlertKind.ESCALATION_SUPERVISOR).exists()
    assert escalated == (broken != "escalation_sweep"), "the other rules still ran"
    assert f"Alert sweep step {broken} failed" in caplog.text


def test_it_leaves_a_delivery_another_worker_holds_and_takes_it_back_when_that_worker_died(on_duty, mailoutbox):
    report = new_report()
    email = delivery(report, on_duty, Channel.EMAIL)
    now = timezone.now()
    Delivery.objects.filter(pk=email.pk).update(status=DeliveryStatus.SENDING, claimed_at=now - 5 * SECOND)

    assert services.delivery_send(delivery_id=email.pk) == DeliveryStatus.SENDING
    sweep()
    assert mailoutbox == []
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENDING

    dead_since = now - timedelta(seconds=django_settings.ALERT_CLAIM_TIMEOUT_SECONDS) - SECOND
    Delivery.objects.filter(pk=email.pk).update(claimed_at=dead_since)
    sweep()
    sweep()

    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and email.attempts == 1
    assert len(mailoutbox) == 1


# --- the broker is down --------------------------------------------------------------------------------


def test_it_keeps_the_report_when_the_broker_is_down_and_the_sweep_sends_later(
    on_duty, settings, monkeypatch, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    settings.ALERT_WEBHOOK_URLS = []
    wants(on_duty, email=True, in_app=True)
    broker_back = celery_app.conf.broker_url
    point_celery_at(monkeypatch, settings, "redis://127.0.0.1:1/0")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submitted = report_submit(data=report_input(), channel=ReportChannel.WEB, acting_user=None)

    assert len(callbacks) == 1 and "could not enqueue" in caplog.text
    assert submitted.report.pk and submitted.receipt_code
    assert statuses(submitted.report) == {("petugas", "email"): "pending", ("petugas", "in_app"): "pending"}
    assert mailoutbox == []

    point_celery_at(monkeypatch, settings, broker_back)
    sweep()

    assert set(statuses(submitted.report).values()) == {DeliveryStatus.SENT}
    assert len(mailoutbox) == 1 and submitted.report.reference in mailoutbox[0].subject


# --- the chat gateway ----------------------------------------------------------------------------------


def test_it_signs_the_exact_webhook_body_with_hmac_sha256(on_duty, gateway):
    wants(on_duty, webhook=True)
    report = new_report()

    assert services.delivery_send(delivery_id=delivery(report, on_duty, Channel.WEBHOOK).pk) == DeliveryStatus.SENT

    ((headers, body),) = gateway.posts
    assert headers["Content-Type"] == "application/json"
    assert gateway_verifies(headers, body)
    payload = json.loads(body)
    assert payload["reference"] == report.reference
    assert payload["recipient"] == {"username": "petugas", "phone": "0811-0000-1111"}


def gateway_verifies(headers, body: bytes) -> bool:
    """What README ("Chat gateways") tells a gateway to check, over the exact body."""
    expected = hmac.new(b"rahasia-uji-gateway-0123456789-abcdefghij", body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-KLA-Signature"], f"sha256={expected}")


def test_it_signs_the_delivery_id_and_the_time_so_a_gateway_drops_duplicates_and_replays(on_duty, gateway):
    wants(on_duty, webhook=True)
    webhook = delivery(new_report(), on_duty, Channel.WEBHOOK)
    gateway.status = 500  # the first attempt fails: the retry is the same delivery, sent later

    before = timezone.now().replace(microsecond=0)
    services.delivery_send(delivery_id=webhook.pk)
    gateway.status = 200
    services.delivery_send(delivery_id=webhook.pk, now=timezone.now() + timedelta(hours=1))

    (first_headers, first), (second_headers, second) = gateway.posts
    first_payload, second_payload = json.loads(first), json.loads(second)
    assert first_payload["delivery_id"] == second_payload["delivery_id"] == webhook.pk
    assert first_headers["X-KLA-Delivery"] == second_headers["X-KLA-Delivery"] == str(webhook.pk)
    for headers, payload in ((first_headers, first_payload), (second_headers, second_payload)):
        assert headers["X-KLA-Timestamp"] == payload["sent_at"]
        sent_at = datetime.strptime(payload["sent_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert before <= sent_at <= timezone.now()
    # Replaying the body with a fresh time, or under another delivery id, breaks the signature.
    for field, forged in (("sent_at", "2099-01-01T00:00:00Z"), ("delivery_id", webhook.pk + 1)):
        tampered = json.dumps({**second_payload, field: forged}, ensure_ascii=False, sort_keys=True).encode()
        assert gateway_verifies(second_headers, second) and not gateway_verifies(second_headers, tampered)


def assert_retried_without_content(delivery_row, report, *, attempts, error, after):
    delivery_row.refresh_from_db()
    assert delivery_row.status == DeliveryStatus.PENDING
    assert delivery_row.attempts == attempts
    assert delivery_row.last_error == error
    assert report.reference not in delivery_row.last_error and KELURAHAN not in delivery_row.last_error
    assert delivery_row.next_attempt_at == after


def test_it_retries_a_webhook_answering_500_with_doubling_waits(on_duty, gateway, settings):
    settings.ALERT_RETRY_BASE_SECONDS = 30
    gateway.status = 500
    wants(on_duty, webhook=True)
    report = new_report()
    webhook = delivery(report, on_duty, Channel.WEBHOOK)
    now = timezone.now()

    assert services.delivery_send(delivery_id=webhook.pk, now=now) == DeliveryStatus.PENDING
    assert_retried_without_content(
        webhook, report, attempts=1, error="webhook failed: HTTPError", after=now + timedelta(seconds=30)
    )
    assert services.delivery_send(delivery_id=webhook.pk, now=now + 29 * SECOND) == DeliveryStatus.PENDING
    assert len(gateway.posts) == 1  # not due yet: nothing was sent

    second = now + timedelta(seconds=31)
    services.delivery_send(delivery_id=webhook.pk, now=second)
    assert_retried_without_content(
        webhook, report, attempts=2, error="webhook failed: HTTPError", after=second + timedelta(seconds=60)
    )
    third = second + timedelta(seconds=61)
    services.delivery_send(delivery_id=webhook.pk, now=third)
    assert_retried_without_content(
        webhook, report, attempts=3, error="webhook failed: HTTPError", after=third + timedelta(seconds=120)
    )

    gateway.status = 200
    fourth = third + timedelta(seconds=121)
    assert services.delivery_send(delivery_id=webhook.pk, now=fourth) == DeliveryStatus.SENT
    assert len(gateway.posts) == 4


def test_it_retries_a_webhook_that_does_not_answer_within_the_timeout(on_duty, gateway, settings):
    settings.ALERT_WEBHOOK_TIMEOUT_SECONDS = 1
    settings.ALERT_RETRY_BASE_SECONDS = 30
    gateway.delay = 10
    wants(on_duty, webhook=True)
    report = new_report()
    webhook = delivery(report, on_duty, Channel.WEBHOOK)
    now = timezone.now()

    started = time.monotonic()
    assert services.delivery_send(delivery_id=webhook.pk, now=now) == DeliveryStatus.PENDING
    waited = time.monotonic() - started

    assert 1 <= waited < 3
    assert_retried_without_content(
        webhook, report, attempts=1, error="webhook failed: TimeoutError", after=now + timedelta(seconds=30)
    )


def test_it_sends_email_in_app_and_to_others_when_the_webhook_fails(on_duty, supervisor, gateway, mailoutbox):
    gateway.status = 500
    supervisor.email = "koordinator@example.org"
    supervisor.save()
    wants(supervisor, webhook=True, in_app=True)
    report = new_report(danger_now="yes")  # urgent: the supervisor is told too

    deliver_alert(Alert.objects.get(report=report).pk)

    assert statuses(report) == {
        ("petugas", "email"): "sent",
        ("petugas", "webhook"): "pending",
        ("petugas", "in_app"): "sent",
        ("koordinator", "webhook"): "pending",
        ("koordinator", "in_app"): "sent",
    }
    assert [message.to for message in mailoutbox] == [["petugas@example.org"]]
    assert len(gateway.posts) == 2


# --- the SMTP server -----------------------------------------------------------------------------------


@pytest.fixture
def smtp_server(settings):
    inbox = _Inbox()
    server = _SMTPServer(inbox, hostname="127.0.0.1", port=0)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    server.inbox = inbox
    yield server
    server.stop()


def test_it_sends_the_email_in_indonesian_with_text_and_html_through_smtp(on_duty, smtp_server):
    wants(on_duty, email=True)
    report = new_report()

    with translation.override("id"):
        title = alert_content(Alert.objects.get(report=report)).title
    assert services.delivery_send(delivery_id=delivery(report, on_duty, Channel.EMAIL).pk) == DeliveryStatus.SENT

    (envelope,) = smtp_server.inbox.envelopes
    assert envelope.rcpt_tos == ["petugas@example.org"]
    message = message_from_bytes(envelope.content, policy=email_policy.default)
    assert message["Subject"] == f"[Biasa] {title} · {report.reference}"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert f"Nomor: {report.reference}" in text.get_content()
    assert '<html lang="id">' in html.get_content() and report.reference in html.get_content()


def test_it_retries_the_email_when_the_smtp_server_is_down_and_still_sends_in_app(on_duty, smtp_server):
    wants(on_duty, email=True, in_app=True)
    smtp_server.stop()
    report = new_report()

    deliver_alert(Alert.objects.get(report=report).pk)

    email = delivery(report, on_duty, Channel.EMAIL)
    assert email.status == DeliveryStatus.PENDING and email.attempts == 1
    assert email.next_attempt_at > timezone.now()
    assert email.last_error == "ConnectionRefusedError"
    assert delivery(report, on_duty, Channel.IN_APP).status == DeliveryStatus.SENT


# --- the clocks: escalation and reminders --------------------------------------------------------------


def escalate(report, hours, nudge=timedelta(0)) -> int:
    """Run the escalation sweep `hours` (and a nudge) after the report came in."""
    return services.escalation_sweep(now=report.received_at + timedelta(hours=hours) + nudge)


def recipients(report, *, level) -> set[int]:
    return set(Delivery.objects.filter(alert__report=report, alert__level=level).values_list("recipient", flat=True))


@pytest.mark.parametrize(
    ("overrides", "priority", "supervisor_after", "head_after"),
    [({"danger_now": "yes"}, "darurat", 1, 2), ({"child_age": 4}, "tinggi", 24, 48), ({}, "biasa", 72, 120)],
    ids=["darurat", "tinggi", "biasa"],
)
def test_it_escalates_each_level_once_just_after_the_response_hours(
    on_duty, supervisor, head, overrides, priority, supervisor_after, head_after
):
    report = new_report(**overrides)
    assert report.priority == priority

    assert escalate(report, supervisor_after, -SECOND) == 0
    assert escalate(report, supervisor_after, SECOND) == 1
    assert escalate(report, supervisor_after, SECOND) == 0
    assert escalate(report, head_after, -SECOND) == 0
    assert escalate(report, head_after, SECOND) == 1
    assert escalate(report, head_after * 10) == 0

    levels = Alert.objects.filter(report=report).values_list("level", "kind")
    assert sorted(levels) == [
        (1, AlertKind.NEW_REPORT),
        (2, AlertKind.ESCALATION_SUPERVISOR),
        (3, AlertKind.ESCALATION_HEAD),
    ]
    assert recipients(report, level=2) == {supervisor.pk} and recipients(report, level=3) == {head.pk}


def test_it_stops_escalating_once_the_report_is_acknowledged(on_duty, supervisor, head):
    report = new_report()
    assert services.escalation_sweep(now=report.received_at + timedelta(hours=72) + SECOND) == 1

    report_acknowledge(report=report, acting_user=on_duty)

    assert services.escalation_sweep(now=report.received_at + timedelta(hours=1000)) == 0
    assert not Alert.objects.filter(report=report, level=3).exists()


def test_it_takes_the_response_hours_from_settings(on_duty, supervisor, head, settings):
    hours = deepcopy(settings.REPORT_RESPONSE_HOURS)
    hours["biasa"].update(supervisor=5, head=9)
    settings.REPORT_RESPONSE_HOURS = hours
    report = new_report()

    assert escalate(report, 5, -SECOND) == 0
    assert escalate(report, 5, SECOND) == 1
    assert escalate(report, 9, -SECOND) == 0
    assert escalate(report, 9, SECOND) == 1


def local(day, hour=12, minute=0, second=0) -> datetime:
    """That wall-clock time in Balikpapan, handed over in UTC as the real clock gives it."""
    return timezone.make_aware(datetime.combine(day, clock(hour, minute, second))).astimezone(UTC)


def just_before(day) -> datetime:
    return local(day, 23, 59, 59)


def just_after(day) -> datetime:
    return local(day + timedelta(days=1), 0, 0, 1)


@pytest.fixture
def case(officer, supervisor, settings):
    settings.REMINDER_SUPERVISOR_AFTER_DAYS = 3
    settings.CASE_INACTIVE_DAYS = 60
    case = ts.report_accept(report=new_report(), acting_user=officer)
    return cs.case_record_assessment(
        case=case,
        risk_level="sedang",
        needs="Pendampingan psikolog",
        expected_version=case.version,
        acting_user=officer,
    )


def case_alerts(case) -> list[tuple[str, set[int]]]:
    return [
        (alert.kind, set(alert.deliveries.values_list("recipient", flat=True)))
        for alert in Alert.objects.filter(case=case).order_by("pk")
    ]


def test_it_reminds_the_officer_of_an_overdue_follow_up_once_and_the_supervisor_days_later_once(
    case, officer, supervisor
):
    due = timezone.localdate() + timedelta(days=7)
    cs.follow_up_record(case=case, data=follow_up_input(next_follow_up_on=due), acting_user=officer)

    assert services.reminder_sweep(now=just_before(due)) == 0
    assert services.reminder_sweep(now=just_after(due)) == 1
    assert services.reminder_sweep(now=local(due + timedelta(days=1), 18)) == 0
    assert services.reminder_sweep(now=just_before(due + timedelta(days=3))) == 0
    assert services.reminder_sweep(now=just_after(due + timedelta(days=3))) == 1
    assert services.reminder_sweep(now=local(due + timedelta(days=9))) == 0

    assert case_alerts(case) == [(AlertKind.FOLLOW_UP_DUE, {officer.pk}), (AlertKind.STILL_OVERDUE, {supervisor.pk})]


def test_reminders_run_hourly_on_their_own_and_the_minute_sweep_leaves_them(case, officer):
    """The minute sweep's cost follows what is due (issue 9); the reminders read every open case
    and their deadlines are dates, so beat runs them hourly as alerts.tasks.remind."""
    schedule = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["alerts.tasks.sweep"] == 60.0
    assert schedule["alerts.tasks.remind"] == 3600.0
    assert "alerts.tasks.remind" in celery_app.tasks
    today = timezone.localdate()
    visit = follow_up_input(visited_on=today - timedelta(days=8), next_follow_up_on=today - timedelta(days=1))
    cs.follow_up_record(case=case, data=visit, acting_user=officer)

    sweep()
    assert case_alerts(case) == []
    remind()
    assert case_alerts(case) == [(AlertKind.FOLLOW_UP_DUE, {officer.pk})]


def test_it_reminds_the_officer_of_an_overdue_service_once_and_the_supervisor_days_later_once(
    case, officer, supervisor
):
    planned = timezone.localdate() + timedelta(days=2)
    cs.service_plan(case=case, data=service_input(planned_on=planned), acting_user=officer)

    assert services.reminder_sweep(now=just_before(planned)) == 0
    assert services.reminder_sweep(now=just_after(planned)) == 1
    assert services.reminder_sweep(now=local(planned + timedelta(days=2))) == 0
    assert services.reminder_sweep(now=just_before(planned + timedelta(days=3))) == 0
    assert services.reminder_sweep(now=just_after(planned + timedelta(days=3))) == 1
    assert services.reminder_sweep(now=local(planned + timedelta(days=9))) == 0

    assert case_alerts(case) == [(AlertKind.SERVICE_DUE, {officer.pk}), (AlertKind.STILL_OVERDUE, {supervisor.pk})]


def test_it_flags_a_case_without_activity_to_supervisors_once(case, supervisor, settings):
    settings.CASE_INACTIVE_DAYS = 14
    case.refresh_from_db()
    quiet_from = case.updated_at + timedelta(days=14)

    assert services.reminder_sweep(now=quiet_from - SECOND) == 0
    assert services.reminder_sweep(now=quiet_from + SECOND) == 1
    assert services.reminder_sweep(now=quiet_from + timedelta(days=30)) == 0

    assert case_alerts(case) == [(AlertKind.CASE_INACTIVE, {supervisor.pk})]


def test_it_does_not_flag_a_case_whose_officer_just_visited(case, officer, supervisor, settings):
    settings.CASE_INACTIVE_DAYS = 14
    # The case itself was last edited long ago; the officer recorded a visit today.
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - timedelta(days=20))
    # The next visit is far enough away not to be overdue at any hour of the day the test runs
    # (14 days and an hour later is already the next local day after 23:00 in Balikpapan).
    later = timezone.localdate() + timedelta(days=30)
    cs.follow_up_record(case=case, data=follow_up_input(next_follow_up_on=later), acting_user=officer)

    assert services.reminder_sweep(now=timezone.now()) == 0
    assert services.reminder_sweep(now=timezone.now() + timedelta(days=14, hours=1)) == 1
    assert case_alerts(case) == [(AlertKind.CASE_INACTIVE, {supervisor.pk})]
