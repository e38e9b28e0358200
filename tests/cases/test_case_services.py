from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cases import services as cs
from cases.access import access_case, cases_for
from cases.choices import CaseStatus, ServiceStatus
from cases.models import Case, Child
from core.errors import DomainError
from core.models import AuditEvent
from reports.choices import Status
from tests.cases_data import follow_up_input, new_report, plan_approved, service_input
from triage import services as ts

pytestmark = pytest.mark.django_db


def test_triage_acknowledge_is_idempotent_and_audited(officer):
    report = new_report()

    ts.report_acknowledge(report=report, acting_user=officer)
    again = ts.report_acknowledge(report=report, acting_user=officer)

    assert again.status == Status.ACKNOWLEDGED and again.acknowledged_by == officer
    assert AuditEvent.objects.filter(action="reports.acknowledged").count() == 1


@pytest.mark.parametrize("persona", ["volunteer", "head", "sysadmin"])
def test_only_officers_and_supervisors_triage(persona, request):
    report = new_report()

    with pytest.raises(DomainError):
        ts.report_acknowledge(report=report, acting_user=request.getfixturevalue(persona))


def test_changing_priority_needs_a_reason_and_moves_the_deadline(officer):
    report = new_report()
    with pytest.raises(DomainError) as error:
        ts.report_change_priority(report=report, priority="darurat", reason=" ", acting_user=officer)
    assert error.value.field == "reason"

    report = ts.report_change_priority(report=report, priority="darurat", reason="Anak diancam", acting_user=officer)

    assert report.acknowledge_due_at == report.received_at + timedelta(hours=1)
    change = report.priority_changes.get()
    assert (change.old_priority, change.new_priority, change.reason) == ("biasa", "darurat", "Anak diancam")
    data = AuditEvent.objects.get(action="reports.priority_changed").data
    assert data == {"from": "biasa", "to": "darurat", "change": change.pk}, "no free text in the audit trail"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM reports_prioritychange WHERE id = %s", [change.pk])
        assert "Anak diancam" not in cursor.fetchone()[0], "the reason is stored encrypted"


def test_reject_needs_a_reason_from_the_list(officer):
    report = new_report()
    with pytest.raises(DomainError):
        ts.report_reject(report=report, reason="bosan", acting_user=officer)

    assert ts.report_reject(report=report, reason="spam", acting_user=officer).status == Status.REJECTED
    with pytest.raises(DomainError):
        ts.report_reject(report=report, reason="spam", acting_user=officer)


def test_accept_opens_a_case_with_a_reference_and_the_child_and_a_second_report_joins_it(officer):
    first = new_report(child_name="Anak Uji Satu", child_age=9, perpetrator_relation="orang_tua")
    second = new_report()

    case = ts.report_accept(report=first, acting_user=officer)
    ts.report_accept(report=second, case=case, acting_user=officer)

    year = timezone.localdate().year
    assert case.reference == f"BPN-{year}-00001"
    assert case.assigned_officer == officer and case.status == CaseStatus.REGISTERED
    assert Child.objects.get(case=case).name == "Anak Uji Satu"
    assert case.case_reports.count() == 2
    first.refresh_from_db()
    assert first.status == Status.ACCEPTED
    assert ts.report_accept(report=new_report(), acting_user=officer).reference == f"BPN-{year}-00002"


def test_a_report_handled_once_cannot_be_accepted_again(officer):
    report = new_report()
    ts.report_accept(report=report, acting_user=officer)

    with pytest.raises(DomainError):
        ts.report_accept(report=report, acting_user=officer)


def test_only_a_supervisor_names_the_officer_of_a_new_case(officer, other_officer, supervisor):
    report = new_report()

    with pytest.raises(DomainError) as named_by_an_officer:
        ts.report_accept(report=report, acting_user=officer, officer=other_officer)
    with pytest.raises(DomainError) as naming_themselves:
        ts.report_accept(report=report, acting_user=officer, officer=officer)
    case = ts.report_accept(report=report, acting_user=supervisor, officer=other_officer)

    for refused in (named_by_an_officer, naming_themselves):
        assert (refused.value.code, refused.value.field) == ("not_supervisor", "officer")
    assert case.assigned_officer == other_officer
    assert not AuditEvent.objects.filter(action="cases.opened", actor=officer).exists()


def test_an_officer_is_named_only_for_a_new_case(officer, other_officer, supervisor):
    case = ts.report_accept(report=new_report(), acting_user=officer)

    with pytest.raises(DomainError) as refused:
        ts.report_accept(report=new_report(), case=case, acting_user=supervisor, officer=other_officer)

    assert (refused.value.code, refused.value.field) == ("invalid", "officer")
    assert case.case_reports.count() == 1


def open_case(officer, **report_overrides) -> Case:
    return ts.report_accept(report=new_report(**report_overrides), acting_user=officer)


