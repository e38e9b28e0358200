import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as cs
from cases.choices import CaseStatus
from cases.models import Case, CaseNote, CaseService, Child, FollowUp
from core.models import AuditEvent
from reports.choices import Status
from reports.models import Report, ReportMessage
from reports.services import report_message_add
from tests.cases_data import new_report, plan_approved, provider, service_input
from tests.conftest import login_as
from tests.reporting import report_post_data
from triage import services as ts
from triage.services import report_mark_duplicate

pytestmark = pytest.mark.django_db

REPORTS = reverse("api-report-submit")
CASES = reverse("api-cases")
TRIAGE_ACTIONS = ["acknowledge", "message", "priority", "duplicate", "reject", "accept"]
CHILD_NAME = "Anak Bernama Kenari"


def report_url(report, action=None) -> str:
    if action is None:
        return reverse("api-report-detail", args=[report.uuid])
    name = "api-report-staff-message" if action == "message" else f"api-report-{action}"
    return reverse(name, args=[report.uuid])


def case_url(case, part=None) -> str:
    return reverse(f"api-case-{part}" if part else "api-case", args=[case.uuid])


def service_url(case, service) -> str:
    return reverse("api-case-service", args=[case.uuid, service.uuid])


SUPERVISOR_ONLY = "Hanya koordinator yang dapat melakukan ini."  # the pages' default language


def post_json(client, url, payload=None):
    return client.post(url, payload or {}, content_type="application/json")


def patch_json(client, url, payload):
    return client.patch(url, payload, content_type="application/json")


def open_case(officer, **report_overrides) -> Case:
    return ts.report_accept(report=new_report(**report_overrides), acting_user=officer)


def error_codes(response, field) -> list[str]:
    return [error["code"] for error in response.json()[field]]


def today() -> str:
    return timezone.localdate().isoformat()


@pytest.fixture
def report(db):
    return new_report(child_name=CHILD_NAME, child_age=9)


@pytest.fixture
def case(officer):
    case = open_case(officer, child_name=CHILD_NAME, child_age=9, perpetrator_relation="orang_tua")
    cs.case_note_add(case=case, body="Catatan rahasia petugas", acting_user=officer)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def service(case):
    return cs.service_plan(
        case=case, data=service_input(outcome="Rahasia hasil layanan"), acting_user=case.assigned_officer
    )


SCORES = {"safety": 3, "physical_health": 3, "emotional_wellbeing": 2, "schooling": 3, "family_support": 2}


def triage_payloads(case) -> dict:
    """A valid body for each triage action: a refusal must come from who asks, not from what."""
    return {
        "acknowledge": {},
        "message": {"body": "Kami akan datang."},
        "priority": {"priority": "darurat", "reason": "Anak diancam"},
        "duplicate": {"of_case": case.reference},
        "reject": {"reason": "spam"},
        "accept": {},
    }


def every_staff_request(client, report, case, service):
    """One response per staff endpoint and method."""
    return {
        "report list": client.get(REPORTS),
        "report detail": client.get(report_url(report)),
        **{
            f"report {action}": post_json(client, report_url(report, action), payload)
            for action, payload in triage_payloads(case).items()
        },
        "case list": client.get(CASES),
        "case detail": client.get(case_url(case)),
        **case_writes(client, case, service),
    }


def case_writes(client, case, service):
    version = case.version
    officer = case.assigned_officer.username
    return {
        "case assessment": patch_json(
            client, case_url(case), {"version": version, "risk_level": "tinggi", "needs": "x"}
        ),
        "case transition": post_json(client, case_url(case, "transitions"), {"action": "advance", "version": version}),
        "case assign": post_json(client, case_url(case, "assign"), {"officer": officer, "version": version}),
        "case child": post_json(client, case_url(case, "children"), {"name": "Budi"}),
        "case service": post_json(
            client,
            case_url(case, "services"),
            {"service_type": "kesehatan", "provider": provider().name, "planned_on": today()},
        ),
        "case follow-up": post_json(client, case_url(case, "follow-ups"), {"visited_on": today(), **SCORES}),
        "case note": post_json(client, case_url(case, "notes"), {"body": "Catatan"}),
        "case service update": patch_json(client, service_url(case, service), {"status": "in_progress", "version": 1}),
    }


