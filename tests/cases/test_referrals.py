"""cases.referrals: outgoing referrals with consent, the provider's answer, the unanswered
reminder, and the transfer of a case to another UPTD PPA."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.content import alert_content
from alerts.models import Alert, AlertKind
from alerts.services import reminder_sweep
from cases import referrals as rs
from cases import services as cs
from cases.audit import CaseAction
from cases.choices import CaseStatus, ClosureReason, ConsentItem, ProviderKind, ReferralStatus
from cases.models import Case, CaseTransfer, Referral
from core.errors import DomainError
from core.models import AuditEvent
from tests.cases_data import new_report, provider, service_input
from triage import services as ts

pytestmark = pytest.mark.django_db

CHILD_NAME = "Putri Ayu Rahasia"


def today():
    return timezone.localdate()


def open_case(officer) -> Case:
    return ts.report_accept(report=new_report(child_name=CHILD_NAME, child_age=9), acting_user=officer)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def bhayangkara():
    return provider("RS Bhayangkara Balikpapan", ProviderKind.HOSPITAL)


def referral_input(**overrides) -> rs.ReferralInput:
    fields = {
        "provider": bhayangkara(),
        "request": "Pemeriksaan visum et repertum dan konseling.",
        "consent_items": [ConsentItem.CHILD_IDENTITY, ConsentItem.HEALTH],
        "consent_given_by": "Ibu kandung, Siti",
        "letter_number": "400.2/017/UPTD-PPA/XII/2026",
        "sent_on": today(),
    }
    fields.update(overrides)
    return rs.ReferralInput(**fields)


def send(case, officer, **overrides) -> Referral:
    return rs.referral_send(case=case, data=referral_input(**overrides), acting_user=officer)


def answer(referral, user, **fields) -> Referral:
    referral = Referral.objects.get(pk=referral.pk)
    version = fields.pop("version", referral.version)
    return rs.referral_answer(
        referral=referral, data=rs.ReferralAnswerInput(**fields), expected_version=version, acting_user=user
    )


def refused(code_or_field, call):
    with pytest.raises(DomainError) as caught:
        call()
    assert code_or_field in (caught.value.field, caught.value.code), caught.value.message
    return caught.value


# --- sending ---------------------------------------------------------------------------------------


def test_it_records_a_referral_with_its_consent_and_an_audit_row(officer):
    case = open_case(officer)

    referral = send(case, officer, consent_items=[ConsentItem.HEALTH, ConsentItem.CHILD_IDENTITY, "health"])

    assert referral.status == ReferralStatus.SENT and referral.version == 1
    assert referral.consent_items == [ConsentItem.CHILD_IDENTITY, ConsentItem.HEALTH]  # ordered, once each
    event = AuditEvent.objects.get(action=CaseAction.REFERRAL_SENT)
    assert event.target_id == str(case.pk) and event.data["referral"] == str(referral.uuid)
    assert CHILD_NAME not in str(event.data) and "Siti" not in str(event.data)


def test_it_refuses_a_referral_without_consent_on_its_field(officer):
    case = open_case(officer)

    refused("consent_items", lambda: send(case, officer, consent_items=[]))
    refused("consent_items", lambda: send(case, officer, consent_items=["everything"]))
    assert not Referral.objects.exists()


def test_the_database_refuses_a_referral_without_consent_too(officer):
    referral = send(open_case(officer), officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(consent_items=[])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("request", "  "),
        ("consent_given_by", ""),
        ("letter_number", ""),
        ("sent_on", None),
    ],
)
def test_it_refuses_a_referral_missing_what_it_needs(officer, field, value):
    refused(field, lambda: send(open_case(officer), officer, **{field: value}))


def test_it_refuses_a_referral_sent_in_the_future_or_to_an_inactive_provider(officer):
    case = open_case(officer)
    refused("sent_on", lambda: send(case, officer, sent_on=today() + timedelta(days=1)))
    gone = provider("Klinik Tutup", ProviderKind.OTHER)
    gone.active = False
    gone.save()
    refused("provider", lambda: send(case, officer, provider=gone))


def test_only_the_cases_officers_or_a_supervisor_refer(officer, other_officer, supervisor, head):
    case = open_case(officer)
    refused("not_allowed", lambda: send(case, other_officer))
    refused("not_allowed", lambda: send(case, head))
    assert send(case, supervisor).created_by == supervisor


# --- the provider's answer ---------------------------------------------------------------------------


def test_it_moves_a_referral_from_sent_to_accepted_to_done_with_dates_and_feedback(officer):
    referral = send(open_case(officer), officer, sent_on=today() - timedelta(days=3))

    referral = answer(referral, officer, status=ReferralStatus.ACCEPTED, answered_on=today() - timedelta(days=2))
    assert referral.status == ReferralStatus.ACCEPTED and referral.version == 2
    referral = answer(
        referral,
        officer,
        status=ReferralStatus.DONE,
        answered_on=today() - timedelta(days=2),
        done_on=today(),
        feedback="Visum selesai; hasil dikirim ke Unit PPA.",
    )

    assert (referral.status, referral.done_on, referral.version) == (ReferralStatus.DONE, today(), 3)
    assert Referral.objects.get(pk=referral.pk).feedback == "Visum selesai; hasil dikirim ke Unit PPA."
    moves = [e.data["to"] for e in AuditEvent.objects.filter(action=CaseAction.REFERRAL_ANSWERED).order_by("pk")]
    assert moves == [ReferralStatus.ACCEPTED, ReferralStatus.DONE]


def test_a_refusal_needs_its_reason_and_ends_the_referral(officer):
    referral = send(open_case(officer), officer)

    refused("feedback", lambda: answer(referral, officer, status=ReferralStatus.REFUSED, answered_on=today()))
    referral = answer(referral, officer, status=ReferralStatus.REFUSED, answered_on=today(), feedback="Penuh.")

    refused(
        "status",
        lambda: answer(referral, officer, status=ReferralStatus.DONE, answered_on=today(), done_on=today()),
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": ReferralStatus.ACCEPTED}, "answered_on"),
        ({"status": ReferralStatus.DONE, "answered_on": "today"}, "status"),  # sent cannot jump to done
        ({"status": ReferralStatus.ACCEPTED, "answered_on": "yesterday"}, "answered_on"),  # before it was sent
        ({"status": ReferralStatus.ACCEPTED, "answered_on": "tomorrow"}, "answered_on"),
        ({"status": ReferralStatus.ACCEPTED, "answered_on": "today", "done_on": "today"}, "done_on"),
        ({"status": "lost"}, "status"),
    ],
)
def test_it_refuses_an_answer_that_breaks_a_rule(officer, fields, field):
    days = {"yesterday": -1, "today": 0, "tomorrow": 1}
    values = {key: today() + timedelta(days=days[v]) if v in days else v for key, v in fields.items()}
    referral = send(open_case(officer), officer)
    refused(field, lambda: answer(referral, officer, **values))
    assert Referral.objects.get(pk=referral.pk).version == 1  # nothing changed


def test_it_refuses_a_stale_answer(officer, supervisor):
    referral = send(open_case(officer), officer)
    answer(referral, supervisor, status=ReferralStatus.ACCEPTED, answered_on=today())

    refused(
        "stale_version",
        lambda: answer(referral, officer, status=ReferralStatus.REFUSED, answered_on=today(), feedback="x", version=1),
    )
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED


# --- the reminder -----------------------------------------------------------------------------------


def test_an_unanswered_referral_reminds_the_officers_once_without_identities(settings, officer, supervisor):
    settings.REFERRAL_ANSWER_DAYS = 7
    case = open_case(officer)
    late = send(case, officer, sent_on=today() - timedelta(days=7))
    send(case, officer, sent_on=today() - timedelta(days=6))  # not yet
    answered = send(case, officer, sent_on=today() - timedelta(days=20))
    answer(answered, officer, status=ReferralStatus.ACCEPTED, answered_on=today())

    reminder_sweep(now=timezone.now())
    reminder_sweep(now=timezone.now())

    alert = Alert.objects.get(kind=AlertKind.REFERRAL_UNANSWERED)
    assert alert.key == f"referral:{late.uuid}:unanswered" and alert.case == case
    assert {d.recipient for d in alert.deliveries.all()} == {officer}
    content = alert_content(alert, recipient=officer)
    assert content.reference == case.reference and content.title
    assert CHILD_NAME not in str(content.as_payload()) and "visum" not in str(content.as_payload()).lower()


def test_the_reminder_waits_for_the_setting(settings, officer):
    settings.REFERRAL_ANSWER_DAYS = 10
    send(open_case(officer), officer, sent_on=today() - timedelta(days=9))
    reminder_sweep(now=timezone.now())
    assert not Alert.objects.filter(kind=AlertKind.REFERRAL_UNANSWERED).exists()


# --- the transfer ------------------------------------------------------------------------------------


def transfer_input(**overrides) -> rs.TransferInput:
    fields = {
        "receiving_agency": "UPTD PPA Kota Samarinda",
        "letter_number": "400.2/020/UPTD-PPA/XII/2026",
        "transferred_on": today(),
        "reason": "Keluarga pindah ke Samarinda.",
    }
    fields.update(overrides)
    return rs.TransferInput(**fields)


def transfer(case, user, **overrides) -> CaseTransfer:
    case = fresh(case)
    return rs.case_transfer(
        case=case, data=transfer_input(**overrides), expected_version=case.version, acting_user=user
    )


def test_a_transfer_closes_the_case_as_transferred_with_an_audit_row(officer):
    case = open_case(officer)

    done = transfer(case, officer)

    case = fresh(case)
    assert done.receiving_agency == "UPTD PPA Kota Samarinda"
    assert case.status == CaseStatus.CLOSED and case.closure_reason == ClosureReason.TRANSFERRED
    assert case.closed_at is not None
    assert AuditEvent.objects.filter(action=CaseAction.TRANSFERRED, target_id=str(case.pk)).count() == 1


def test_after_a_transfer_the_case_is_read_only(officer, supervisor):
    case = open_case(officer)
    referral = send(case, officer)
    transfer(case, officer)
    case = fresh(case)

    refused("case_closed", lambda: send(case, officer))
    refused("case_closed", lambda: answer(referral, officer, status=ReferralStatus.ACCEPTED, answered_on=today()))
    refused("case_closed", lambda: cs.service_plan(case=case, data=service_input(), acting_user=officer))
    refused("case_closed", lambda: cs.case_note_add(case=case, body="Catatan", acting_user=supervisor))
    refused(
        "transferred",
        lambda: cs.case_reopen(case=case, reason="Kembali", expected_version=case.version, acting_user=supervisor),
    )
    refused("case_closed", lambda: transfer(case, supervisor))
    assert fresh(case).status == CaseStatus.CLOSED


def test_a_transfer_needs_its_agency_date_and_reason_and_a_fresh_version(officer, other_officer, supervisor):
    case = open_case(officer)
    refused("receiving_agency", lambda: transfer(case, officer, receiving_agency=" "))
    refused("reason", lambda: transfer(case, officer, reason=""))
    refused("transferred_on", lambda: transfer(case, officer, transferred_on=today() + timedelta(days=1)))
    refused("not_allowed", lambda: transfer(case, other_officer))
    stale = fresh(case)
    cs.case_assign(case=stale, officer=officer, expected_version=stale.version, acting_user=supervisor)
    refused(
        "stale_version",
        lambda: rs.case_transfer(
            case=stale, data=transfer_input(), expected_version=stale.version, acting_user=officer
        ),
    )
    assert fresh(case).status != CaseStatus.CLOSED and not CaseTransfer.objects.exists()


def test_initials_name_nobody():
    assert rs.initials("Putri Ayu Lestari") == "P. A. L."
    assert rs.initials("  budi ") == "B."
    assert rs.initials("") == ""
