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
@pytest.mark.parametrize("kind", ["file", "redis"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reporters_message_on_an_accepted_and_a_closed_case_reaches_staff_through_a_real_worker(
    tmp_path, settings, monkeypatch, client, officer, other_officer, supervisor, kind
):
    """Issue 17: the child writes after acceptance and after closure; each message reaches the
    case's officer (and, closed, the supervisors: only then) within seconds through a real
    worker on each broker, shows unread for them (notifications, case list, inbox), and is on
    the case page for each of them."""
    from django.urls import reverse
    from django.utils import timezone

    from alerts.models import Alert
    from cases.choices import CaseStatus, ClosureReason
    from cases.models import Case
    from reports.services import report_message_add
    from tests.cases_data import new_report
    from tests.conftest import login_as
    from triage.services import report_accept

    child = "om sudah pulang lagi… Aku takut"

    def write(body=child):
        return report_message_add(report=report, body=body, acting_user=None)

    def close():
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.CLOSED, closed_at=timezone.now(), closure_reason=ClosureReason.GOALS_MET
        )

    broker_env = send_tasks_to(monkeypatch, settings, tmp_path, kind)
    officer.email, supervisor.email = "petugas@example.org", "koordinator@example.org"
    officer.save()
    supervisor.save()
    # On duty, but not the case's officer: a message on the case is not theirs.
    NotificationPreference.objects.create(user=other_officer, on_duty=True)
    report = new_report()
    case = report_accept(report=report, acting_user=officer)
    with webhook_receiver() as gateway:
        worker, log = start_worker(tmp_path, broker_env, gateway.url)
        try:
            on_open = write()
            close()
            on_closed = write("Aku takut lagi")
            keys = {on_open.pk: f"message:{on_open.pk}", on_closed.pk: f"message:{on_closed.pk}"}
            deliveries = Delivery.objects.filter(alert__key__in=keys.values())
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and worker.poll() is None:
                if deliveries.count() and not deliveries.exclude(status=DeliveryStatus.SENT).exists():
                    break
                time.sleep(0.2)
        finally:
            stop(worker)
        worker_output = log.read_text()[-3000:]

    assert deliveries.exists() and not deliveries.exclude(status=DeliveryStatus.SENT).exists(), worker_output
    told = {
        key: set(deliveries.filter(alert__key=key).values_list("recipient__username", flat=True))
        for key in keys.values()
    }
    assert told == {keys[on_open.pk]: {"petugas"}, keys[on_closed.pk]: {"petugas", "koordinator"}}, worker_output
    for message in (on_open, on_closed):
        alert = Alert.objects.get(key=keys[message.pk])
        assert alert.case_id == case.pk and alert.report_id == report.pk
        # Within seconds of the message, however long the worker took to start.
        latest = max(deliveries.filter(alert=alert).values_list("sent_at", flat=True))
        assert (latest - message.created_at).total_seconds() < 30, worker_output
    in_app = deliveries.filter(channel=Channel.IN_APP)
    assert set(in_app.values_list("alert__key", "recipient__username", "read_at")) == {
        (keys[on_open.pk], "petugas", None),
        (keys[on_closed.pk], "petugas", None),
        (keys[on_closed.pk], "koordinator", None),
    }

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = reverse("cases:detail", args=[case.uuid])
    for user, unread in ((officer, 2), (supervisor, 1)):
        login_as(client, user)
        notifications = client.get(reverse("alerts:inbox")).content.decode()
        assert report.reference in notifications or case.reference in notifications
        counted = f"{unread} unread message{'s' if unread > 1 else ''}"
        case_list = client.get(reverse("cases:list"), {"status": "all"}).content.decode()
        assert case.reference in case_list and counted in case_list, user.username
        assert counted in client.get(reverse("triage:inbox")).content.decode(), user.username
        page = client.get(detail).content.decode()
        assert child in page and "Aku takut lagi" in page and counted in page, user.username
        assert "unread message" not in client.get(detail).content.decode()  # read now