def nothing_written(case, report=None) -> bool:
    case.refresh_from_db()
    return (
        (case.status, case.version, case.risk_level) == (CaseStatus.REGISTERED, 1, "")
        and Child.objects.filter(case=case).count() == 1
        and CaseNote.objects.filter(case=case).count() == 1
        and not FollowUp.objects.exists()
        and CaseService.objects.get(case=case).status == "planned"
        and (report is None or Report.objects.filter(pk=report.pk, status=Status.NEW, priority="biasa").exists())
        and not ReportMessage.objects.exists()
    )


# --- Who gets in -------------------------------------------------------------------------------


def test_it_refuses_anonymous_callers_on_every_staff_endpoint(client, report, case, service):
    for name, response in every_staff_request(client, report, case, service).items():
        assert response.status_code == 403, name
    assert nothing_written(case, report)


@pytest.mark.parametrize("persona", ["volunteer", "sysadmin"])
def test_it_refuses_volunteers_and_system_administrators_everywhere(client, report, case, service, persona, request):
    login_as(client, request.getfixturevalue(persona))

    for name, response in every_staff_request(client, report, case, service).items():
        assert response.status_code == 403, name
    assert nothing_written(case, report)


def test_it_refuses_staff_who_have_not_given_the_second_factor(client, settings, officer, report, case, service):
    settings.STAFF_2FA_REQUIRED = True
    client.force_login(officer)

    for name, response in every_staff_request(client, report, case, service).items():
        assert response.status_code == 403, name
    assert nothing_written(case, report)


def test_the_head_of_agency_does_not_triage_reports(client, head, report, case, service):
    login_as(client, head)

    assert client.get(REPORTS).status_code == 403
    assert client.get(report_url(report)).status_code == 403
    for action, payload in triage_payloads(case).items():
        assert post_json(client, report_url(report, action), payload).status_code == 403, action
    assert nothing_written(case, report)
    assert not AuditEvent.objects.filter(action="reports.viewed").exists()


def test_an_officer_does_not_see_a_case_assigned_to_someone_else(client, other_officer, case, service):
    login_as(client, other_officer)

    assert client.get(CASES).json()["count"] == 0
    assert client.get(case_url(case)).status_code == 404
    for name, response in case_writes(client, case, service).items():
        assert response.status_code == 404, name
    assert nothing_written(case)
    assert not AuditEvent.objects.filter(action="cases.viewed").exists()


def test_the_head_reads_cases_without_identities_and_changes_nothing(client, head, case, service):
    login_as(client, head)

    listed = client.get(CASES)
    detail = client.get(case_url(case))

    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert detail.status_code == 200
    body = detail.json()
    assert body["reference"] == case.reference and body["can_edit"] is False
    assert not {"children", "needs", "notes", "closure_explanation"} & set(body)
    assert "outcome" not in body["services"][0] and "description" not in body["perpetrators"][0]
    text = detail.content.decode()
    for secret in (CHILD_NAME, "Catatan rahasia", "Rahasia hasil"):
        assert secret not in text
    for name, response in case_writes(client, case, service).items():
        assert response.status_code == 403, name
    assert nothing_written(case)


def test_unknown_ids_are_404(client, officer):
    login_as(client, officer)
    missing = uuid.uuid4()

    assert client.get(reverse("api-report-detail", args=[missing])).status_code == 404
    assert post_json(client, reverse("api-report-acknowledge", args=[missing])).status_code == 404
    assert client.get(reverse("api-case", args=[missing])).status_code == 404
    assert post_json(client, reverse("api-case-notes", args=[missing]), {"body": "x"}).status_code == 404