def test_the_case_follows_the_steps_and_each_step_checks_what_it_needs(officer, supervisor):
    case = open_case(officer)
    with pytest.raises(DomainError):
        cs.case_advance(case=case, expected_version=case.version, acting_user=officer)

    case = cs.case_record_assessment(
        case=case,
        risk_level="tinggi",
        needs="Pendampingan psikolog",
        expected_version=case.version,
        acting_user=officer,
    )
    case = cs.case_advance(case=case, expected_version=case.version, acting_user=officer)
    assert case.status == CaseStatus.CASE_PLAN
    with pytest.raises(DomainError) as error:
        cs.case_advance(case=case, expected_version=case.version, acting_user=officer)
    assert error.value.code == "step_requirements"

    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    with pytest.raises(DomainError) as error:  # the plan is not approved yet
        cs.case_advance(case=case, expected_version=case.version, acting_user=officer)
    assert error.value.code == "step_requirements"
    plan_approved(case, officer=officer, supervisor=supervisor)
    case = cs.case_advance(case=case, expected_version=case.version, acting_user=officer)
    assert case.status == CaseStatus.SERVICES
    with pytest.raises(DomainError):
        cs.case_advance(case=case, expected_version=case.version, acting_user=officer)
    cs.service_update(
        service=service,
        data=service_input(
            status=ServiceStatus.DONE, started_on=timezone.localdate(), completed_on=timezone.localdate()
        ),
        expected_version=service.version,
        acting_user=officer,
    )
    case = cs.case_advance(case=case, expected_version=case.version, acting_user=officer)
    assert case.status == CaseStatus.MONITORING

    with pytest.raises(DomainError):
        cs.case_request_closure(case=case, reason="goals_met", expected_version=case.version, acting_user=officer)
    cs.follow_up_record(case=case, data=follow_up_input(), acting_user=officer)
    with pytest.raises(DomainError):
        cs.case_request_closure(case=case, reason="safe_and_stable", expected_version=case.version, acting_user=officer)
    with pytest.raises(DomainError):
        cs.case_request_closure(case=case, reason="other", expected_version=case.version, acting_user=officer)
    case = cs.case_request_closure(case=case, reason="goals_met", expected_version=case.version, acting_user=officer)
    assert case.status == CaseStatus.CLOSURE_REQUESTED

    with pytest.raises(DomainError):
        cs.case_decide_closure(case=case, approve=True, expected_version=case.version, acting_user=officer)
    case = cs.case_decide_closure(
        case=case, approve=True, justification="Dirujuk", expected_version=case.version, acting_user=supervisor
    )
    assert case.status == CaseStatus.CLOSED and case.closed_at

    case = cs.case_reopen(case=case, reason="Laporan baru", expected_version=case.version, acting_user=supervisor)
    assert case.status == CaseStatus.MONITORING and case.closed_at is None
    actions = list(
        AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk)).values_list("action", flat=True)
    )
    for action in (
        "cases.opened",
        "cases.assessed",
        "cases.advanced",
        "cases.closure_requested",
        "cases.closure_approved",
        "cases.reopened",
        "cases.service_planned",
        "cases.follow_up_recorded",
    ):
        assert action in actions


def test_a_stale_edit_is_refused_saying_who_changed_what(officer, supervisor, other_officer):
    case = open_case(officer)
    stale = case.version
    cs.case_assign(case=case, officer=other_officer, expected_version=stale, acting_user=supervisor)

    with pytest.raises(DomainError) as error:
        cs.case_record_assessment(
            case=case, risk_level="rendah", needs="x", expected_version=stale, acting_user=officer
        )

    assert error.value.code == "stale_version"
    assert "koordinator" in error.value.message.lower() or "Uji" in error.value.message
    assert Case.objects.get(pk=case.pk).risk_level == ""


def test_a_supervisor_sends_a_closure_back_with_a_comment(officer, supervisor):
    case = open_case(officer)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSURE_REQUESTED, closure_reason="goals_met")
    case.refresh_from_db()

    with pytest.raises(DomainError):
        cs.case_decide_closure(case=case, approve=False, expected_version=case.version, acting_user=supervisor)
    case = cs.case_decide_closure(
        case=case,
        approve=False,
        comment="Belum ada kunjungan kedua",
        expected_version=case.version,
        acting_user=supervisor,
    )

    assert case.status == CaseStatus.MONITORING and case.closure_reason == ""
    assert case.notes.get().body == "Belum ada kunjungan kedua"


def test_the_same_child_in_another_case_is_found_without_decrypting(officer):
    first = open_case(officer)
    cs.case_add_child(case=first, data=cs.ChildInput(name="Siti  Aminah", age=10), acting_user=officer)
    second = open_case(officer)

    _child, duplicates = cs.case_add_child(
        case=second, data=cs.ChildInput(name="siti aminah", age=10), acting_user=officer
    )
    _child, none = cs.case_add_child(case=second, data=cs.ChildInput(name="Budi", age=10), acting_user=officer)

    assert duplicates == [first]
    assert none == []
    first_added = AuditEvent.objects.filter(action="cases.child_added", target_id=str(second.pk)).order_by("pk")[0]
    assert first_added.data["possible_duplicate_cases"] == [first.pk]


