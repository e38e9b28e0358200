"""The referral and transfer parts of the case page, the referral letter and the hand-over packet."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import referrals as rs
from cases import services as cs
from cases.audit import CaseAction
from cases.choices import CaseStatus, ClosureReason, ConsentItem, ProviderKind, ReferralStatus
from cases.models import Case, Referral
from core.models import AuditEvent
from reports.choices import Channel
from reports.services import IntakeInput
from tests.cases_data import new_report, provider
from tests.conftest import login_as
from tests.reporting import report_input
from triage import services as ts

pytestmark = pytest.mark.django_db

CHILD = "Melati Kusuma Rahasia"
GUARDIAN = "Ibu Wali 0812 5555 0199"
ADDRESS = "Gang Anggrek 9 RAHASIA"
NARRATIVE = "Anak dipukul di rumah KRONOLOGI-RAHASIA"
PERPETRATOR = "Paman, bekerja di pelabuhan PELAKU-RAHASIA"
CONSENTED_BY = "Ibu kandung PEMBERI-PERSETUJUAN"
REQUEST = "Mohon pemeriksaan psikologis PERMINTAAN"
OUTCOME = "Luka memar sembuh HASIL-KESEHATAN"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def today():
    return timezone.localdate()


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.uuid, *args])


def html(response) -> str:
    return response.content.decode()


def full_case(officer) -> Case:
    """A case holding every kind of identifying data a letter could print."""
    report = new_report(child_name=CHILD, child_age=9, narrative=NARRATIVE, address_detail=ADDRESS)
    case = ts.report_accept(report=report, acting_user=officer)
    cs.case_add_child(case=case, data=cs.ChildInput(name=CHILD, age=9, guardian_contact=GUARDIAN), acting_user=officer)
    cs.case_add_perpetrator(
        case=case, relation="keluarga", lives_with_child=False, description=PERPETRATOR, acting_user=officer
    )
    service = cs.service_plan(
        case=case,
        data=cs.ServiceInput(
            service_type="kesehatan",
            provider=provider(),
            planned_on=today(),
            status="done",
            started_on=today(),
            completed_on=today(),
            outcome=OUTCOME,
        ),
        acting_user=officer,
    )
    assert service.outcome == OUTCOME
    return fresh(case)


def send(case, officer, items, **overrides) -> Referral:
    data = {
        "provider": provider("RS Bhayangkara Balikpapan", ProviderKind.HOSPITAL),
        "request": REQUEST,
        "consent_items": items,
        "consent_given_by": CONSENTED_BY,
        "letter_number": "400.2/031/UPTD-PPA/2026",
        "sent_on": today(),
    }
    data.update(overrides)
    return rs.referral_send(case=case, data=rs.ReferralInput(**data), acting_user=officer)


def form(prefix, **fields):
    data = {}
    for key, value in fields.items():
        data[f"{prefix}-{key}"] = value
    return data


# --- sending and answering from the case page ----------------------------------------------------------


def test_it_sends_a_referral_from_the_case_page(client, officer):
    case = full_case(officer)
    login_as(client, officer)
    chosen = provider("Unit PPA Polresta Balikpapan", ProviderKind.POLICE)

    response = client.post(
        url("send_referral", case),
        form(
            "referral",
            provider=chosen.pk,
            request="Pendampingan pelaporan polisi",
            consent_items=[ConsentItem.CHILD_IDENTITY, ConsentItem.CHRONOLOGY],
            consent_given_by=CONSENTED_BY,
            letter_number="400.2/032/UPTD-PPA/2026",
            sent_on=today().isoformat(),
        ),
    )

    assert response.status_code == 302 and response.url == url("detail", case) + "#referrals"
    referral = Referral.objects.get(case=case)
    assert referral.provider == chosen and referral.consent_items == ["child_identity", "chronology"]
    page = html(client.get(url("detail", case)))
    assert "Unit PPA Polresta Balikpapan" in page and "400.2/032/UPTD-PPA/2026" in page
    assert url("referral_letter", case, referral.uuid) in page


def test_a_referral_without_consent_is_refused_next_to_its_field(client, officer):
    case = full_case(officer)
    login_as(client, officer)

    response = client.post(
        url("send_referral", case),
        form(
            "referral",
            provider=provider().pk,
            request="x",
            consent_given_by="Ibu",
            letter_number="1",
            sent_on=today().isoformat(),
        ),
    )

    assert response.status_code == 400 and not Referral.objects.exists()
    page = html(response)
    assert 'id="action-referral" open' in page
    assert 'id="id_referral-consent_items_error"' in page and "consent to share" in page


def test_it_records_the_providers_answer_and_refuses_a_stale_one(client, officer, supervisor):
    case = full_case(officer)
    referral = send(case, officer, [ConsentItem.HEALTH])
    login_as(client, officer)
    name = f"referral-{referral.uuid}"
    answered = form(name, version=1, status=ReferralStatus.ACCEPTED, answered_on=today().isoformat(), feedback="Ok")

    response = client.post(url("answer_referral", case, referral.uuid), answered)
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED

    stale = client.post(url("answer_referral", case, referral.uuid), answered)
    assert stale.status_code == 400 and "Reload it and try again" in html(stale)
    assert f'id="action-{name}" open' in html(stale)


def test_an_answer_to_another_cases_referral_is_not_found(client, officer):
    referral = send(full_case(officer), officer, [ConsentItem.HEALTH])
    other = full_case(officer)
    login_as(client, officer)
    response = client.post(url("answer_referral", other, referral.uuid), form(f"referral-{referral.uuid}", version=1))
    assert response.status_code == 404


def test_the_head_sees_referrals_without_what_is_asked(client, officer, head):
    case = full_case(officer)
    referral = send(case, officer, [ConsentItem.HEALTH])
    rs.referral_answer(
        referral=referral,
        data=rs.ReferralAnswerInput(status="refused", answered_on=today(), feedback="Penuh UMPAN-BALIK"),
        expected_version=1,
        acting_user=officer,
    )
    login_as(client, head)

    page = html(client.get(url("detail", case)))

    assert "RS Bhayangkara Balikpapan" in page and "400.2/031/UPTD-PPA/2026" in page
    for secret in (REQUEST, CONSENTED_BY, "UMPAN-BALIK"):
        assert secret not in page
    assert url("referral_letter", case, referral.uuid) not in page


# --- the letter ------------------------------------------------------------------------------------------


SECRETS_BY_ITEM = {
    ConsentItem.CHILD_IDENTITY: [CHILD, CONSENTED_BY],
    ConsentItem.ADDRESS: [ADDRESS, GUARDIAN],
    ConsentItem.CHRONOLOGY: [NARRATIVE],
    ConsentItem.HEALTH: [OUTCOME],
    ConsentItem.PERPETRATOR: [PERPETRATOR],
}


@pytest.mark.parametrize("item", ConsentItem.values)
def test_the_letter_prints_only_what_the_consent_covers(client, officer, item):
    case = full_case(officer)
    referral = send(case, officer, [item])
    login_as(client, officer)

    response = client.get(url("referral_letter", case, referral.uuid))

    assert response.status_code == 200
    page = html(response)
    for covered in SECRETS_BY_ITEM[item]:
        assert covered in page
    for other, secrets in SECRETS_BY_ITEM.items():
        if other != item:
            for secret in secrets:
                assert secret not in page, f"{secret} printed without consent for {other}"
    assert REQUEST in page and "RS Bhayangkara Balikpapan" in page and "400.2/031/UPTD-PPA/2026" in page


def test_the_letter_is_an_indonesian_a4_document_and_opening_it_is_audited(client, officer):
    case = full_case(officer)
    referral = send(case, officer, [ConsentItem.CHRONOLOGY], sent_on=date(2026, 11, 28))
    login_as(client, officer)  # reads in English (the fixture's cookie)

    page = html(client.get(url("referral_letter", case, referral.uuid)))

    assert "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga Berencana Kota Balikpapan" in page
    assert "UPTD PPA" in page and "28 November 2026" in page and 'lang="id"' in page
    assert "css/case-print.css" in page
    css = (settings.BASE_DIR / "static" / "css" / "case-print.css").read_text()
    assert "@page { size: A4" in css
    event = AuditEvent.objects.filter(action=CaseAction.VIEWED, target_id=str(case.pk)).latest("pk")
    assert event.data == {"what": f"referral_letter:{referral.uuid}"} and event.actor == officer


def test_only_those_who_see_identities_open_the_letter(client, officer, other_officer, head, supervisor):
    case = full_case(officer)
    referral = send(case, officer, [ConsentItem.CHILD_IDENTITY])
    letter = url("referral_letter", case, referral.uuid)
    assert login_as(client, head).get(letter).status_code == 403
    assert login_as(client, other_officer).get(letter).status_code == 404
    assert login_as(client, supervisor).get(letter).status_code == 200
    assert login_as(client, officer).get(url("referral_letter", full_case(officer), referral.uuid)).status_code == 404


# --- the transfer ----------------------------------------------------------------------------------------


def transfer_by_page(client, case):
    return client.post(
        url("transfer", case),
        form(
            "transfer",
            version=fresh(case).version,
            receiving_agency="UPTD PPA Kota Samarinda",
            letter_number="400.2/040/UPTD-PPA/2026",
            transferred_on=today().isoformat(),
            reason="Keluarga pindah ke Samarinda ALASAN-PINDAH",
        ),
    )


def test_it_transfers_a_case_and_then_refuses_every_edit(client, officer):
    case = full_case(officer)
    send(case, officer, [ConsentItem.HEALTH])
    login_as(client, officer)

    assert transfer_by_page(client, case).status_code == 302
    case = fresh(case)
    assert case.status == CaseStatus.CLOSED and case.closure_reason == ClosureReason.TRANSFERRED

    page = html(client.get(url("detail", case)))
    assert "UPTD PPA Kota Samarinda" in page and url("transfer_packet", case) in page
    assert 'id="action-referral"' not in page and 'id="action-transfer"' not in page
    refused = client.post(url("add_note", case), form("note", body="Masih ada catatan"))
    assert refused.status_code == 400 and "This case is closed" in html(refused)
    assert transfer_by_page(client, case).status_code == 400


def test_a_transferred_case_offers_the_supervisor_no_reopening(client, officer, supervisor):
    case = full_case(officer)
    rs.case_transfer(
        case=case,
        data=rs.TransferInput(receiving_agency="UPTD PPA Kota Samarinda", transferred_on=today(), reason="Pindah"),
        expected_version=case.version,
        acting_user=supervisor,
    )
    login_as(client, supervisor)
    page = html(client.get(url("detail", case)))
    assert 'id="action-reopen"' not in page
    response = client.post(url("reopen", case), form("reopen", version=fresh(case).version, reason="Kembali"))
    assert response.status_code == 400 and fresh(case).status == CaseStatus.CLOSED


def test_the_hand_over_packet_prints_the_minimum(client, officer, head):
    case = full_case(officer)
    open_referral = send(case, officer, [ConsentItem.CHILD_IDENTITY], letter_number="REF-TERBUKA-1")
    login_as(client, officer)
    assert client.get(url("transfer_packet", case)).status_code == 404  # nothing to hand over yet
    transfer_by_page(client, case)

    response = client.get(url("transfer_packet", case))

    assert response.status_code == 200
    page = html(response)
    for shown in (case.reference, "UPTD PPA Kota Samarinda", "M. K. R.", "REF-TERBUKA-1", "ALASAN-PINDAH"):
        assert shown in page
    assert "Kesehatan" in page or "Health" in page  # the service given, by its type
    for hidden in (CHILD, GUARDIAN, ADDRESS, NARRATIVE, PERPETRATOR, OUTCOME, REQUEST, CONSENTED_BY):
        assert hidden not in page
    assert open_referral.provider.name in page
    event = AuditEvent.objects.filter(action=CaseAction.VIEWED, target_id=str(case.pk)).latest("pk")
    assert event.data == {"what": "transfer_packet"}
    assert login_as(client, head).get(url("transfer_packet", case)).status_code == 403


# --- an incoming referral links back to the sender's letter ----------------------------------------------


def test_a_case_from_a_referral_shows_the_senders_letter(client, officer, head):
    fields = vars(report_input(child_name=CHILD))
    recorded = ts.report_intake(
        data=IntakeInput(
            **fields,
            reporter_role="police",
            reporter_name="Bripka Uji",
            source_agency="police",
            source_agency_name="Unit PPA Polresta Balikpapan",
            source_letter_number="B/77/XII/2026/Reskrim",
            source_letter_date=date(2026, 12, 1),
            source_contact_person="Ipda KONTAK-RAHASIA",
        ),
        channel=Channel.REFERRAL,
        acting_user=officer,
        accept=True,
    )
    report = recorded.submitted.report
    case = recorded.case
    login_as(client, officer)

    page = html(client.get(url("detail", case)))

    assert "Unit PPA Polresta Balikpapan" in page and "B/77/XII/2026/Reskrim" in page
    assert "Ipda KONTAK-RAHASIA" in page and reverse("triage:report", args=[report.uuid]) in page
    head_page = html(login_as(client, head).get(url("detail", case)))
    assert "B/77/XII/2026/Reskrim" in head_page and "KONTAK-RAHASIA" not in head_page


def test_a_case_from_the_web_form_shows_no_sender(client, officer):
    case = ts.report_accept(report=new_report(), acting_user=officer)
    login_as(client, officer)
    assert "Referred to us by" not in html(client.get(url("detail", case)))


def test_the_referral_section_costs_the_same_whatever_the_number_of_referrals(client, officer):
    case = full_case(officer)
    send(case, officer, [ConsentItem.HEALTH])
    login_as(client, officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("detail", case)).status_code == 200
        return len(captured)

    one = queries()
    for number in range(4):
        send(case, officer, [ConsentItem.CHRONOLOGY], letter_number=f"400.2/{number}/X")
    assert queries() == one


def test_the_timeline_names_referrals_and_the_transfer(client, officer):
    case = full_case(officer)
    referral = send(case, officer, [ConsentItem.HEALTH])
    rs.referral_answer(
        referral=referral,
        data=rs.ReferralAnswerInput(status="accepted", answered_on=today()),
        expected_version=1,
        acting_user=officer,
    )
    login_as(client, officer)
    transfer_by_page(client, case)

    page = html(client.get(url("detail", case)))

    assert "Referral sent" in page and "Referral answered" in page and "Sent → Accepted" in page
    assert "Case transferred to another UPTD PPA" in page
    assert "cases.referral" not in page and "cases.transferred" not in page