def test_an_unknown_service_of_a_visible_case_is_404(client, officer, case):
    login_as(client, officer)

    response = patch_json(
        client, reverse("api-case-service", args=[case.uuid, uuid.uuid4()]), {"status": "done", "version": 1}
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("assign", {}),
        ("transitions", {"action": "approve_closure"}),
        ("transitions", {"action": "send_back", "comment": ""}),
        ("transitions", {"action": "reopen", "version": "not a number"}),
    ],
)
def test_an_officer_asking_for_a_supervisors_action_gets_403_before_any_validation(
    client, officer, case, operation, body
):
    login_as(client, officer)
    version = case.version

    response = post_json(client, case_url(case, operation), body)

    assert response.status_code == 403
    assert response.json() == {"detail": SUPERVISOR_ONLY}
    case.refresh_from_db()
    assert case.version == version


def test_only_a_supervisor_assigns_cases(client, officer, other_officer, supervisor, case):
    login_as(client, officer)
    payload = {"officer": other_officer.username, "version": case.version}
    assert post_json(client, case_url(case, "assign"), payload).status_code == 403

    login_as(client, supervisor)
    response = post_json(client, case_url(case, "assign"), {**payload, "second_officer": officer.username})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["assigned_officer"]["username"] == other_officer.username
    assert body["second_officer"]["username"] == officer.username
    assert body["version"] == case.version + 1


def test_the_anonymous_submission_still_works_without_login_and_the_list_does_not(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = post_json(client, REPORTS, report_post_data(kelurahan="Gunung Samarinda"))

    assert response.status_code == 201, response.json()
    assert len(response.json()["receipt_code"]) == 16
    assert not response.cookies
    assert client.get(REPORTS).status_code == 403


def test_a_logged_in_officer_can_still_submit_anonymously_without_csrf(settings, tmp_path, officer):
    from django.test import Client

    settings.MEDIA_ROOT = tmp_path
    client = login_as(Client(enforce_csrf_checks=True), officer)

    response = post_json(client, REPORTS, report_post_data(kelurahan="Gunung Samarinda"))

    assert response.status_code == 201, response.json()
    assert Report.objects.get().channel == "api"
    assert AuditEvent.objects.get(action="reports.submitted").actor is None


# --- The report inbox --------------------------------------------------------------------------


def test_the_inbox_lists_open_reports_most_urgent_first_without_their_content(client, officer, rt):
    normal = new_report(narrative="Narasi biasa yang cukup panjang untuk disimpan di sini.")
    urgent = new_report(danger_now="yes", rt=rt, child_name=CHILD_NAME)
    handled = new_report()
    ts.report_mark_duplicate_of_case(report=handled, case=open_case(officer), acting_user=officer)
    login_as(client, officer)

    response = client.get(REPORTS)

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [str(urgent.uuid), str(normal.uuid)]
    first = body["results"][0]
    assert first["reference"] == urgent.reference and first["priority"] == "darurat"
    assert (first["status"], first["rt"], first["kelurahan"], first["violence_types"]) == (
        "new",
        1,
        "Gunung Samarinda",
        ["fisik"],
    )
    assert "narrative" not in first and "child_name" not in first
    assert CHILD_NAME not in response.content.decode() and "Narasi biasa" not in response.content.decode()


def test_the_inbox_filters_by_status_priority_and_kecamatan(client, officer, other_rt):
    here = new_report()
    there = new_report(kelurahan=other_rt.kelurahan, danger_now="yes")
    ts.report_accept(report=new_report(), acting_user=officer)
    login_as(client, officer)

    def ids(query):
        response = client.get(REPORTS, query)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    kecamatan = other_rt.kelurahan.kecamatan
    assert ids({"kecamatan": kecamatan.name}) == [str(there.uuid)]
    assert ids({"kecamatan": kecamatan.code}) == [str(there.uuid)]
    assert ids({"priority": "darurat"}) == [str(there.uuid)]
    assert str(here.uuid) in ids({"priority": "biasa"})
    assert len(ids({"status": "accepted"})) == 1
    bad = client.get(REPORTS, {"status": "lost"})
    assert bad.status_code == 400 and error_codes(bad, "status") == ["invalid_choice"]


def list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [REPORTS, f"{REPORTS}?status=duplicate"])
def test_the_inbox_takes_the_same_number_of_queries_for_3_or_20_reports(client, officer, rt, url):
    login_as(client, officer)
    case = open_case(officer)

    def add(count):
        for number in range(count):
            fresh = new_report(rt=rt if number % 2 else None, danger_now="yes" if number % 3 else "no")
            duplicate = new_report()
            if number % 2:
                report_mark_duplicate(report=duplicate, of_report=fresh, acting_user=officer)
            else:
                ts.report_mark_duplicate_of_case(report=duplicate, case=case, acting_user=officer)

    add(3)
    few = list_queries(client, url)
    add(17)
    many = list_queries(client, url)

    assert few == many


