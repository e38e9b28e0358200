"""The referral and transfer operations of the staff API (cases.referral_api)."""

import pytest
from django.utils import timezone

from cases.choices import CaseStatus, ClosureReason
from cases.models import Case, Referral
from cases.referrals import referral_send
from tests.cases_data import new_report, provider, referral_input
from tests.conftest import login_as
from triage import services as ts

pytestmark = pytest.mark.django_db


def base(case) -> str:
    return f"/api/v1/cases/{case.uuid}"


def open_case(officer) -> Case:
    return ts.report_accept(report=new_report(), acting_user=officer)


def body(**overrides) -> dict:
    data = {
        "provider": provider("RS Bhayangkara Balikpapan").name,
        "request": "Visum dan konseling RAHASIA-PERMINTAAN",
        "consent_items": ["health"],
        "consent_given_by": "Ibu kandung RAHASIA-IBU",
        "letter_number": "400.2/050/UPTD-PPA/2026",
        "sent_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def test_it_records_a_referral_and_lists_it(client, officer):
    case = open_case(officer)
    login_as(client, officer)

    created = client.post(f"{base(case)}/referrals/", body(), content_type="application/json")

    assert created.status_code == 201, created.content
    assert created.json()["status"] == "sent" and created.json()["consent_items"] == ["health"]
    listed = client.get(f"{base(case)}/referrals/").json()
    assert [item["id"] for item in listed] == [created.json()["id"]]
    assert listed[0]["request"].startswith("Visum")


def test_a_referral_without_consent_is_a_400_on_its_field(client, officer):
    case = open_case(officer)
    login_as(client, officer)

    response = client.post(f"{base(case)}/referrals/", body(consent_items=[]), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["consent_items"][0]["code"] == "invalid"
    assert not Referral.objects.exists()


def test_the_head_reads_referrals_without_identities_and_changes_nothing(client, officer, head):
    case = open_case(officer)
    referral_send(case=case, data=referral_input(request="RAHASIA-PERMINTAAN"), acting_user=officer)
    login_as(client, head)

    listed = client.get(f"{base(case)}/referrals/")

    assert listed.status_code == 200
    assert "RAHASIA" not in listed.content.decode() and "request" not in listed.json()[0]
    assert client.post(f"{base(case)}/referrals/", body(), content_type="application/json").status_code == 403


def test_it_records_an_answer_and_refuses_a_stale_one(client, officer):
    case = open_case(officer)
    referral = referral_send(case=case, data=referral_input(), acting_user=officer)
    login_as(client, officer)
    url = f"{base(case)}/referrals/{referral.uuid}/"
    answer = {"version": 1, "status": "accepted", "answered_on": timezone.localdate().isoformat()}

    ok = client.patch(url, answer, content_type="application/json")
    stale = client.patch(url, answer, content_type="application/json")
    wrong = client.patch(url, {**answer, "version": 2, "status": "sent"}, content_type="application/json")

    assert ok.status_code == 200 and ok.json()["status"] == "accepted" and ok.json()["version"] == 2
    assert stale.status_code == 400 and stale.json()["non_field_errors"][0]["code"] == "stale_version"
    assert wrong.status_code == 400 and "status" in wrong.json()


def test_it_transfers_a_case_which_then_refuses_changes(client, officer):
    case = open_case(officer)
    login_as(client, officer)
    transfer = {
        "version": case.version,
        "receiving_agency": "UPTD PPA Kota Samarinda",
        "transferred_on": timezone.localdate().isoformat(),
        "reason": "Keluarga pindah",
    }

    done = client.post(f"{base(case)}/transfer/", transfer, content_type="application/json")

    assert done.status_code == 201 and done.json()["receiving_agency"] == "UPTD PPA Kota Samarinda"
    assert client.get(f"{base(case)}/transfer/").json()["reason"] == "Keluarga pindah"
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, ClosureReason.TRANSFERRED)
    again = client.post(f"{base(case)}/referrals/", body(), content_type="application/json")
    assert again.status_code == 400 and again.json()["non_field_errors"][0]["code"] == "case_closed"
    note = client.post(f"{base(case)}/notes/", {"body": "x"}, content_type="application/json")
    assert note.status_code == 400


def test_the_head_reads_a_transfer_without_its_reason(client, officer, head):
    case = open_case(officer)
    assert login_as(client, head).get(f"{base(case)}/transfer/").status_code == 404
    login_as(client, officer).post(
        f"{base(case)}/transfer/",
        {
            "version": case.version,
            "receiving_agency": "UPTD PPA Kota Samarinda",
            "transferred_on": timezone.localdate().isoformat(),
            "reason": "RAHASIA-ALASAN",
        },
        content_type="application/json",
    )
    read = login_as(client, head).get(f"{base(case)}/transfer/")
    assert read.status_code == 200 and "reason" not in read.json() and "RAHASIA" not in read.content.decode()
