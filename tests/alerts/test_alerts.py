from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from alerts import services
from alerts.models import Alert, AlertKind, Delivery, DeliveryStatus, NotificationPreference
from tests.cases_data import new_report
from tests.factories import UserFactory
from triage.services import report_acknowledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_duty(officer):
    officer.email = "petugas@example.org"
    officer.save()
    NotificationPreference.objects.create(user=officer, on_duty=True)
    return officer


def test_a_new_report_alerts_the_officer_on_duty_by_email_and_in_app(on_duty, supervisor, mailoutbox):
    report = new_report()

    alert = Alert.objects.get(report=report)
    deliveries = Delivery.objects.filter(alert=alert)
    assert alert.kind == AlertKind.NEW_REPORT
    assert {(d.recipient, d.channel) for d in deliveries} == {(on_duty, "email"), (on_duty, "in_app")}

    for delivery in deliveries:
        assert services.delivery_send(delivery_id=delivery.pk) == DeliveryStatus.SENT
    assert len(mailoutbox) == 1 and report.reference in mailoutbox[0].subject


def test_nobody_on_duty_means_supervisors_and_urgent_reports_tell_supervisors_too(officer, supervisor, on_duty):
    NotificationPreference.objects.filter(user=on_duty).update(on_duty=False)
    quiet = new_report()
    urgent = new_report(danger_now="yes")
    NotificationPreference.objects.filter(user=on_duty).update(on_duty=True)
    urgent_on_duty = new_report(danger_now="yes")

    recipients = lambda report: set(Delivery.objects.filter(alert__report=report).values_list("recipient", flat=True))  # noqa: E731
    assert recipients(quiet) == {supervisor.pk}
    assert recipients(urgent) == {supervisor.pk}
    assert recipients(urgent_on_duty) == {on_duty.pk, supervisor.pk}


def test_a_delivery_is_sent_once_even_if_the_task_runs_twice(on_duty, mailoutbox):
    report = new_report()
    email = Delivery.objects.get(alert__report=report, channel="email")

    services.delivery_send(delivery_id=email.pk)
    services.delivery_send(delivery_id=email.pk)

    assert len(mailoutbox) == 1


def test_the_ladder_escalates_each_level_once_on_schedule_and_stops_when_acknowledged(on_duty, supervisor):
    head = UserFactory(role=Role.HEAD, username="kepala")
    report = new_report()  # biasa: supervisor after 72 hours, head after 120
    start = report.received_at

    assert services.escalation_sweep(now=start + timedelta(hours=71)) == 0
    assert services.escalation_sweep(now=start + timedelta(hours=73)) == 1
    assert services.escalation_sweep(now=start + timedelta(hours=80)) == 0
    level2 = Alert.objects.get(report=report, level=2)
    assert set(level2.deliveries.values_list("recipient", flat=True)) == {supervisor.pk}

    other = new_report()
    report_acknowledge(report=other, acting_user=on_duty)
    assert services.escalation_sweep(now=start + timedelta(hours=121)) == 1
    assert set(Alert.objects.get(report=report, level=3).deliveries.values_list("recipient", flat=True)) == {head.pk}
    assert not Alert.objects.filter(report=other, level__gt=1).exists()


def test_a_failing_channel_is_retried_with_backoff_and_gives_up_after_the_limit(on_duty, settings, monkeypatch):
    from alerts import channels

    settings.ALERT_MAX_ATTEMPTS = 2

    def down(recipient, content):
        raise channels.ChannelError("smtp down")

    monkeypatch.setitem(channels.SENDERS, "email", down)
    report = new_report()
    email = Delivery.objects.get(alert__report=report, channel="email")
    now = timezone.now()

    assert services.delivery_send(delivery_id=email.pk, now=now) == DeliveryStatus.PENDING
    email.refresh_from_db()
    assert email.attempts == 1 and email.next_attempt_at > now and email.last_error == "smtp down"
    assert services.delivery_send(delivery_id=email.pk, now=now) == DeliveryStatus.PENDING  # not due yet
    assert services.delivery_send(delivery_id=email.pk, now=now + timedelta(hours=1)) == DeliveryStatus.FAILED
    in_app = Delivery.objects.get(alert__report=report, channel="in_app")
    assert services.delivery_send(delivery_id=in_app.pk) == DeliveryStatus.SENT


def test_an_escalation_with_nobody_to_tell_waits_for_someone(on_duty, supervisor):
    report = new_report()
    later = report.received_at + timedelta(hours=121)

    services.escalation_sweep(now=later)
    assert not Alert.objects.filter(report=report, level=3).exists()

    head = UserFactory(role=Role.HEAD, username="kepala_baru")
    services.escalation_sweep(now=later)
    assert set(Alert.objects.get(report=report, level=3).deliveries.values_list("recipient", flat=True)) == {head.pk}


def test_a_second_reminder_sweep_raises_nothing_and_asks_once_for_what_was_raised(
    on_duty, supervisor, django_assert_max_num_queries
):
    from cases import services as cs
    from tests.cases_data import service_input
    from triage import services as ts

    for _ in range(5):
        case = ts.report_accept(report=new_report(), acting_user=on_duty)
        cs.service_plan(
            case=case, data=service_input(planned_on=timezone.localdate() - timedelta(days=9)), acting_user=on_duty
        )
    now = timezone.now()
    first = services.reminder_sweep(now=now)

    with django_assert_max_num_queries(6):
        again = services.reminder_sweep(now=now)

    assert first == 10  # officer and supervisor, for each of the five overdue services
    assert again == 0