def test_the_detail_shows_the_content_and_leaves_an_audit_row(client, officer, report):
    report_message_add(report=report, body="Apakah anak aman sekarang?", acting_user=officer)
    login_as(client, officer)

    response = client.get(report_url(report))

    body = response.json()
    assert response.status_code == 200
    assert body["child_name"] == CHILD_NAME and body["narrative"] == report.narrative
    assert body["messages"][0] == {
        "sender": "staff",
        "author": officer.username,
        "body": "Apakah anak aman sekarang?",
        "sent_at": body["messages"][0]["sent_at"],
        "attachments": 0,
    }
    event = AuditEvent.objects.get(action="reports.viewed")
    assert (event.actor, event.target_id) == (officer, str(report.pk))


# --- Triage actions ----------------------------------------------------------------------------


def test_acknowledging_a_report(client, officer, report):
    login_as(client, officer)

    response = post_json(client, report_url(report, "acknowledge"))

    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged" and response.json()["acknowledged_at"]
    assert AuditEvent.objects.filter(action="reports.acknowledged", actor=officer).count() == 1


def test_writing_to_the_reporter(client, officer, report):
    login_as(client, officer)

    blank = post_json(client, report_url(report, "message"), {"body": "   "})
    sent = post_json(client, report_url(report, "message"), {"body": "Kami akan datang besok."})

    assert blank.status_code == 400 and error_codes(blank, "body") == ["invalid"]
    assert sent.status_code == 201 and sent.json()["sender"] == "staff"
    assert ReportMessage.objects.get().author == officer


def test_changing_the_priority_needs_a_reason(client, supervisor, report):
    login_as(client, supervisor)

    refused = post_json(client, report_url(report, "priority"), {"priority": "darurat", "reason": ""})
    changed = post_json(client, report_url(report, "priority"), {"priority": "darurat", "reason": "Anak diancam"})

    assert refused.status_code == 400 and error_codes(refused, "reason") == ["reason_required"]
    assert changed.status_code == 200 and changed.json()["priority"] == "darurat"
    report.refresh_from_db()
    assert report.acknowledge_due_at == report.received_at + timedelta(hours=1)


def test_marking_a_duplicate_of_a_report_or_of_a_case(client, officer, case):
    first, second, original = new_report(), new_report(), new_report()
    login_as(client, officer)

    neither = post_json(client, report_url(first, "duplicate"), {})
    both = post_json(
        client, report_url(first, "duplicate"), {"of_report": original.reference, "of_case": case.reference}
    )
    unknown = post_json(client, report_url(first, "duplicate"), {"of_report": "LP-1999-000001"})
    of_report = post_json(client, report_url(first, "duplicate"), {"of_report": original.reference.lower()})
    of_case = post_json(client, report_url(second, "duplicate"), {"of_case": case.reference})

    assert neither.status_code == both.status_code == 400
    assert error_codes(neither, "non_field_errors") == ["required"]
    assert unknown.status_code == 400 and error_codes(unknown, "of_report") == ["does_not_exist"]
    assert of_report.status_code == 200, of_report.json()
    assert (of_report.json()["status"], of_report.json()["duplicate_of"]) == ("duplicate", original.reference)
    assert of_case.status_code == 200 and of_case.json()["case"] == case.reference
    assert Report.objects.get(pk=first.pk).duplicate_of == original


