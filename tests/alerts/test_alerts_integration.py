"""One real worker against a real broker: an urgent report submitted here is enqueued on commit
into the broker, picked up by a `celery worker` process on the test database, and reaches a
chat gateway and a mailbox, with every delivery `sent` in the database. Both brokers: kombu's
filesystem transport (what `make run` uses on a laptop) and Redis (production)."""

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from alerts.models import Channel, Delivery, DeliveryStatus, NotificationPreference
from balikpapan_kla.celery import app as celery_app
from reports.choices import Channel as ReportChannel
from reports.choices import Priority
from reports.services import report_submit
from tests.alerts.test_alerts_reliability import point_celery_at, webhook_receiver
from tests.reporting import report_input
from tests.services import mail_files_messages, worker_broker, worker_database_url

ROOT = Path(__file__).resolve().parents[2]
# Secrets the worker must share with this process to read what it wrote; unset, both take the
# same development defaults.
SHARED_SECRETS = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "RECEIPT_CODE_SECRET",
    "CHILD_MATCH_SECRET",
    "ALERT_WEBHOOK_SECRET",
    "SITE_URL",
)


def start_worker(
    tmp_path: Path, broker_env: dict[str, str], webhook_url: str, *, beat: bool = False, **settings_env: str
) -> tuple[subprocess.Popen, Path]:
    """A solo worker (with beat embedded if asked); `settings_env` sets more of its settings."""
    log = tmp_path / "worker.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "VAR_DIR": str(tmp_path),  # no EMAIL_URL: mail is written to files under VAR_DIR/mail
        "DATABASE_URL": worker_database_url(),
        **broker_env,
        "ALERT_WEBHOOK_URLS": webhook_url,
        **{name: os.environ[name] for name in SHARED_SECRETS if name in os.environ},
        **settings_env,
    }
    with log.open("a") as output:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "balikpapan_kla",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"alerts-{os.getpid()}@%h",
                *(["--beat", "--schedule", str(tmp_path / "beat-schedule")] if beat else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return worker, log


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def send_tasks_to(monkeypatch, settings, tmp_path: Path, kind: str) -> dict[str, str]:
    """Point this process's Celery app at the broker a worker will read; its environment."""
    broker, broker_env = worker_broker(tmp_path, kind)
    point_celery_at(monkeypatch, settings, broker)
    if kind == "file":
        # The worker derives these folders from its VAR_DIR (settings); this process must agree.
        queue, control = tmp_path / "celery" / "queue", tmp_path / "celery" / "control"
        options = {"data_folder_in": str(queue), "data_folder_out": str(queue), "control_folder": str(control)}
        monkeypatch.setitem(celery_app.conf, "broker_transport_options", {**options, "store_processed": False})
        queue.mkdir(parents=True, exist_ok=True)
        control.mkdir(parents=True, exist_ok=True)
    return broker_env


@pytest.mark.services
@pytest.mark.parametrize("kind", ["file", "redis"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_delivers_an_urgent_report_through_a_real_worker_and_broker(
    tmp_path, settings, monkeypatch, officer, supervisor, kind
):
    broker_env = send_tasks_to(monkeypatch, settings, tmp_path, kind)
    officer.email, supervisor.email = "petugas@example.org", "koordinator@example.org"
    officer.save()
    supervisor.save()
    NotificationPreference.objects.create(user=officer, on_duty=True, email=True, webhook=True, in_app=True)
    mail = tmp_path / "mail"

    with webhook_receiver() as gateway:
        worker, log = start_worker(tmp_path, broker_env, gateway.url)
        try:
            report = report_submit(
                data=report_input(danger_now="yes"), channel=ReportChannel.WEB, acting_user=None
            ).report
            deliveries = Delivery.objects.filter(alert__report=report)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and worker.poll() is None:
                everything_sent = deliveries.exists() and not deliveries.exclude(status=DeliveryStatus.SENT).exists()
                if everything_sent and gateway.posts and mail.is_dir() and any(mail.iterdir()):
                    break
                time.sleep(0.2)
        finally:
            stop(worker)
        worker_output = log.read_text()[-3000:]

        assert report.priority == Priority.DARURAT
        assert sorted(deliveries.values_list("recipient__username", "channel", "status", "attempts")) == [
            ("koordinator", Channel.EMAIL, DeliveryStatus.SENT, 1),
            ("koordinator", Channel.IN_APP, DeliveryStatus.SENT, 1),
            ("petugas", Channel.EMAIL, DeliveryStatus.SENT, 1),
            ("petugas", Channel.IN_APP, DeliveryStatus.SENT, 1),
            ("petugas", Channel.WEBHOOK, DeliveryStatus.SENT, 1),
        ], worker_output
        ((headers, body),) = gateway.posts
    expected = hmac.new(django_settings.ALERT_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-KLA-Signature"] == f"sha256={expected}"
    assert json.loads(body)["reference"] == report.reference
    messages = mail_files_messages(mail)
    assert sorted(message["To"] for message in messages) == ["koordinator@example.org", "petugas@example.org"]
    assert all(report.reference in message["Subject"] for message in messages)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reporters_message_on_an_accepted_and_a_closed_case_reaches_staff_through_a_real_worker(
    tmp_path, settings, monkeypatch, client, officer, supervisor
):
    """Issue 17: the child writes after acceptance and after closure; each message reaches the
    case's officer (and, closed, the supervisors) within seconds, shows unread, and is on the
    case page."""
    from django.urls import reverse

    from alerts.models import Alert
    from tests.alerts.test_reporter_messages import CHILD, accepted, close, write
    from tests.conftest import login_as

    broker_env = send_tasks_to(monkeypatch, settings, tmp_path, "file")
    officer.email, supervisor.email = "petugas@example.org", "koordinator@example.org"
    officer.save()
    supervisor.save()
    report, case = accepted(officer)
    with webhook_receiver() as gateway:
        worker, log = start_worker(tmp_path, broker_env, gateway.url)
        try:
            on_open = write(report)
            close(case)
            on_closed = write(report, "Aku takut lagi")
            deliveries = Delivery.objects.filter(alert__key__in=[f"message:{on_open.pk}", f"message:{on_closed.pk}"])
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and worker.poll() is None:
                if deliveries.count() and not deliveries.exclude(status=DeliveryStatus.SENT).exists():
                    break
                time.sleep(0.2)
        finally:
            stop(worker)
        worker_output = log.read_text()[-3000:]

    sent = {
        (alert, user)
        for alert, user, status in deliveries.values_list("alert__key", "recipient__username", "status")
        if status == DeliveryStatus.SENT
    }
    assert {
        (f"message:{on_open.pk}", "petugas"),
        (f"message:{on_closed.pk}", "petugas"),
        (f"message:{on_closed.pk}", "koordinator"),
    } <= sent, worker_output
    assert not deliveries.exclude(status=DeliveryStatus.SENT).exists(), worker_output
    assert Alert.objects.get(key=f"message:{on_open.pk}").case_id == case.pk

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    login_as(client, officer)
    assert "2 unread messages" in client.get(reverse("cases:list"), {"status": "all"}).content.decode()
    page = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert CHILD in page and "Aku takut lagi" in page and "2 unread messages" in page
