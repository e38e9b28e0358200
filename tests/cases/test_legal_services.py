"""The legal process and UU 12/2022 (TPKS) duties: cases.legal and the rules it adds to cases.services."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from alerts import services as alert_services
from alerts.content import alert_content
from alerts.models import Alert, AlertKind
from cases import legal
from cases import services as cs
from cases.choices import LegalStage, ServiceStatus, ServiceType
from cases.models import Child, LegalRecord
from core.errors import DomainError
from core.models import AuditEvent
from reports.choices import RejectionReason, Status
from reports.models import Report
from reports.wording import reporter_status
from tests.cases_data import new_report, service_input
from triage import services as ts

pytestmark = pytest.mark.django_db


def sexual_case(officer, *, hours_ago=0, **report_fields):
    report = new_report(violence_types=["seksual"], **report_fields)
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(hours=hours_ago))
    report.refresh_from_db()
    return ts.report_accept(report=report, acting_user=officer), report


# --- TPKS Pasal 41: the deadline ------------------------------------------------------------------------


def test_it_starts_the_police_deadline_when_a_sexual_violence_case_opens(officer, settings):
    settings.TPKS_POLICE_REFERRAL_HOURS = 72
    case, report = sexual_case(officer, hours_ago=5)

    record = LegalRecord.objects.get(case=case)
    assert record.police_due_at == report.received_at + timedelta(hours=72)
    assert record.stage == LegalStage.NOT_REPORTED
    assert AuditEvent.objects.filter(action="cases.legal_deadline_started", target_id=str(case.pk)).exists()


def test_it_starts_no_deadline_for_other_violence(officer):
    case = ts.report_accept(report=new_report(violence_types=["fisik"]), acting_user=officer)

    assert not LegalRecord.objects.filter(case=case).exists()


def test_sexual_violence_accepted_into_an_open_case_starts_the_deadline_from_that_report(officer):
    case = ts.report_accept(report=new_report(violence_types=["fisik"]), acting_user=officer)
    report = new_report(violence_types=["seksual"])

    ts.report_accept(report=report, case=case, acting_user=officer)

    assert LegalRecord.objects.get(case=case).police_due_at == legal.police_due_at(report.received_at)


def test_the_deadline_is_one_definition_for_report_and_case(officer):
    case, report = sexual_case(officer, hours_ago=80)
    now = timezone.now()

    from_report = legal.report_police_deadline(report, now=now)
    from_case = legal.record_police_deadline(case.legal, now=now)

    assert from_report.due_at == from_case.due_at and from_report.overdue and from_case.overdue
    assert legal.report_police_deadline(new_report(violence_types=["fisik"]), now=now) is None


def test_passed_to_the_police_stops_the_clock_and_moves_the_stage(officer):
    case, _report = sexual_case(officer, hours_ago=80)

    record = legal.legal_police_refer(
        case=case, police_unit="Unit PPA Polresta Balikpapan", expected_version=1, acting_user=officer
    )

    assert record.police_referred_at is not None and record.stage == LegalStage.INQUIRY
    assert record.police_unit == "Unit PPA Polresta Balikpapan"
    assert legal.record_police_deadline(record, now=timezone.now()).state == "referred"
    assert AuditEvent.objects.get(action="cases.legal_police_referred").data["late"] is True


def test_not_passing_it_needs_a_reason_which_is_encrypted(officer):
    case, _report = sexual_case(officer)
    with pytest.raises(DomainError) as error:
        legal.legal_police_waive(case=case, reason="  ", expected_version=1, acting_user=officer)
    assert error.value.field == "reason"

    record = legal.legal_police_waive(
        case=case, reason="Keluarga menolak, anak trauma", expected_version=1, acting_user=officer
    )

    assert record.police_waived_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT police_waiver_reason FROM cases_legalrecord WHERE id = %s", [record.pk])
        assert "Keluarga" not in cursor.fetchone()[0]
    assert "Keluarga" not in str(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("data", flat=True))


def test_a_stale_legal_edit_is_refused(officer):
    case, _report = sexual_case(officer)
    legal.legal_police_refer(case=case, expected_version=1, acting_user=officer)

    with pytest.raises(DomainError) as error:
        legal.legal_record_update(
            case=case, data=legal.LegalRecordInput(stage="penyidikan"), expected_version=1, acting_user=officer
        )

    assert error.value.code == "stale_version"


def test_only_the_cases_officers_and_supervisors_change_the_legal_record(officer, other_officer, supervisor, head):
    case, _report = sexual_case(officer)
    for outsider in (other_officer, head):
        with pytest.raises(DomainError):
            legal.legal_police_refer(case=case, expected_version=1, acting_user=outsider)

    legal.legal_police_refer(case=case, expected_version=1, acting_user=supervisor)


def test_the_legal_record_rules(officer):
    case, _report = sexual_case(officer)
    today = timezone.localdate()
    cases = {
        "visum_requested_on": legal.LegalRecordInput(visum_done_on=today),
        "visum_done_on": legal.LegalRecordInput(visum_requested_on=today, visum_done_on=today - timedelta(days=1)),
        "verdict_on": legal.LegalRecordInput(stage=LegalStage.VERDICT),
        "police_reported_on": legal.LegalRecordInput(police_reported_on=today + timedelta(days=1)),
    }
    for field, data in cases.items():
        with pytest.raises(DomainError) as error:
            legal.legal_record_update(case=case, data=data, expected_version=1, acting_user=officer)
        assert error.value.field == field

    record = legal.legal_record_update(
        case=case,
        data=legal.LegalRecordInput(
            stage=LegalStage.TRIAL,
            police_report_number="LP/B/123/XII/2026",
            visum_requested_on=today,
            visum_done_on=today,
            restitution="requested",
            lpsk_protection="granted",
        ),
        expected_version=1,
        acting_user=officer,
    )
    assert record.police_referred_at is not None, "a stage past 'not reported' means the police have it"
    assert AuditEvent.objects.get(action="cases.legal_updated").data["police_referred"] is True
    assert "LP/B/123" not in str(AuditEvent.objects.get(action="cases.legal_updated").data)


def test_a_hearing_is_added_and_audited(officer):
    case, _report = sexual_case(officer)

    hearing = legal.court_hearing_add(
        case=case, held_at=timezone.now() + timedelta(days=1), court="PN Balikpapan", acting_user=officer
    )

    assert hearing.case == case and AuditEvent.objects.filter(action="cases.hearing_added").exists()
    with pytest.raises(DomainError) as error:
        legal.court_hearing_add(case=case, held_at=timezone.now().replace(year=290), acting_user=officer)
    assert error.value.field == "held_at"


# --- TPKS Pasal 23: no mediation ---------------------------------------------------------------------------


def test_mediation_is_refused_in_a_sexual_violence_case_naming_the_law(officer):
    case, _report = sexual_case(officer)

    with pytest.raises(DomainError) as error:
        cs.service_plan(case=case, data=service_input(service_type=ServiceType.MEDIASI), acting_user=officer)

    assert error.value.field == "service_type" and "UU TPKS Pasal 23" in error.value.message


def test_mediation_is_refused_while_an_adult_perpetrator_is_recorded(officer):
    case, _report = sexual_case(officer)
    cs.case_add_perpetrator(case=case, relation="pacar_teman", lives_with_child=False, age=15, acting_user=officer)
    cs.case_add_perpetrator(case=case, relation="tetangga", lives_with_child=False, age=30, acting_user=officer)

    with pytest.raises(DomainError):
        cs.service_plan(case=case, data=service_input(service_type=ServiceType.MEDIASI), acting_user=officer)


def test_mediation_is_allowed_when_every_perpetrator_is_a_child(officer):
    case, _report = sexual_case(officer)
    case.perpetrators.all().delete()
    cs.case_add_perpetrator(case=case, relation="pacar_teman", lives_with_child=False, age=15, acting_user=officer)
    cs.case_add_perpetrator(case=case, relation="lainnya", lives_with_child=False, is_child=True, acting_user=officer)

    service = cs.service_plan(case=case, data=service_input(service_type=ServiceType.MEDIASI), acting_user=officer)

    assert service.service_type == ServiceType.MEDIASI


def test_mediation_outside_sexual_violence_is_allowed(officer):
    case = ts.report_accept(report=new_report(violence_types=["fisik"]), acting_user=officer)

    cs.service_plan(case=case, data=service_input(service_type=ServiceType.MEDIASI), acting_user=officer)


def test_an_earlier_mediation_can_only_be_stopped_once_the_case_holds_sexual_violence(officer):
    case = ts.report_accept(report=new_report(violence_types=["fisik"]), acting_user=officer)
    service = cs.service_plan(case=case, data=service_input(service_type=ServiceType.MEDIASI), acting_user=officer)
    ts.report_accept(report=new_report(violence_types=["seksual"]), case=case, acting_user=officer)

    with pytest.raises(DomainError) as error:
        cs.service_update(
            service=service,
            data=service_input(service_type=ServiceType.MEDIASI, status=ServiceStatus.IN_PROGRESS),
            expected_version=1,
            acting_user=officer,
        )
    assert error.value.code == "tpks_no_mediation"

    cs.service_update(
        service=service,
        data=service_input(
            service_type=ServiceType.MEDIASI, status=ServiceStatus.REFUSED_BY_PROVIDER, outcome="UU TPKS"
        ),
        expected_version=1,
        acting_user=officer,
    )


# --- perpetrators and children ----------------------------------------------------------------------------


def test_a_perpetrators_age_decides_whether_they_are_a_child(officer):
    case = ts.report_accept(report=new_report(), acting_user=officer)

    child = cs.case_add_perpetrator(
        case=case, relation="pacar_teman", lives_with_child=False, sex="L", age=16, acting_user=officer
    )
    adult = cs.case_add_perpetrator(case=case, relation="tetangga", lives_with_child=None, age=40, acting_user=officer)
    unknown_age = cs.case_add_perpetrator(
        case=case, relation="lainnya", lives_with_child=None, is_child=True, acting_user=officer
    )

    assert (child.is_child, child.sex, adult.is_child, unknown_age.is_child) == (True, "L", False, True)
    with pytest.raises(DomainError) as error:
        cs.case_add_perpetrator(
            case=case, relation="guru", lives_with_child=None, age=35, is_child=True, acting_user=officer
        )
    assert error.value.field == "is_child"
    with pytest.raises(DomainError) as error:
        cs.case_add_perpetrator(case=case, relation="guru", lives_with_child=None, sex="X", acting_user=officer)
    assert error.value.field == "sex"


def test_a_survivor_who_is_an_adult_now_is_recorded_by_her_age_at_the_incident(officer):
    case = ts.report_accept(report=new_report(), acting_user=officer)

    child, _duplicates = cs.case_add_child(
        case=case, data=cs.ChildInput(name="Sari", age=19, age_at_incident=15), acting_user=officer
    )

    assert (child.age, child.age_at_incident) == (19, 15)
    for data, field in (
        (cs.ChildInput(name="Sari", age=19), "age_at_incident"),
        (cs.ChildInput(name="Sari", age=12, age_at_incident=14), "age_at_incident"),
        (cs.ChildInput(name="Sari", age=10, age_at_incident=18), "age_at_incident"),
        (cs.ChildInput(name="Sari", age=121), "age"),
    ):
        with pytest.raises(DomainError) as error:
            cs.case_add_child(case=case, data=data, acting_user=officer)
        assert error.value.field == field


def test_the_case_opened_from_a_report_has_the_age_at_the_incident(officer):
    case = ts.report_accept(report=new_report(child_name="Rina", child_age=11), acting_user=officer)

    assert Child.objects.get(case=case).age_at_incident == 11


# --- adults: referred to the women's service ---------------------------------------------------------------


def test_a_report_about_an_adult_is_referred_and_the_reporter_is_told_where_to_go(officer):
    report = ts.report_reject(report=new_report(), reason=RejectionReason.ADULT_REFERRED, acting_user=officer)

    assert (report.status, report.rejection_reason) == (Status.REJECTED, RejectionReason.ADULT_REFERRED)
    shown = reporter_status(status=report.status, case_status=None, rejection_reason=report.rejection_reason)
    assert shown.key == "referred"
    assert "UPTD PPA" in shown.explained and "129" in shown.explained
    plain = reporter_status(status=report.status, case_status=None, rejection_reason=RejectionReason.SPAM)
    assert plain.key == "closed"


# --- the reminder and the escalation ------------------------------------------------------------------------


def test_the_sweep_reminds_officers_then_escalates_to_supervisors_once(officer, supervisor, settings):
    settings.TPKS_POLICE_REFERRAL_HOURS, settings.TPKS_POLICE_REMIND_HOURS = 72, 24
    early, _report = sexual_case(officer, hours_ago=10)
    soon, _report = sexual_case(officer, hours_ago=60)
    late, _report = sexual_case(officer, hours_ago=80)
    done, _report = sexual_case(officer, hours_ago=80)
    legal.legal_police_refer(case=done, expected_version=1, acting_user=officer)

    alert_services.legal_sweep(now=timezone.now())
    alert_services.legal_sweep(now=timezone.now())

    kinds = sorted(
        Alert.objects.filter(kind__in=[AlertKind.POLICE_DUE, AlertKind.POLICE_OVERDUE]).values_list("case_id", "kind")
    )
    assert kinds == sorted(
        [(soon.pk, AlertKind.POLICE_DUE), (late.pk, AlertKind.POLICE_DUE), (late.pk, AlertKind.POLICE_OVERDUE)]
    )
    assert not Alert.objects.filter(case__in=[early, done]).exists()
    overdue = Alert.objects.get(kind=AlertKind.POLICE_OVERDUE)
    assert set(overdue.deliveries.values_list("recipient", flat=True)) == {supervisor.pk}
    assert set(Alert.objects.get(case=soon).deliveries.values_list("recipient", flat=True)) == {officer.pk}


def test_a_hearing_within_two_days_reminds_the_officers_once(officer, settings):
    settings.HEARING_REMIND_DAYS = 2
    case, _report = sexual_case(officer)
    soon = legal.court_hearing_add(case=case, held_at=timezone.now() + timedelta(days=1), acting_user=officer)
    legal.court_hearing_add(case=case, held_at=timezone.now() + timedelta(days=5), acting_user=officer)

    alert_services.legal_sweep(now=timezone.now())
    alert_services.legal_sweep(now=timezone.now())

    hearing_alerts = Alert.objects.filter(kind=AlertKind.HEARING_SOON)
    assert list(hearing_alerts.values_list("key", flat=True)) == [f"hearing:{soon.pk}:{soon.held_at:%Y%m%d%H%M}"]
    assert set(hearing_alerts.get().deliveries.values_list("recipient", flat=True)) == {officer.pk}


def test_police_alerts_say_no_identity(officer, supervisor):
    case, _report = sexual_case(officer, hours_ago=80, child_name="Melati Rahasia")
    alert_services.legal_sweep(now=timezone.now())

    for alert in Alert.objects.filter(case=case):
        content = alert_content(alert, recipient=supervisor)
        assert "Melati" not in str(content.as_payload())
        assert content.reference == case.reference and "TPKS" in content.title
        assert content.link.endswith(f"/{case.uuid}/")
