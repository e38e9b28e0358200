"""A real worker under real faults (issue 15): the database drops every connection, as a
PostgreSQL restart or failover does; a worker is killed mid-delivery. Real `celery worker`
processes on the Redis broker, the test database, a real chat gateway and mail files."""

import json
import os
import signal
import time

import pytest
from django.db import connection

from alerts import channels
from alerts.models import Channel, Delivery, DeliveryStatus, NotificationPreference
from reports.choices import Channel as ReportChannel
from reports.services import report_submit
from tests.alerts.test_alerts_integration import send_tasks_to, start_worker, stop
from tests.alerts.test_alerts_reliability import webhook_receiver
from tests.reporting import report_input
from tests.services import mail_files_messages

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def staff(officer, supervisor):
    """The officer on duty on every channel, the supervisor by email and in-app (the default)."""
    officer.email, supervisor.email = "petugas@example.org", "koordinator@example.org"
    officer.save()
    supervisor.save()
    NotificationPreference.objects.create(user=officer, on_duty=True, email=True, webhook=True, in_app=True)
    return officer, supervisor


def urgent_report():
    return report_submit(data=report_input(danger_now="yes"), channel=ReportChannel.WEB, acting_user=None).report


def wait_until_sent(report, worker, *, seconds: float) -> float:
    """Seconds until every delivery of the report was sent (or `seconds`, when it never was)."""
    deliveries = Delivery.objects.filter(alert__report=report)
    started = time.monotonic()
    while time.monotonic() - started < seconds and worker.poll() is None:
        if deliveries.exists() and not deliveries.exclude(status=DeliveryStatus.SENT).exists():
            break
        time.sleep(0.2)
    return time.monotonic() - started


def sent_once(report) -> list[tuple[str, str, str, int]]:
    rows = Delivery.objects.filter(alert__report=report).values_list(
        "recipient__username", "channel", "status", "attempts"
    )
    return sorted(rows)


EVERY_DELIVERY_SENT_ONCE = [
    ("koordinator", Channel.EMAIL, DeliveryStatus.SENT, 1),
    ("koordinator", Channel.IN_APP, DeliveryStatus.SENT, 1),
    ("petugas", Channel.EMAIL, DeliveryStatus.SENT, 1),
    ("petugas", Channel.IN_APP, DeliveryStatus.SENT, 1),
    ("petugas", Channel.WEBHOOK, DeliveryStatus.SENT, 1),
]


def terminate_other_connections() -> int:
    """What a PostgreSQL restart or failover does to the worker: its connections are gone.
    Only this test database's backends, and not the test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def mails_to(mail_dir, reference) -> list[str]:
    messages = mail_files_messages(mail_dir)
    return sorted(message["To"] for message in messages if reference in message["Subject"])


def test_it_delivers_the_next_alert_at_once_after_the_database_dropped_the_workers_connection(
    tmp_path, settings, monkeypatch, staff
):
    broker_env = send_tasks_to(monkeypatch, settings, tmp_path, "redis")
    with webhook_receiver() as gateway:
        worker, log = start_worker(tmp_path, broker_env, gateway.url)
        try:
            before = urgent_report()
            wait_until_sent(before, worker, seconds=30)
            assert sent_once(before) == EVERY_DELIVERY_SENT_ONCE, log.read_text()[-3000:]

            assert terminate_other_connections() >= 1  # the worker kept its connection: it is cut

            after = urgent_report()
            waited = wait_until_sent(after, worker, seconds=60)
        finally:
            stop(worker)
        worker_output = log.read_text()[-3000:]
        posts = [json.loads(body)["reference"] for _headers, body in gateway.posts]

    assert sent_once(after) == EVERY_DELIVERY_SENT_ONCE, worker_output
    assert waited < 60
    assert posts == [before.reference, after.reference]
    assert mails_to(tmp_path / "mail", after.reference) == ["koordinator@example.org", "petugas@example.org"]
    assert "InterfaceError" not in worker_output and "OperationalError" not in worker_output


def signed(headers, body) -> bool:
    return headers["X-KLA-Signature"] == channels.webhook_signature(body)


def test_a_worker_killed_mid_post_is_resent_after_the_claim_timeout_under_the_same_delivery_id(
    tmp_path, settings, monkeypatch, staff
):
    claim_timeout = 20  # production: ALERT_CLAIM_TIMEOUT_SECONDS, 90 by default
    broker_env = send_tasks_to(monkeypatch, settings, tmp_path, "redis")
    with webhook_receiver() as gateway:
        gateway.delay = 60  # holds the first POST: the worker is in the middle of sending
        worker, log = start_worker(tmp_path, broker_env, gateway.url, ALERT_CLAIM_TIMEOUT_SECONDS=str(claim_timeout))
        try:
            report = urgent_report()
            deadline = time.monotonic() + 30
            while not gateway.posts and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.02)
            assert gateway.posts, log.read_text()[-3000:]
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            killed_at = time.monotonic()
        finally:
            stop(worker)
        webhook = Delivery.objects.get(alert__report=report, channel=Channel.WEBHOOK)
        assert (webhook.status, webhook.attempts) == (DeliveryStatus.SENDING, 0)
        first_claim = webhook.claimed_at

        gateway.delay = 0
        worker, log = start_worker(
            tmp_path,
            broker_env,
            gateway.url,
            beat=True,
            ALERT_CLAIM_TIMEOUT_SECONDS=str(claim_timeout),
            ALERT_SWEEP_SECONDS="1",
        )
        try:
            while len(gateway.posts) < 2 and time.monotonic() - killed_at < claim_timeout + 30:
                time.sleep(0.1)
            resent_after = time.monotonic() - killed_at
            wait_until_sent(report, worker, seconds=10)
        finally:
            stop(worker)
        worker_output = log.read_text()[-3000:]
        (first_headers, first), (second_headers, second) = gateway.posts

    assert sent_once(report) == EVERY_DELIVERY_SENT_ONCE, worker_output
    # Not before the claim timed out (a live worker is never overtaken), and soon after.
    webhook.refresh_from_db()
    assert (webhook.claimed_at - first_claim).total_seconds() >= claim_timeout
    assert resent_after < claim_timeout + 10
    # The gateway can tell it is the same delivery, and that each POST is fresh and ours.
    assert signed(first_headers, first) and signed(second_headers, second)
    first_payload, second_payload = json.loads(first), json.loads(second)
    assert first_payload["delivery_id"] == second_payload["delivery_id"] == webhook.pk
    assert first_headers["X-KLA-Delivery"] == second_headers["X-KLA-Delivery"] == str(webhook.pk)
    assert second_headers["X-KLA-Timestamp"] == second_payload["sent_at"] > first_payload["sent_at"]
    assert {key: value for key, value in first_payload.items() if key != "sent_at"} == {
        key: value for key, value in second_payload.items() if key != "sent_at"
    }
    assert mails_to(tmp_path / "mail", report.reference) == ["koordinator@example.org", "petugas@example.org"]
