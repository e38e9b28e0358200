"""The legal section of the case page, its actions and API, the perpetrator and child fields, the
TPKS deadline on the triage pages, and the referral of an adult to the women's service."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases import legal
from cases.choices import LegalStage
from cases.models import LegalRecord, Perpetrator
from reports.choices import Channel, RejectionReason, Status
from reports.models import Report
from reports.services import report_submit
from tests.cases_data import new_report, provider
from tests.conftest import login_as
from tests.reporting import report_input
from triage import services as ts

pytestmark = pytest.mark.django_db
WAIVER = "Keluarga menolak melapor"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def sexual_case(officer, *, hours_ago=0):
    report = new_report(violence_types=["seksual"], child_name="Anak Rahasia", child_age=12)
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(hours=hours_ago))
    return ts.report_accept(report=Report.objects.get(pk=report.pk), acting_user=officer)


def url(name, case):
    return reverse(f"cases:{name}", args=[case.uuid])


def post_json(client, address, payload):
    return client.post(address, payload, content_type="application/json")


# --- the case page ------------------------------------------------------------------------------------------


def test_the_case_page_shows_the_police_deadline_and_records_the_referral(client, officer):
    case = sexual_case(officer, hours_ago=80)
    login_as(client, officer)

    html = client.get(url("detail", case)).content.decode()
    assert "UU TPKS Pasal 41" in html and "overdue for the police" in html
    assert 'id="action-police_refer"' in html and 'id="action-police_waive"' in html

    response = client.post(
        url("legal_police_refer", case), {"police_refer-version": "1", "police_refer-police_unit": "Unit PPA"}
    )

    assert response.status_code == 302
    record = LegalRecord.objects.get(case=case)
    assert record.police_referred_at is not None and record.stage == LegalStage.INQUIRY
    assert "Passed to the police late" in client.get(url("detail", case)).content.decode()


def test_a_waiver_without_reason_comes_back_next_to_its_form(client, officer):
    case = sexual_case(officer)
    login_as(client, officer)

    response = client.post(url("legal_police_waive", case), {"police_waive-version": "1", "police_waive-reason": ""})

    assert response.status_code == 400
    assert 'id="action-police_waive" open' in response.content.decode()
    assert LegalRecord.objects.get(case=case).police_waived_at is None


def test_the_legal_record_and_a_hearing_are_saved_from_the_page(client, officer):
    case = sexual_case(officer)
    login_as(client, officer)
    today = timezone.localdate().isoformat()

    saved = client.post(
        url("legal_update", case),
        {
            "legal-version": "1",
            "legal-stage": LegalStage.INVESTIGATION,
            "legal-police_unit": "Unit PPA Polresta Balikpapan",
            "legal-police_report_number": "LP/B/77/2026",
            "legal-visum_requested_on": today,
            "legal-visum_done_on": today,
            "legal-restitution": "requested",
            "legal-lpsk_protection": "",
        },
    )
    added = client.post(
        url("legal_hearing", case),
        {
            "hearing-held_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "hearing-court": "PN",
        },
    )

    assert (saved.status_code, added.status_code) == (302, 302)
    html = client.get(url("detail", case)).content.decode()
    assert "LP/B/77/2026" in html and "Unit PPA Polresta Balikpapan" in html and "Court hearings" in html


def test_the_head_reads_the_legal_section_without_the_reason_and_cannot_change_it(client, officer, head):
    case = sexual_case(officer)
    legal.legal_police_waive(case=case, reason=WAIVER, expected_version=1, acting_user=officer)
    login_as(client, head)

    html = client.get(url("detail", case)).content.decode()
    assert "Not passed to the police" in html and WAIVER not in html
    assert 'id="action-legal"' not in html
    assert client.post(url("legal_update", case), {"legal-version": "2"}).status_code == 403


def test_another_officer_gets_404_on_the_legal_actions(client, officer, other_officer):
    case = sexual_case(officer)
    login_as(client, other_officer)

    for name in ("legal_update", "legal_police_refer", "legal_police_waive", "legal_hearing"):
        assert client.post(url(name, case), {}).status_code == 404


def test_the_perpetrator_form_records_sex_age_and_shows_abh(client, officer):
    case = sexual_case(officer)
    login_as(client, officer)

    response = client.post(
        url("add_perpetrator", case),
        {"perpetrator-relation": "pacar_teman", "perpetrator-sex": "L", "perpetrator-age": "16"},
    )

    assert response.status_code == 302
    perpetrator = Perpetrator.objects.filter(case=case).latest("pk")
    assert (perpetrator.sex, perpetrator.age, perpetrator.is_child) == ("L", 16, True)
    assert "Anak berkonflik dengan hukum (ABH)" in client.get(url("detail", case)).content.decode()


def test_the_child_form_takes_the_age_at_the_incident(client, officer):
    case = sexual_case(officer)
    login_as(client, officer)

    response = client.post(
        url("add_child", case), {"child-name": "Sari", "child-age": "20", "child-age_at_incident": "16"}
    )

    assert response.status_code == 302
    child = next(child for child in case.children.all() if child.name == "Sari")  # the name is encrypted
    assert (child.age, child.age_at_incident) == (20, 16)
    assert "16 years at the incident" in client.get(url("detail", case)).content.decode()


def test_mediation_is_refused_on_the_page_naming_the_law(client, officer):
    case = sexual_case(officer)
    login_as(client, officer)

    response = client.post(
        url("plan_service", case),
        {
            "service-service_type": "mediasi",
            "service-provider": str(provider().pk),
            "service-planned_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 400 and "UU TPKS Pasal 23" in response.content.decode()


# --- the API ---------------------------------------------------------------------------------------------------


def test_the_legal_api_reads_changes_and_hides_encrypted_fields_from_the_head(client, officer, head):
    case = sexual_case(officer, hours_ago=70)
    login_as(client, officer)
    address = reverse("api-case-legal", args=[case.uuid])

    read = client.get(address).json()
    assert read["police_deadline"]["state"] == "open" and read["record"]["stage"] == "belum_dilaporkan"

    waived = post_json(
        client, reverse("api-case-legal-police", args=[case.uuid]), {"action": "waived", "version": 1, "reason": ""}
    )
    assert waived.status_code == 400 and waived.json()["reason"][0]["code"] == "reason_required"
    waived = post_json(
        client, reverse("api-case-legal-police", args=[case.uuid]), {"action": "waived", "version": 1, "reason": WAIVER}
    )
    assert waived.status_code == 200 and waived.json()["police_deadline"]["state"] == "waived"

    changed = client.patch(
        address, {"version": 2, "stage": "penyidikan", "verdict_outcome": ""}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["police_deadline"]["state"] == "referred", "a stage past 'not reported': the police have it"
    hearing = post_json(
        client,
        reverse("api-case-hearings", args=[case.uuid]),
        {"held_at": (timezone.now() + timedelta(days=1)).isoformat(), "court": "PN Balikpapan", "note": "Saksi"},
    )
    assert hearing.status_code == 201 and hearing.json()["note"] == "Saksi"

    login_as(client, head)
    as_head = client.get(address).json()
    assert "police_waiver_reason" not in as_head["record"] and "note" not in as_head["hearings"][0]
    assert WAIVER not in str(as_head)
    assert client.patch(address, {"version": 2}, content_type="application/json").status_code == 403


def test_the_legal_api_update_and_the_stale_version(client, officer):
    case = sexual_case(officer)
    login_as(client, officer)
    address = reverse("api-case-legal", args=[case.uuid])

    changed = client.patch(
        address, {"version": 1, "stage": "penyidikan", "police_unit": "Unit PPA"}, content_type="application/json"
    )
    stale = client.patch(address, {"version": 1, "stage": "persidangan"}, content_type="application/json")

    assert changed.status_code == 200 and changed.json()["record"]["police_referred_at"] is not None
    assert stale.status_code == 400 and stale.json()["non_field_errors"][0]["code"] == "stale_version"


def test_the_perpetrator_api_records_sex_age_and_refuses_a_contradiction(client, officer, other_officer):
    case = sexual_case(officer)
    login_as(client, officer)
    address = reverse("api-case-perpetrators", args=[case.uuid])

    added = post_json(client, address, {"relation": "pacar_teman", "sex": "L", "age": 15})
    refused = post_json(client, address, {"relation": "guru", "age": 40, "is_child": True})

    assert added.status_code == 201 and added.json()["is_child"] is True and added.json()["sex"] == "L"
    assert refused.status_code == 400 and "is_child" in refused.json()
    login_as(client, other_officer)
    assert post_json(client, address, {"relation": "guru"}).status_code == 404


def test_the_child_api_takes_an_adult_survivor_with_her_age_at_the_incident(client, officer):
    case = sexual_case(officer)
    login_as(client, officer)
    address = reverse("api-case-children", args=[case.uuid])

    added = post_json(client, address, {"name": "Sari", "age": 19, "age_at_incident": 14})
    refused = post_json(client, address, {"name": "Sari", "age": 19})

    assert added.status_code == 201 and added.json()["child"]["age_at_incident"] == 14
    assert refused.status_code == 400 and "age_at_incident" in refused.json()


def test_mediation_is_refused_over_the_api_per_field(client, officer):
    case = sexual_case(officer)
    login_as(client, officer)

    response = post_json(
        client,
        reverse("api-case-services", args=[case.uuid]),
        {"service_type": "mediasi", "provider": provider().name, "planned_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 400
    assert response.json()["service_type"][0]["code"] == "tpks_no_mediation"


# --- triage: the deadline and the women's service ------------------------------------------------------------


def test_the_inbox_and_the_report_page_show_the_police_deadline_of_sexual_violence(client, officer):
    sexual = new_report(violence_types=["seksual"])
    other = new_report(violence_types=["fisik"])
    login_as(client, officer)

    inbox = client.get(reverse("triage:inbox")).content.decode()
    assert inbox.count("left to pass it to the police") == 1
    assert "UU TPKS Pasal 41" in client.get(reverse("triage:report", args=[sexual.uuid])).content.decode()
    assert "UU TPKS Pasal 41" not in client.get(reverse("triage:report", args=[other.uuid])).content.decode()


def test_the_report_page_refers_an_adult_to_the_womens_service(client, officer):
    report = new_report()
    login_as(client, officer)

    page = client.get(reverse("triage:report", args=[report.uuid])).content.decode()
    assert 'id="refer-adult"' in page
    response = client.post(reverse("triage:reject", args=[report.uuid]), {"reason": RejectionReason.ADULT_REFERRED})

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.rejection_reason) == (Status.REJECTED, RejectionReason.ADULT_REFERRED)


def test_the_api_refers_an_adult_and_the_reporter_status_says_referred(client, officer):
    submitted = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None)
    login_as(client, officer)
    response = post_json(
        client, reverse("api-report-reject", args=[submitted.report.uuid]), {"reason": "adult_referred"}
    )
    assert response.status_code == 200

    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logging out drops the cookies
    status = post_json(client, reverse("api-report-status"), {"receipt_code": submitted.receipt_code}).json()
    assert status["status"] == "referred" and "women's service" in status["status_label"]
    page = client.post(reverse("reports:status"), {"receipt_code": submitted.receipt_code}).content.decode()
    assert "Referred to the women&#x27;s service" in page or "Referred to the women's service" in page