def test_an_officer_learns_only_the_references_of_cases_they_may_open(officer, other_officer):
    from cases.access import visible_references

    theirs = open_case(other_officer)
    cs.case_add_child(case=theirs, data=cs.ChildInput(name="Rahasia Anak", age=7), acting_user=other_officer)
    mine = open_case(officer)

    _child, duplicates = cs.case_add_child(
        case=mine, data=cs.ChildInput(name="Rahasia Anak", age=7), acting_user=officer
    )

    assert visible_references(officer, duplicates) == ([], 1)
    assert visible_references(other_officer, duplicates) == ([theirs.reference], 0)


def test_an_officer_cannot_open_a_report_inside_another_officers_case(officer, other_officer, supervisor):
    from django.http import Http404

    from cases.access import access_report, reports_for

    report = new_report()
    ts.report_accept(report=report, acting_user=other_officer)
    waiting = new_report()

    assert set(reports_for(officer)) == {waiting}
    assert set(reports_for(supervisor)) == {report, waiting}
    with pytest.raises(Http404):
        access_report(officer, report.uuid)


def test_reading_a_report_in_a_case_shows_in_who_opened_the_case(officer, supervisor):
    report = new_report()
    case = ts.report_accept(report=report, acting_user=officer)

    ts.report_record_view(report=report, acting_user=supervisor, what="attachment:1")

    event = AuditEvent.objects.filter(action="cases.viewed", target_id=str(case.pk)).get()
    assert event.actor == supervisor and event.data["what"].endswith("attachment:1")


@pytest.mark.parametrize("score", [0, 5])
def test_follow_up_scores_are_1_to_4(officer, score):
    case = open_case(officer)
    case = cs.case_record_assessment(
        case=case, risk_level="rendah", needs="x", expected_version=case.version, acting_user=officer
    )

    with pytest.raises(DomainError) as error:
        cs.follow_up_record(case=case, data=follow_up_input(safety=score), acting_user=officer)

    assert error.value.field == "safety"


def test_who_sees_which_case(officer, other_officer, supervisor, head, sysadmin, volunteer):
    mine = open_case(officer)

    assert list(cases_for(officer)) == [mine]
    assert list(cases_for(other_officer)) == []
    assert list(cases_for(supervisor)) == [mine]
    assert list(cases_for(head)) == [mine]
    assert list(cases_for(sysadmin)) == list(cases_for(volunteer)) == []
    assert access_case(officer, mine.uuid).identities is True
    assert access_case(head, mine.uuid).identities is False
    with pytest.raises(Exception) as missing:
        access_case(other_officer, mine.uuid)
    assert missing.typename == "Http404"


def test_a_stale_service_update_is_refused(officer, other_officer, supervisor):
    case = open_case(officer)
    cs.case_assign(
        case=case, officer=officer, second_officer=other_officer, expected_version=case.version, acting_user=supervisor
    )
    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    cs.service_update(
        service=service, data=service_input(status="in_progress"), expected_version=1, acting_user=other_officer
    )

    with pytest.raises(DomainError) as error:
        cs.service_update(
            service=service,
            data=service_input(status="declined_by_family", outcome="Keluarga menolak"),
            expected_version=1,
            acting_user=officer,
        )

    assert error.value.code == "stale_version"
    service.refresh_from_db()
    assert (service.status, service.version) == ("in_progress", 2)


def test_the_system_administrator_reads_no_audit_details_in_the_admin(client, sysadmin, officer):
    from tests.conftest import login_as

    report = new_report()
    ts.report_change_priority(report=report, priority="darurat", reason="Nama anak Kenari", acting_user=officer)
    event = AuditEvent.objects.get(action="reports.priority_changed")
    login_as(client, sysadmin)

    page = client.get(f"/admin/core/auditevent/{event.pk}/change/")

    assert page.status_code == 200
    assert "Kenari" not in page.content.decode() and "reason_encrypted" not in page.content.decode()


def test_a_role_given_in_the_admin_is_audited(client, sysadmin, volunteer):
    # The roles that see identities are never given in the admin (tests/accounts/test_account_roles.py);
    # a volunteer made an administrator is a change the admin may make, and it is audited.
    from tests.conftest import login_as

    login_as(client, sysadmin)
    response = client.post(
        f"/admin/accounts/user/{volunteer.pk}/change/",
        {
            "username": volunteer.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "phone": "",
            "role": "admin",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="accounts.user_changed_in_admin")
    assert event.actor == sysadmin and event.data["role"] == "admin" and "role" in event.data["fields"]


def test_the_system_administrator_manages_reference_data_but_no_case_content(client, sysadmin, officer):
    from tests.conftest import login_as

    open_case(officer)
    login_as(client, sysadmin)

    index = client.get("/admin/").content.decode()

    assert client.get("/admin/cases/provider/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert "/admin/cases/case/" not in index and "/admin/reports/report/" not in index
    assert client.get("/admin/core/auditevent/add/").status_code == 403
