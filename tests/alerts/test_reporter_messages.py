"""Issue 17: a reporter's message is never unheard. It alerts the case's officer (or those on
duty, or the supervisors), the supervisors too on a closed case or when it stays unread past
the report's acknowledgement window; it is marked unread in the inbox, the case list and on
the case page until read; the case page shows the thread and answers it; the reporter's status
page tells where the report stands; and every alert's link opens for the person it was sent to."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.capabilities import Capability, roles_with, user_can
from accounts.models import Role
from alerts import services
from alerts.content import alert_content
from alerts.models import PRIVACY_KINDS, Alert, AlertKind, Channel, Delivery, DeliveryStatus, NotificationPreference
from cases import services as cs
from cases.choices import CaseStatus, ClosureReason
from cases.models import Case
from privacy.services import breach_record, subject_request_record
from reports.choices import Channel as ReportChannel
from reports.models import ReportMessage
from reports.services import report_message_add, report_submit
from tests.cases_data import new_report
from tests.conftest import login_as
from tests.privacy.data import breach_input, subject_request_input
from tests.reporting import report_input
from triage import services as ts
from triage.models import ThreadRead

CHILD = "om sudah pulang lagi… Aku takut"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.deactivate()


@pytest.fixture
def on_duty(other_officer):
    NotificationPreference.objects.create(user=other_officer, on_duty=True)
    return other_officer


def accepted(officer):
    report = new_report()
    case = ts.report_accept(report=report, acting_user=officer)
    return report, case


def close(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=timezone.now(), closure_reason=ClosureReason.GOALS_MET
    )
    case.refresh_from_db()
    return case


def write(report, body=CHILD):
    return report_message_add(report=report, body=body, acting_user=None)


def recipients(message) -> set[str]:
    alert = Alert.objects.get(key=f"message:{message.pk}")
    return set(alert.deliveries.values_list("recipient__username", flat=True))


# --- who is told ----------------------------------------------------------------------------------


def test_it_tells_the_cases_officer_of_a_message_on_an_accepted_case(officer, on_duty, supervisor):
    report, case = accepted(officer)
    message = write(report)
    assert recipients(message) == {officer.username}
    alert = Alert.objects.get(key=f"message:{message.pk}")
    assert (alert.kind, alert.report_id, alert.case_id) == (AlertKind.REPORTER_MESSAGE, report.pk, case.pk)


def test_it_tells_the_officer_and_the_supervisors_of_a_message_on_a_closed_case(officer, on_duty, supervisor):
    report, case = accepted(officer)
    close(case)
    assert recipients(write(report)) == {officer.username, supervisor.username}


def test_it_tells_those_on_duty_of_a_message_on_a_report_in_no_case(officer, on_duty, supervisor):
    assert recipients(write(new_report())) == {on_duty.username}


def test_it_tells_the_supervisors_when_the_cases_officer_is_switched_off(officer, on_duty, supervisor):
    report, _case = accepted(officer)
    officer.is_active = False
    officer.save()
    assert recipients(write(report)) == {supervisor.username}


def test_it_raises_one_alert_per_message_and_none_for_staff(officer, supervisor):
    report, _case = accepted(officer)
    write(report), write(report, "lagi")
    report_message_add(report=report, body="Kami datang besok.", acting_user=officer)
    assert Alert.objects.filter(kind=AlertKind.REPORTER_MESSAGE).count() == 2


def test_its_content_carries_no_identity(officer, supervisor):
    report, _case = accepted(officer)
    alert = Alert.objects.get(key=f"message:{write(report).pk}")
    payload = str(alert_content(alert, recipient=officer).as_payload())
    assert CHILD not in payload and "takut" not in payload
    assert report.reference in payload


# --- unread past the window: the supervisors -----------------------------------------------------


def _age(message, hours):
    ReportMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def test_it_escalates_an_unread_message_past_the_window_once(officer, supervisor):
    report, _case = accepted(officer)
    message = write(report)
    window = settings.REPORT_RESPONSE_HOURS[report.priority]["acknowledge"]
    assert services.unread_message_sweep(now=timezone.now()) == 0
    _age(message, window + 1)
    assert services.unread_message_sweep(now=timezone.now()) == 1
    assert services.unread_message_sweep(now=timezone.now()) == 0
    alert = Alert.objects.get(kind=AlertKind.REPORTER_MESSAGE_UNREAD)
    assert set(alert.deliveries.values_list("recipient__username", flat=True)) == {supervisor.username}


def test_a_read_message_is_not_escalated(client, officer, supervisor):
    report, _case = accepted(officer)
    message = write(report)
    login_as(client, officer)
    assert client.get(reverse("triage:report", args=[report.uuid])).status_code == 200
    _age(message, 1000)
    assert services.unread_message_sweep(now=timezone.now()) == 0


# --- unread markers --------------------------------------------------------------------------------


def test_an_accepted_report_with_an_unread_message_stays_in_the_inbox_until_read(client, officer, supervisor):
    report, case = accepted(officer)
    inbox = reverse("triage:inbox")
    login_as(client, officer)
    assert report.reference not in client.get(inbox).content.decode()
    write(report)
    html = client.get(inbox).content.decode()
    assert report.reference in html and "1 unread message" in html
    cases_html = client.get(reverse("cases:list")).content.decode()
    assert case.reference in cases_html and "1 unread message" in cases_html

    assert client.get(reverse("triage:report", args=[report.uuid])).status_code == 200
    assert ThreadRead.objects.get(user=officer, report=report).read_up_to == report.messages.last().pk
    assert report.reference not in client.get(inbox).content.decode()
    assert "unread message" not in client.get(reverse("cases:list")).content.decode()
    # Per person, and only what is theirs: the supervisor, who has not read it, is not given a
    # message of another officer's case that officer read in time (triage.threads).
    login_as(client, supervisor)
    assert "unread message" not in client.get(inbox).content.decode()
    ThreadRead.objects.filter(user=officer).delete()
    _age(report.messages.last(), settings.REPORT_RESPONSE_HOURS[report.priority]["acknowledge"] + 1)
    assert "1 unread message" in client.get(inbox).content.decode()


def test_a_closed_case_with_an_unread_message_is_in_the_default_case_list(client, officer, supervisor):
    report, case = accepted(officer)
    close(case)
    login_as(client, supervisor)
    assert case.reference not in client.get(reverse("cases:list")).content.decode()
    write(report)
    assert case.reference in client.get(reverse("cases:list")).content.decode()


# --- the case page -----------------------------------------------------------------------------------


def test_the_case_page_shows_the_thread_marks_it_read_and_answers(client, officer, supervisor, head):
    report, case = accepted(officer)
    write(report)
    page = reverse("cases:detail", args=[case.uuid])
    login_as(client, officer)
    html = client.get(page).content.decode()
    assert CHILD in html and "1 unread message" in html
    assert "1 unread message" not in client.get(page).content.decode()

    answer = reverse("cases:reporter_message", args=[case.uuid, report.uuid])
    response = client.post(answer, {"message-body": "Kami datang hari ini."})
    assert response.status_code == 302
    assert report.messages.last().body == "Kami datang hari ini."
    assert client.post(answer, {"message-body": " "}).status_code == 400

    login_as(client, head)  # no identities, no triage: no thread, no answer
    assert CHILD not in client.get(page).content.decode()
    assert client.post(answer, {"message-body": "x"}).status_code == 403


def test_the_answer_needs_a_report_of_the_case(client, officer, supervisor):
    _report, case = accepted(officer)
    other = new_report()
    login_as(client, officer)
    answer = reverse("cases:reporter_message", args=[case.uuid, other.uuid])
    assert client.post(answer, {"message-body": "x"}).status_code == 404


def test_a_message_on_a_closed_case_offers_the_supervisor_to_reopen(client, officer, supervisor):
    report, case = accepted(officer)
    close(case)
    write(report)
    login_as(client, supervisor)
    html = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert "The reporter wrote after the case was closed." in html
    assert 'href="#action-reopen"' in html
    cs.case_reopen(case=case, reason="Anak takut lagi", expected_version=case.version, acting_user=supervisor)
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED


# --- the reporter's status page ----------------------------------------------------------------------


def _status(client, code):
    return client.post(reverse("reports:status"), {"receipt_code": code}).content.decode()


def test_the_status_page_follows_the_case(client, officer, supervisor):
    submitted = report_submit(data=report_input(), channel=ReportChannel.WEB, acting_user=None)
    report, code = submitted.report, submitted.receipt_code
    assert "Received" in _status(client, code)
    case = ts.report_accept(report=report, acting_user=officer)
    assert "Your report is now a case." in _status(client, code)
    report_message_add(report=report, body="Kasus ini kami tutup. Hubungi kami kapan saja.", acting_user=officer)
    close(case)
    html = _status(client, code)
    assert "Finished" in html and "Being handled" not in html
    assert "Kasus ini kami tutup." in html
    assert "If it happens again" in html


# --- every alert's link opens for everyone it is sent to -------------------------------------------


RECEIVES = {
    AlertKind.NEW_REPORT: (Capability.GO_ON_DUTY, Capability.ESCALATION_LEVEL_2),
    AlertKind.ESCALATION_SUPERVISOR: (Capability.ESCALATION_LEVEL_2,),
    AlertKind.ESCALATION_HEAD: (Capability.ESCALATION_LEVEL_3,),
    AlertKind.FOLLOW_UP_DUE: (Capability.TAKE_CASES,),
    AlertKind.SERVICE_DUE: (Capability.TAKE_CASES,),
    AlertKind.STILL_OVERDUE: (Capability.ESCALATION_LEVEL_2,),
    AlertKind.CASE_INACTIVE: (Capability.ESCALATION_LEVEL_2,),
    AlertKind.REPORTER_MESSAGE: (Capability.TAKE_CASES, Capability.GO_ON_DUTY, Capability.ESCALATION_LEVEL_2),
    AlertKind.REPORTER_MESSAGE_UNREAD: (Capability.ESCALATION_LEVEL_2,),
    AlertKind.REFERRAL_UNANSWERED: (Capability.TAKE_CASES,),
    # UU TPKS Pasal 41 and court dates (alerts.services.legal_sweep): the case's officers (the
    # supervisors when it has none who receive alerts); once overdue, the supervisors
    AlertKind.POLICE_DUE: (Capability.TAKE_CASES, Capability.ESCALATION_LEVEL_2),
    AlertKind.POLICE_OVERDUE: (Capability.ESCALATION_LEVEL_2,),
    AlertKind.HEARING_SOON: (Capability.TAKE_CASES,),
    # a case plan submitted for approval (cases.plans.plan_submit): the supervisors
    AlertKind.APPROVAL_WAITING: (Capability.SUPERVISE,),
    # UU PDP (alerts.services.breach_alert_recorded, privacy_sweep): the registers' readers (the DPO and
    # the head of agency) of a breach and of what is late; their keeper (the DPO) of what is due soon
    AlertKind.BREACH_RECORDED: (Capability.READ_PRIVACY_REGISTERS,),
    AlertKind.BREACH_DUE: (Capability.MANAGE_PRIVACY_REGISTERS,),
    AlertKind.BREACH_OVERDUE: (Capability.READ_PRIVACY_REGISTERS,),
    AlertKind.REQUEST_DUE: (Capability.MANAGE_PRIVACY_REGISTERS,),
    AlertKind.REQUEST_OVERDUE: (Capability.READ_PRIVACY_REGISTERS,),
    # a WhatsApp message to the reporter not delivered (whatsapp.outbound): as a reporter's message
    AlertKind.WHATSAPP_FAILED: (Capability.TAKE_CASES, Capability.GO_ON_DUTY, Capability.ESCALATION_LEVEL_2),
    # a WhatsApp message from the reporter stuck (whatsapp.inbound): as a reporter's message
    AlertKind.WHATSAPP_STUCK: (Capability.TAKE_CASES, Capability.GO_ON_DUTY, Capability.ESCALATION_LEVEL_2),
}
CASE_KINDS = {AlertKind.FOLLOW_UP_DUE, AlertKind.SERVICE_DUE, AlertKind.STILL_OVERDUE, AlertKind.CASE_INACTIVE}
CASE_KINDS |= {AlertKind.REFERRAL_UNANSWERED}
CASE_KINDS |= {AlertKind.POLICE_DUE, AlertKind.POLICE_OVERDUE, AlertKind.HEARING_SOON}
CASE_KINDS |= {AlertKind.APPROVAL_WAITING}
REPORT_ONLY_KINDS = {AlertKind.NEW_REPORT, AlertKind.ESCALATION_SUPERVISOR, AlertKind.ESCALATION_HEAD}


def test_every_kind_has_its_recipients_listed():
    assert set(RECEIVES) == set(AlertKind.values)


# Every (kind, role) pair that happens, from the capability table: a pair that never happens is
# not generated (CI fails on a skipped test), and a new role that receives alerts joins at once.
RECEIVING_PAIRS = [
    (kind, role)
    for kind in AlertKind.values
    for role in Role.values
    if any(role in roles_with(capability) for capability in RECEIVES[kind])
]


def test_every_receiving_role_is_a_persona_of_the_link_test():
    assert {role for _kind, role in RECEIVING_PAIRS} <= {Role.OFFICER, Role.SUPERVISOR, Role.HEAD, Role.DPO}


@pytest.mark.parametrize(("kind", "role"), RECEIVING_PAIRS)
def test_every_alerts_link_opens_for_every_role_that_receives_it(client, kind, role, officer, supervisor, head, dpo):
    person = {Role.OFFICER: officer, Role.SUPERVISOR: supervisor, Role.HEAD: head, Role.DPO: dpo}[role]
    assert any(user_can(person, capability) for capability in RECEIVES[kind])
    if kind in PRIVACY_KINDS:
        about = (
            {"subject_request": subject_request_record(data=subject_request_input(), acting_user=dpo)}
            if kind in (AlertKind.REQUEST_DUE, AlertKind.REQUEST_OVERDUE)
            else {"breach": breach_record(data=breach_input(), acting_user=dpo)}
        )
        alert = services.alert_raise(key=f"test:{kind}:{role}", kind=kind, level=1, recipients=[person], **about)
        link = alert_content(alert, recipient=person).link
        login_as(client, person)
        assert client.get(link.removeprefix(settings.SITE_URL)).status_code == 200, link
        return
    if kind in REPORT_ONLY_KINDS:
        report, case = new_report(), None  # still waiting: no case yet
    else:
        report, case = accepted(officer)  # the officer's case: the one who receives its alerts
    alert = services.alert_raise(
        key=f"test:{kind}:{role}",
        kind=kind,
        level=1,
        recipients=[person],
        report=None if kind in CASE_KINDS else report,
        case=case,
    )
    link = alert_content(alert, recipient=person).link
    assert link.startswith(settings.SITE_URL)
    login_as(client, person)
    assert client.get(link.removeprefix(settings.SITE_URL)).status_code == 200, link


def test_the_email_the_head_gets_at_level_3_links_to_the_escalations(officer, head, mailoutbox):
    head.email = "kepala@example.org"
    head.save()
    report = new_report()
    services.alert_raise(key="test:l3", kind=AlertKind.ESCALATION_HEAD, level=3, recipients=[head], report=report)
    (delivery,) = Delivery.objects.filter(recipient=head, channel=Channel.EMAIL)
    assert services.delivery_send(delivery_id=delivery.pk) == DeliveryStatus.SENT
    (mail,) = [mail for mail in mailoutbox if head.email in mail.to]
    assert f"{settings.SITE_URL}{reverse('alerts:overdue')}" in mail.body
    assert reverse("triage:report", args=[report.uuid]) not in mail.body


def test_a_message_never_alerted_is_not_escalated(officer, supervisor):
    """Messages written before this alert existed have no alert: no flood on the first sweep."""
    report, _case = accepted(officer)
    message = write(report)
    Alert.objects.filter(key=f"message:{message.pk}").delete()
    _age(message, 1000)
    assert services.unread_message_sweep(now=timezone.now()) == 0
