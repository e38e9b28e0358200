"""UU PDP deadlines as alerts: a breach tells the DPO and the head of agency at once; the sweep
reminds the DPO 24 hours before a breach's notification or a request's answer is due, and tells both
once it is late; each once. An alert names the register's reference, never what happened."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts import services, tasks
from alerts.content import alert_content
from alerts.models import Alert, AlertKind, Delivery, DeliveryStatus
from privacy.choices import RequestStatus
from privacy.services import (
    SubjectRequestUpdateInput,
    breach_notification_record,
    breach_record,
    subject_request_record,
    subject_request_update,
)
from tests.conftest import login_as

from .data import BREACH_TEXT, breach_input, subject_request_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(dpo, head, officer, supervisor):
    for person, email in ((dpo, "ppd@example.org"), (head, "kepala@example.org")):
        person.email = email
        person.save()
    return {"dpo": dpo, "head": head}


def recipients(**filters):
    return sorted(Delivery.objects.filter(**filters).values_list("recipient__username", "channel"))


def test_recording_a_breach_alerts_the_dpo_and_the_head_at_once(people, mailoutbox):
    breach = breach_record(data=breach_input(), acting_user=people["dpo"])

    alert = Alert.objects.get(breach=breach)
    assert alert.kind == AlertKind.BREACH_RECORDED
    assert recipients(alert=alert) == [
        ("kepala", "email"),
        ("kepala", "in_app"),
        ("pelindungan_data", "email"),
        ("pelindungan_data", "in_app"),
    ]
    for delivery in Delivery.objects.filter(alert=alert):
        assert services.delivery_send(delivery_id=delivery.pk) == DeliveryStatus.SENT
    assert sorted(message.to[0] for message in mailoutbox) == ["kepala@example.org", "ppd@example.org"]
    message = mailoutbox[0]
    assert breach.reference in message.subject and "3×24 jam" in message.subject
    assert "[" not in message.subject, "no empty priority"
    text = message.body + message.alternatives[0][0]
    assert "Melati" not in text and BREACH_TEXT not in text
    assert reverse("privacy:breach", args=[breach.uuid]) in text


def test_a_breach_alert_says_no_identity_and_links_each_reader_to_the_register(people):
    breach = breach_record(data=breach_input(), acting_user=people["dpo"])
    alert = Alert.objects.get(breach=breach)

    for person in people.values():
        content = alert_content(alert, recipient=person)
        assert "Melati" not in str(content.as_payload())
        assert content.reference == breach.reference and content.due_text
        assert content.link.endswith(reverse("privacy:breach", args=[breach.uuid]))


def _breach_found_hours_ago(dpo, hours):
    return breach_record(data=breach_input(discovered_at=timezone.now() - timedelta(hours=hours)), acting_user=dpo)


def test_a_breach_24_hours_before_its_deadline_reminds_the_dpo_once(people):
    breach = _breach_found_hours_ago(people["dpo"], 50)  # due in 22 hours
    early = _breach_found_hours_ago(people["dpo"], 10)  # due in 62 hours: not yet

    assert services.privacy_sweep(now=timezone.now()) == 1
    assert services.privacy_sweep(now=timezone.now()) == 0

    reminder = Alert.objects.get(breach=breach, kind=AlertKind.BREACH_DUE)
    assert {username for username, _channel in recipients(alert=reminder)} == {"pelindungan_data"}
    assert not Alert.objects.filter(breach=early).exclude(kind=AlertKind.BREACH_RECORDED).exists()


def test_a_breach_past_its_deadline_reaches_the_dpo_and_the_head_once(people):
    breach = _breach_found_hours_ago(people["dpo"], 80)

    tasks.sweep()
    tasks.sweep()

    late = Alert.objects.get(breach=breach, kind=AlertKind.BREACH_OVERDUE)
    assert {username for username, _channel in recipients(alert=late)} == {"kepala", "pelindungan_data"}
    content = alert_content(late, recipient=people["head"])
    assert content.late_minutes >= 7 * 60 and content.late_text


def test_a_breach_with_both_notifications_or_closed_reminds_nobody(people):
    breach = _breach_found_hours_ago(people["dpo"], 80)
    one_missing = _breach_found_hours_ago(people["dpo"], 80)
    now = timezone.now()
    for whom in ("subjects", "authority"):
        breach_notification_record(breach=breach, whom=whom, at=now, acting_user=people["dpo"])
    breach_notification_record(breach=one_missing, whom="subjects", at=now, acting_user=people["dpo"])

    services.privacy_sweep(now=now)

    assert not Alert.objects.filter(breach=breach).exclude(kind=AlertKind.BREACH_RECORDED).exists()
    assert Alert.objects.filter(breach=one_missing, kind=AlertKind.BREACH_OVERDUE).exists(), (
        "Pasal 46 asks for both notices: one still missing is still late"
    )


def test_a_request_due_within_24_hours_reminds_the_dpo_and_a_late_one_reaches_the_head_too(people):
    dpo = people["dpo"]
    soon = subject_request_record(
        data=subject_request_input(received_at=timezone.now() - timedelta(hours=50)), acting_user=dpo
    )
    late = subject_request_record(
        data=subject_request_input(received_at=timezone.now() - timedelta(hours=80)), acting_user=dpo
    )
    answered = subject_request_record(
        data=subject_request_input(received_at=timezone.now() - timedelta(hours=80)), acting_user=dpo
    )
    subject_request_update(
        subject_request=answered,
        data=SubjectRequestUpdateInput(status=RequestStatus.DONE, decision_note="Sudah dijawab."),
        acting_user=dpo,
    )

    assert services.privacy_sweep(now=timezone.now()) == 2
    assert services.privacy_sweep(now=timezone.now()) == 0

    reminder = Alert.objects.get(subject_request=soon)
    assert reminder.kind == AlertKind.REQUEST_DUE
    assert {username for username, _channel in recipients(alert=reminder)} == {"pelindungan_data"}
    overdue = Alert.objects.get(subject_request=late)
    assert overdue.kind == AlertKind.REQUEST_OVERDUE
    assert {username for username, _channel in recipients(alert=overdue)} == {"kepala", "pelindungan_data"}
    assert not Alert.objects.filter(subject_request=answered).exists()
    content = alert_content(overdue, recipient=dpo)
    assert content.reference == late.reference and "Ibu Sulastri" not in str(content.as_payload())


def test_a_request_alert_is_sent_by_email_in_three_queries(people, mailoutbox, django_assert_num_queries):
    subject_request_record(
        data=subject_request_input(received_at=timezone.now() - timedelta(hours=80)), acting_user=people["dpo"]
    )
    services.privacy_sweep(now=timezone.now())
    email = Delivery.objects.get(recipient=people["dpo"], channel="email")

    with django_assert_num_queries(3):
        assert services.delivery_send(delivery_id=email.pk) == DeliveryStatus.SENT
    assert "PSD-" in mailoutbox[0].subject


def test_the_dpos_notifications_page_shows_the_alert_with_its_link(client, people):
    breach = breach_record(data=breach_input(), acting_user=people["dpo"])
    for delivery in Delivery.objects.filter(alert__breach=breach, channel="in_app"):
        services.delivery_send(delivery_id=delivery.pk)
    login_as(client, people["dpo"])

    page = client.get(reverse("alerts:inbox"))

    assert page.status_code == 200
    assert breach.reference in page.text and reverse("privacy:breach", args=[breach.uuid]) in page.text
    assert "Melati" not in page.text