def test_a_duplicate_of_a_case_the_officer_cannot_see_is_refused(client, other_officer, case, report):
    login_as(client, other_officer)

    response = post_json(client, report_url(report, "duplicate"), {"of_case": case.reference})

    assert response.status_code == 400 and error_codes(response, "of_case") == ["does_not_exist"]
    assert Report.objects.get(pk=report.pk).status == Status.NEW


def test_rejecting_a_report_needs_a_reason_from_the_list(client, officer, report):
    login_as(client, officer)

    refused = post_json(client, report_url(report, "reject"), {"reason": "bosan"})
    rejected = post_json(client, report_url(report, "reject"), {"reason": "spam"})
    again = post_json(client, report_url(report, "reject"), {"reason": "spam"})

    assert refused.status_code == 400 and error_codes(refused, "reason") == ["invalid_choice"]
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert again.status_code == 400 and error_codes(again, "non_field_errors") == ["already_handled"]


def test_accepting_a_report_opens_a_case_and_another_joins_it(client, officer, report):
    login_as(client, officer)
    second = new_report()

    opened = post_json(client, report_url(report, "accept"))
    joined = post_json(client, report_url(second, "accept"), {"case": opened.json().get("reference")})
    again = post_json(client, report_url(report, "accept"))

    assert opened.status_code == 201, opened.json()
    case = Case.objects.get()
    assert opened.json()["id"] == str(case.uuid) and opened.json()["assigned_officer"]["username"] == officer.username
    assert joined.status_code == 201 and joined.json()["reference"] == case.reference
    assert case.case_reports.count() == 2
    assert again.status_code == 400 and error_codes(again, "non_field_errors") == ["already_handled"]


def test_only_a_supervisor_names_the_officer_of_a_new_case(client, officer, other_officer, supervisor, report):
    login_as(client, officer)
    refused = post_json(client, report_url(report, "accept"), {"officer": other_officer.username})
    assert refused.status_code == 400 and error_codes(refused, "officer") == ["not_supervisor"]

    login_as(client, supervisor)
    not_an_officer = post_json(client, report_url(report, "accept"), {"officer": supervisor.username})
    accepted = post_json(client, report_url(report, "accept"), {"officer": other_officer.username})

    assert not_an_officer.status_code == 400 and error_codes(not_an_officer, "officer") == ["does_not_exist"]
    assert accepted.status_code == 201
    assert Case.objects.get().assigned_officer == other_officer


# --- Cases -------------------------------------------------------------------------------------


def test_officers_list_their_cases_and_supervisors_all(client, officer, other_officer, supervisor):
    mine = open_case(officer)
    open_case(other_officer)

    login_as(client, officer)
    own = client.get(CASES).json()
    login_as(client, supervisor)
    everything = client.get(CASES).json()

    assert [item["id"] for item in own["results"]] == [str(mine.uuid)]
    assert own["results"][0]["status"] == "registered" and own["results"][0]["version"] == 1
    assert everything["count"] == 2


def test_the_case_list_takes_the_same_number_of_queries_for_3_or_20_cases(
    client, supervisor, officer, other_officer, rt
):
    login_as(client, supervisor)

    def add(count):
        for number in range(count):
            case = open_case(officer, rt=rt if number % 2 else None)
            if number % 3:
                cs.case_assign(
                    case=case,
                    officer=officer,
                    second_officer=other_officer,
                    expected_version=case.version,
                    acting_user=supervisor,
                )

    add(3)
    few = list_queries(client, CASES)
    add(17)
    many = list_queries(client, CASES)

    assert few == many


