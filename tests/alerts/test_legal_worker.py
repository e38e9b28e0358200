"""UU TPKS Pasal 41 with a real worker and beat on each broker: a sexual-violence case whose 3x24 h
deadline has passed without the police reaches a supervisor within seconds, by the minute sweep
(alerts.tasks.sweep -> alerts.services.legal_sweep), as a POLICE_OVERDUE alert delivered."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import AlertKind, Channel, Delivery, DeliveryStatus, NotificationPreference
from reports.models import Report
from tests.alerts.test_alerts_integration import send_tasks_to, start_worker, stop
from tests.alerts.test_alerts_reliability import webhook_receiver
from tests.cases_data import new_report
from tests.services import mail_files_messages
from triage.services import report_accept


@pytest.mark.services
@pytest.mark.parametrize("kind", ["file", "redis"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_overdue_police_deadline_reaches_a_supervisor_through_a_real_worker(
    tmp_path, settings, monkeypatch, officer, supervisor, kind
):
    broker_env = send_tasks_to(monkeypatch, settings, tmp_path, kind)
    officer.email, supervisor.email = "petugas@example.org", "koordinator@example.org"
    officer.save()
    supervisor.save()
    NotificationPreference.objects.create(user=supervisor, email=True, webhook=True, in_app=True)
    report = new_report(violence_types=["seksual"], child_name="Melati Rahasia")
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(hours=75))
    case = report_accept(report=Report.objects.get(pk=report.pk), acting_user=officer)
    assert case.legal.police_due_at < timezone.now()
    overdue = Delivery.objects.filter(alert__case=case, alert__kind=AlertKind.POLICE_OVERDUE)

    with webhook_receiver() as gateway:
        started = timezone.now()
        worker, log = start_worker(tmp_path, broker_env, gateway.url, beat=True, ALERT_SWEEP_SECONDS="1")
        try:
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline and worker.poll() is None:
                if overdue.exists() and not overdue.exclude(status=DeliveryStatus.SENT).exists() and gateway.posts:
                    break
                time.sleep(0.2)
        finally:
            stop(worker)
        worker_output = log.read_text()[-3000:]
        posts = list(gateway.posts)

    assert sorted(overdue.values_list("recipient__username", "channel", "status")) == [
        ("koordinator", Channel.EMAIL, DeliveryStatus.SENT),
        ("koordinator", Channel.IN_APP, DeliveryStatus.SENT),
        ("koordinator", Channel.WEBHOOK, DeliveryStatus.SENT),
    ], worker_output
    latest = max(overdue.values_list("sent_at", flat=True))
    assert (latest - started).total_seconds() < 40, worker_output
    payloads = [body.decode() for _headers, body in posts]
    assert any(case.reference in body and "TPKS" in body for body in payloads), payloads
    assert not any("Melati" in body for body in payloads), "no identity in an alert"
    mail = mail_files_messages(tmp_path / "mail")
    assert any(message["To"] == "koordinator@example.org" and case.reference in message["Subject"] for message in mail)