def test_the_case_detail_shows_identities_to_its_officer_and_is_audited(client, officer, case):
    login_as(client, officer)

    response = client.get(case_url(case))

    body = response.json()
    assert response.status_code == 200
    assert body["can_edit"] is True
    assert [child["name"] for child in body["children"]] == [CHILD_NAME]
    assert body["children"][0]["age"] == 9
    assert body["notes"][0]["body"] == "Catatan rahasia petugas"
    assert body["perpetrators"][0]["relation"] == "orang_tua"
    assert [item["reference"] for item in body["reports"]] == [case.case_reports.get().report.reference]
    event = AuditEvent.objects.get(action="cases.viewed")
    assert (event.actor, event.target_id, event.data) == (officer, str(case.pk), {"what": "case"})


def test_a_case_walks_through_its_steps_over_the_api(client, officer, supervisor, case):
    login_as(client, officer)
    version = case.version

    def transition(action, **extra):
        nonlocal version
        response = post_json(client, case_url(case, "transitions"), {"action": action, "version": version, **extra})
        assert response.status_code == 200, response.json()
        version = response.json()["version"]
        return response.json()

    assessed = patch_json(client, case_url(case), {"version": version, "risk_level": "tinggi", "needs": "Psikolog"})
    assert assessed.status_code == 200, assessed.json()
    assert (assessed.json()["status"], assessed.json()["needs"]) == ("assessment", "Psikolog")
    version = assessed.json()["version"]
    assert transition("advance")["status"] == "case_plan"

    child = post_json(client, case_url(case, "children"), {"name": "Adik Kenari", "age": 6, "sex": "P"})
    assert child.status_code == 201, child.json()
    assert child.json()["child"]["sex"] == "P" and child.json()["possible_duplicates"] == []
    planned = post_json(
        client,
        case_url(case, "services"),
        {"service_type": "kesehatan", "provider": provider().name, "planned_on": today()},
    )
    assert planned.status_code == 201, planned.json()
    assert planned.json()["status"] == "planned"
    refused = post_json(client, case_url(case, "transitions"), {"action": "advance", "version": version})
    assert refused.status_code == 400 and refused.json()["non_field_errors"][0]["code"] == "step_requirements"
    plan_approved(case, officer=officer, supervisor=supervisor)
    assert transition("advance")["status"] == "services"

    service = CaseService.objects.get(uuid=planned.json()["id"])
    missing_version = patch_json(client, service_url(case, service), {"status": "done", "started_on": today()})
    assert missing_version.status_code == 400 and "version" in missing_version.json()
    done = patch_json(client, service_url(case, service), {"status": "done", "started_on": today(), "version": 1})
    stale = patch_json(client, service_url(case, service), {"status": "in_progress", "version": 1})
    assert stale.status_code == 400 and stale.json()["non_field_errors"][0]["code"] == "stale_version"
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["provider"]) == ("done", provider().name)
    assert transition("advance")["status"] == "monitoring"

    visit = post_json(client, case_url(case, "follow-ups"), {"visited_on": today(), **SCORES, "notes": "Membaik"})
    assert visit.status_code == 201, visit.json()
    assert visit.json()["visited_by"]["username"] == officer.username
    note = post_json(client, case_url(case, "notes"), {"body": "Keluarga kooperatif"})
    assert note.status_code == 201 and note.json()["author"]["username"] == officer.username
    assert transition("request_closure", reason="goals_met")["status"] == "closure_requested"

    refused = post_json(client, case_url(case, "transitions"), {"action": "approve_closure", "version": version})
    assert refused.status_code == 403 and refused.json() == {"detail": SUPERVISOR_ONLY}

    login_as(client, supervisor)
    unjustified = post_json(client, case_url(case, "transitions"), {"action": "approve_closure", "version": version})
    assert unjustified.status_code == 400
    assert unjustified.json()["justification"][0]["code"] == "justification_required"
    closed = transition("approve_closure", justification="Keluarga pindah, dirujuk ke UPTD PPA tujuan")
    assert closed["status"] == "closed" and closed["closed_at"]
    reopened = transition("reopen", reason="Laporan baru masuk")
    assert reopened["status"] == "monitoring"
    assert reopened["notes"][0]["body"] == "Laporan baru masuk"

    detail = client.get(case_url(case)).json()
    assert [c["name"] for c in detail["children"]] == [CHILD_NAME, "Adik Kenari"]
    assert len(detail["services"]) == 1 and len(detail["follow_ups"]) == 1
    actions = set(AuditEvent.objects.filter(target_type="cases.case").values_list("action", flat=True))
    assert {
        "cases.assessed",
        "cases.advanced",
        "cases.child_added",
        "cases.service_planned",
        "cases.service_updated",
        "cases.follow_up_recorded",
        "cases.note_added",
        "cases.closure_requested",
        "cases.closure_approved",
        "cases.reopened",
    } <= actions


def test_a_supervisor_sends_a_closure_back_with_a_comment(client, supervisor, case):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSURE_REQUESTED, closure_reason="goals_met")
    login_as(client, supervisor)
    url = case_url(case, "transitions")

    silent = post_json(client, url, {"action": "send_back", "version": case.version})
    sent_back = post_json(client, url, {"action": "send_back", "version": case.version, "comment": "Kunjungi lagi"})

    assert silent.status_code == 400 and error_codes(silent, "comment") == ["invalid"]
    assert sent_back.status_code == 200 and sent_back.json()["status"] == "monitoring"


def test_a_stale_version_is_refused_with_stale_version(client, officer, supervisor, case):
    stale = case.version
    cs.case_assign(case=case, officer=officer, expected_version=stale, acting_user=supervisor)
    login_as(client, officer)

    assessment = patch_json(client, case_url(case), {"version": stale, "risk_level": "rendah", "needs": "x"})
    transition = post_json(client, case_url(case, "transitions"), {"action": "advance", "version": stale})

    for response in (assessment, transition):
        assert response.status_code == 400
        [error] = response.json()["non_field_errors"]
        assert error["code"] == "stale_version" and error["message"]
    assert Case.objects.get(pk=case.pk).risk_level == ""


def test_errors_come_back_per_field_with_message_and_code(client, officer, case):
    login_as(client, officer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    missing_version = patch_json(client, case_url(case), {"risk_level": "ekstrem"})
    follow_up = post_json(
        client,
        case_url(case, "follow-ups"),
        {"visited_on": today(), "safety": 9, "physical_health": 3, "emotional_wellbeing": 2, "schooling": 3},
    )
    service = post_json(
        client,
        case_url(case, "services"),
        {"service_type": "kesehatan", "provider": provider().name, "planned_on": today(), "started_on": tomorrow},
    )
    unknown_provider = post_json(
        client, case_url(case, "services"), {"service_type": "x", "provider": "Tidak Ada", "planned_on": today()}
    )

    assert missing_version.status_code == 400
    assert set(missing_version.json()) == {"version", "risk_level"}
    assert error_codes(follow_up, "safety") == ["max_value"] and error_codes(follow_up, "family_support") == [
        "required"
    ]
    assert error_codes(service, "started_on") == ["invalid"]
    assert set(unknown_provider.json()) == {"service_type", "provider"}
    for response in (missing_version, follow_up, service, unknown_provider):
        assert response.status_code == 400
        for errors in response.json().values():
            assert all(set(error) == {"message", "code"} and error["message"] for error in errors)
    assert not CaseService.objects.exists() and not FollowUp.objects.exists()


def test_a_closed_case_takes_no_new_services(client, officer, case):
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closure_reason="goals_met", closed_at=timezone.now()
    )
    login_as(client, officer)

    response = post_json(
        client,
        case_url(case, "services"),
        {"service_type": "kesehatan", "provider": provider().name, "planned_on": today()},
    )

    assert response.status_code == 400 and error_codes(response, "non_field_errors") == ["case_closed"]
