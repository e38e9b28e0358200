import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from areas.models import Kelurahan
from cases import services as cs
from cases.choices import AssessmentDomain, CaseStatus, ServiceStatus
from cases.models import Case, CasePlan, CaseService
from core.models import AuditEvent
from tests.cases_data import follow_up_input, new_report, provider, service_input
from tests.conftest import login_as
from triage import services as ts

pytestmark = pytest.mark.django_db

LIST = reverse("cases:list")
CHILD_NAME = "Anak Uji Rahasia"
GUARDIAN = "Ibu Wali 0812 5555 0101"


@pytest.fixture(autouse=True)
def _english(client):
    """Assert on the English msgids: the Indonesian catalogue is added separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def open_case(officer, **report_overrides) -> Case:
    report_overrides.setdefault("child_name", CHILD_NAME)
    report_overrides.setdefault("child_age", 9)
    return ts.report_accept(report=new_report(**report_overrides), acting_user=officer)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.uuid, *args])


def post(client, view, case, prefix, /, *, version=True, **fields):
    data = {f"{prefix}-{key}": value for key, value in fields.items()}
    if version:
        data[f"{prefix}-version"] = str(fresh(case).version)
    return client.post(url(view, case), data)


def html_of(response) -> str:
    return response.content.decode()


def today():
    return timezone.localdate()


def follow_up_fields(**overrides):
    fields = {
        "visited_on": today().isoformat(),
        "safety": "3",
        "physical_health": "3",
        "emotional_wellbeing": "2",
        "schooling": "3",
        "family_support": "2",
        "notes": "Anak mulai tenang",
        "next_follow_up_on": (today() + timedelta(days=14)).isoformat(),
    }
    fields.update(overrides)
    return fields


def assessment_fields(*, worst=3, **overrides):
    """The structured assessment's fields: every domain rated 3 but safety, rated `worst`."""
    fields = {f"rating_{domain}": "3" for domain in AssessmentDomain.values}
    fields.update(rating_safety=str(worst), needs="Pendampingan psikolog", assessed_on=today().isoformat())
    fields.update(overrides)
    return fields


def refused(response, message):
    html = html_of(response)
    assert response.status_code == 400, html[:400]
    assert message in html, f"{message!r} not on the page"
    return html


# --- a case through every step ------------------------------------------------------------------


def test_it_walks_a_case_through_every_step_by_the_pages(client, officer, supervisor):
    case = open_case(officer)
    login_as(client, officer)

    refused(post(client, "advance", case, "advance"), "This case cannot move on from here with this action.")

    response = post(client, "assess", case, "assessment", **assessment_fields(worst=1))
    assert response.status_code == 302 and response.url == url("detail", case) + "#assessment"
    assert fresh(case).status == CaseStatus.ASSESSMENT and fresh(case).risk_level == "tinggi"

    assert post(client, "advance", case, "advance").status_code == 302
    assert fresh(case).status == CaseStatus.CASE_PLAN
    refused(post(client, "advance", case, "advance"), "A case plan needs at least one planned service.")

    response = post(
        client,
        "plan_service",
        case,
        "service",
        version=False,
        service_type="kesehatan",
        provider=str(provider().pk),
        planned_on=today().isoformat(),
    )
    assert response.status_code == 302
    service = CaseService.objects.get(case=case)
    refused(post(client, "advance", case, "advance"), "A supervisor approves the case plan before services start.")
    goal = {
        "domain": "safety",
        "goal": "Anak aman di rumah",
        "target_on": (today() + timedelta(days=30)).isoformat(),
        "responsible_officer": str(officer.pk),
        "services": str(service.pk),
    }
    assert post(client, "plan_goal", case, "plan_goal", version=False, **goal).status_code == 302
    plan = CasePlan.objects.get(case=case)
    assert client.post(url("plan_submit", case), {"plan_submit-version": plan.version}).status_code == 302
    login_as(client, supervisor)
    plan.refresh_from_db()
    response = client.post(
        url("plan_decide", case), {"plan_decision-version": plan.version, "plan_decision-decision": "approve"}
    )
    assert response.status_code == 302
    login_as(client, officer)
    assert post(client, "advance", case, "advance").status_code == 302
    assert fresh(case).status == CaseStatus.SERVICES
    refused(post(client, "advance", case, "advance"), "Start or finish at least one service before monitoring.")

    service_page = url("service", case, service.uuid)
    assert client.get(service_page).status_code == 200
    response = client.post(
        service_page,
        {
            "version": "1",
            "status": ServiceStatus.DONE,
            "planned_on": today().isoformat(),
            "started_on": today().isoformat(),
            "completed_on": today().isoformat(),
            "consent_recorded": "on",
            "outcome": "Visum selesai",
        },
    )
    assert response.status_code == 302 and response.url == url("detail", case) + "#services"
    service.refresh_from_db()
    assert service.status == ServiceStatus.DONE and service.consent_recorded and service.outcome == "Visum selesai"
    assert post(client, "advance", case, "advance").status_code == 302
    assert fresh(case).status == CaseStatus.MONITORING

    refused(
        post(client, "request_closure", case, "closure", reason="goals_met", explanation=""),
        "Record at least one follow-up before closing.",
    )
    assert post(client, "follow_up", case, "follow_up", version=False, **follow_up_fields()).status_code == 302
    refused(
        post(client, "request_closure", case, "closure", reason="safe_and_stable", explanation=""),
        "needs two follow-ups on record.",
    )
    refused(
        post(client, "request_closure", case, "closure", reason="other", explanation=""),
        "Explain the reason for closing.",
    )
    response = post(client, "request_closure", case, "closure", reason="goals_met", explanation="")
    assert response.status_code == 302
    assert fresh(case).status == CaseStatus.CLOSURE_REQUESTED

    # The officer does not decide on their own closure.
    assert post(client, "decide_closure", case, "decision", decision="approve", comment="").status_code == 403

    login_as(client, supervisor)
    refused(
        post(client, "decide_closure", case, "decision", decision="send_back", comment=""),
        "Say why the case goes back.",
    )
    html = refused(
        post(client, "decide_closure", case, "decision", decision="approve", comment=""),
        "Closing this case needs a written justification",
    )
    assert "The risk level is high." in html
    response = post(client, "decide_closure", case, "decision", decision="approve", justification="Pindah kota")
    assert response.status_code == 302
    assert fresh(case).status == CaseStatus.CLOSED and fresh(case).closure_justification == "Pindah kota"
    refused(post(client, "advance", case, "advance"), "This case cannot move on from here with this action.")

    refused(post(client, "reopen", case, "reopen", reason=" "), "This field is required.")
    response = post(client, "reopen", case, "reopen", reason="Laporan baru masuk")
    assert response.status_code == 302
    assert fresh(case).status == CaseStatus.MONITORING

    html = html_of(client.get(url("detail", case)))
    for label in (
        "Case opened from a report",
        "Assessment recorded",
        "Moved to the next step",
        "Service planned",
        "Service updated",
        "Follow-up visit recorded",
        "Closure requested",
        "Closure approved, case closed",
        "Case reopened",
    ):
        assert label in html
    assert "Laporan baru masuk" in html  # the reason is kept as a note


def test_it_shows_the_success_message_and_the_new_step(client, officer):
    case = open_case(officer)
    login_as(client, officer)

    fields = {f"assessment-{key}": value for key, value in assessment_fields(worst=2, version=case.version).items()}
    response = client.post(url("assess", case), fields, follow=True)

    html = html_of(response)
    assert "The assessment has been recorded." in html
    assert 'aria-current="step"' in html
    current = re.search(r'aria-current="step">.*?case-step-label">([^<]+)<', html, re.S)
    assert current and current.group(1) == "Assessment"


def test_it_adds_a_child_and_names_the_cases_that_may_hold_the_same_child(client, officer):
    earlier = open_case(officer, child_name="Siti Aminah", child_age=10)
    case = open_case(officer, child_name="")
    login_as(client, officer)

    response = post(
        client,
        "add_child",
        case,
        "child",
        version=False,
        name="siti  aminah",
        age="10",
        sex="P",
        education="sd",
        disability="no",
        guardian_contact=GUARDIAN,
    )
    assert response.status_code == 302
    html = html_of(client.get(response.url))

    assert earlier.reference in html and "check whether it is the same child" in html
    child = case.children.get()
    assert (child.name, child.age, child.education, child.disability) == ("siti  aminah", 10, "sd", False)
    assert GUARDIAN in html


def test_it_adds_a_perpetrator_and_a_note(client, officer):
    case = open_case(officer)
    login_as(client, officer)

    perpetrator = post(
        client,
        "add_perpetrator",
        case,
        "perpetrator",
        version=False,
        relation="tetangga",
        lives_with_child="yes",
        description="Tetangga depan rumah",
    )
    note = post(client, "add_note", case, "note", version=False, body="Ibu anak menelepon.")

    assert perpetrator.status_code == note.status_code == 302
    added = case.perpetrators.get(relation="tetangga")
    assert added.lives_with_child is True
    html = html_of(client.get(url("detail", case)))
    assert "Neighbour" in html and "Tetangga depan rumah" in html and "Ibu anak menelepon." in html


def test_it_refuses_bad_input_next_to_the_form_with_status_400(client, officer):
    case = open_case(officer)
    cs.case_record_assessment(case=case, risk_level="rendah", needs="x", expected_version=1, acting_user=officer)
    login_as(client, officer)

    response = post(client, "follow_up", case, "follow_up", version=False, **follow_up_fields(safety="5"))

    html = refused(response, "Select a valid choice.")
    assert 'id="action-follow_up" open' in html
    assert "This was not saved." in html
    tomorrow = (today() + timedelta(days=1)).isoformat()
    refused(
        post(client, "follow_up", case, "follow_up", version=False, **follow_up_fields(visited_on=tomorrow)),
        "The date cannot be in the future.",
    )
    assert not case.follow_ups.exists()


def test_it_refuses_a_stale_version_saying_who_changed_what(client, officer, other_officer, supervisor):
    supervisor.first_name, supervisor.last_name = "Dewi", "Koordinator"
    supervisor.save()
    case = open_case(officer)
    stale = case.version
    login_as(client, supervisor)
    response = post(client, "assign", case, "assign", officer=str(officer.pk), second_officer=str(other_officer.pk))
    assert response.status_code == 302
    assert fresh(case).second_officer == other_officer

    login_as(client, officer)
    fields = {f"assessment-{key}": value for key, value in assessment_fields(version=str(stale)).items()}
    response = client.post(url("assess", case), fields)

    html = refused(response, "Dewi Koordinator changed this case at")
    assert "(assigned)" in html and "Reload it and try again." in html
    assert fresh(case).risk_level == ""


def test_it_refuses_an_action_without_its_version(client, officer):
    case = open_case(officer)
    login_as(client, officer)

    response = post(client, "assess", case, "assessment", version=False, **assessment_fields())

    refused(response, "This form is out of date. Reload the page and try again.")
    assert fresh(case).risk_level == ""


def test_it_lets_no_page_be_cached(client, officer):
    case = open_case(officer)
    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    login_as(client, officer)

    for response in (
        client.get(LIST),
        client.get(url("detail", case)),
        client.get(url("service", case, service.uuid)),
        post(client, "add_note", case, "note", version=False, body="x"),
        post(client, "advance", case, "advance"),
    ):
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


# --- who gets in ---------------------------------------------------------------------------------

READERS = ["officer", "supervisor", "head"]
NOT_READERS = ["volunteer", "sysadmin"]


def test_it_sends_an_anonymous_visitor_to_login(client, officer):
    case = open_case(officer)

    for page in (LIST, url("detail", case), url("access_log", case)):
        response = client.get(page)
        assert response.status_code == 302 and "/akun/masuk/" in response.url


@pytest.mark.parametrize("persona", NOT_READERS)
def test_it_refuses_the_pages_to_roles_that_read_no_case(client, request, officer, persona):
    case = open_case(officer)
    login_as(client, request.getfixturevalue(persona))

    assert client.get(LIST).status_code == 403
    assert client.get(url("detail", case)).status_code == 403
    assert client.get(url("access_log", case)).status_code == 403


@pytest.mark.parametrize("persona", READERS)
def test_it_lists_the_cases_a_reader_may_see_without_child_names(client, request, officer, other_officer, persona):
    mine = open_case(officer)
    theirs = open_case(other_officer)
    login_as(client, request.getfixturevalue(persona))

    response = client.get(LIST)

    html = html_of(response)
    assert response.status_code == 200
    assert mine.reference in html
    assert (theirs.reference in html) is (persona != "officer")
    assert CHILD_NAME not in html
    assert ("My cases" in html) is (persona == "officer")


def test_it_shows_another_officer_nothing_of_a_case_not_theirs(client, officer, other_officer):
    case = open_case(officer)
    login_as(client, other_officer)

    assert case.reference not in html_of(client.get(LIST))
    assert client.get(url("detail", case)).status_code == 404
    assert client.get(reverse("cases:detail", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


@pytest.mark.parametrize("persona", ["officer", "supervisor"])
def test_it_shows_identities_to_the_officer_and_the_supervisor_and_writes_who_opened(client, request, officer, persona):
    case = open_case(officer)
    cs.case_add_child(case=case, data=cs.ChildInput(name="Adik Uji", guardian_contact=GUARDIAN), acting_user=officer)
    reader = request.getfixturevalue(persona)
    login_as(client, reader)

    html = html_of(client.get(url("detail", case)))

    assert CHILD_NAME in html and GUARDIAN in html
    assert url("assess", case) in html and url("add_note", case) in html
    assert (url("assign", case) in html) is (persona == "supervisor")
    viewed = AuditEvent.objects.get(action="cases.viewed")
    assert (viewed.actor, viewed.target_type, viewed.target_id) == (reader, "cases.case", str(case.pk))


def test_it_shows_the_head_the_case_without_identities_and_without_actions(client, officer, head):
    case = open_case(officer, perpetrator_relation="orang_tua")
    case = cs.case_record_assessment(
        case=case, risk_level="tinggi", needs="Kebutuhan rahasia", expected_version=case.version, acting_user=officer
    )
    cs.case_add_child(case=case, data=cs.ChildInput(name="Adik Uji", guardian_contact=GUARDIAN), acting_user=officer)
    cs.case_note_add(case=case, body="Catatan rahasia", acting_user=officer)
    cs.follow_up_record(case=case, data=follow_up_input(notes="Kunjungan rahasia"), acting_user=officer)
    login_as(client, head)

    response = client.get(url("detail", case))

    html = html_of(response)
    assert response.status_code == 200
    assert case.reference in html and "Parent or step-parent" in html
    for secret in (CHILD_NAME, "Adik Uji", GUARDIAN, "Kebutuhan rahasia", "Catatan rahasia", "Kunjungan rahasia"):
        assert secret not in html
    assert "Child 2: hidden" in html
    for name in ("assess", "add_child", "add_perpetrator", "plan_service", "add_note", "assign"):
        assert url(name, case) not in html
    assert not AuditEvent.objects.filter(action="cases.viewed").exists()


ACTIONS = [
    # url name, form prefix, fields, supervisors only
    ("assess", "assessment", {"risk_level": "tinggi", "needs": "x"}, False),
    ("advance", "advance", {}, False),
    ("add_child", "child", {"name": "Anak Baru"}, False),
    ("add_perpetrator", "perpetrator", {"relation": "guru"}, False),
    ("plan_service", "service", {"service_type": "kesehatan", "planned_on": "2026-01-05"}, False),
    ("follow_up", "follow_up", follow_up_fields(visited_on="2026-01-05", next_follow_up_on=""), False),
    ("add_note", "note", {"body": "Catatan"}, False),
    ("request_closure", "closure", {"reason": "goals_met"}, False),
    ("decide_closure", "decision", {"decision": "approve"}, True),
    ("reopen", "reopen", {"reason": "Laporan baru"}, True),
    ("assign", "assign", {}, True),
]


def action_data(case, prefix, fields, officer):
    data = {f"{prefix}-{key}": value for key, value in fields.items()}
    data[f"{prefix}-version"] = str(case.version)
    if prefix == "service":
        data["service-provider"] = str(provider().pk)
    if prefix == "assign":
        data["assign-officer"] = str(officer.pk)
    return data


def nothing_changed(case, version, events):
    assert fresh(case).version == version
    assert AuditEvent.objects.exclude(action="cases.viewed").count() == events


@pytest.mark.parametrize(("name", "prefix", "fields", "_supervisor_only"), ACTIONS)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [(None, 302), ("volunteer", 403), ("sysadmin", 403), ("other_officer", 404), ("head", 403)],
)
def test_it_refuses_actions_to_those_who_may_not_change_the_case(
    client, request, officer, name, prefix, fields, _supervisor_only, persona, expected
):
    case = open_case(officer)
    events = AuditEvent.objects.count()
    if persona:
        login_as(client, request.getfixturevalue(persona))

    response = client.post(url(name, case), action_data(case, prefix, fields, officer))

    assert response.status_code == expected
    if persona is None:
        assert "/akun/masuk/" in response.url
    nothing_changed(case, case.version, events)


@pytest.mark.parametrize(("name", "prefix", "fields"), [a[:3] for a in ACTIONS if a[3]])
def test_it_refuses_the_supervisors_actions_to_the_assigned_officer(client, officer, name, prefix, fields):
    case = open_case(officer)
    events = AuditEvent.objects.count()
    login_as(client, officer)

    assert client.post(url(name, case), action_data(case, prefix, fields, officer)).status_code == 403
    nothing_changed(case, case.version, events)


@pytest.mark.parametrize("name", [a[0] for a in ACTIONS])
def test_it_takes_actions_by_post_only(client, officer, name):
    case = open_case(officer)
    login_as(client, officer)

    assert client.get(url(name, case)).status_code == 405


def test_it_lets_the_second_officer_work_on_the_case(client, officer, other_officer, supervisor):
    case = open_case(officer)
    cs.case_assign(
        case=case, officer=officer, second_officer=other_officer, expected_version=case.version, acting_user=supervisor
    )
    login_as(client, other_officer)

    response = post(client, "add_note", case, "note", version=False, body="Dari petugas kedua")

    assert response.status_code == 302
    assert case.notes.get().author == other_officer


@pytest.mark.parametrize(("persona", "expected"), [("other_officer", 404), ("head", 403), ("officer", 200)])
def test_it_guards_the_service_page(client, request, officer, persona, expected):
    case = open_case(officer)
    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    login_as(client, request.getfixturevalue(persona))

    assert client.get(url("service", case, service.uuid)).status_code == expected


def test_it_finds_a_service_only_in_its_own_case(client, officer):
    case, other = open_case(officer), open_case(officer)
    service = cs.service_plan(case=other, data=service_input(), acting_user=officer)
    login_as(client, officer)

    assert client.get(url("service", case, service.uuid)).status_code == 404


def test_it_refuses_a_service_update_that_breaks_a_rule(client, officer):
    case = open_case(officer)
    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    login_as(client, officer)

    response = client.post(
        url("service", case, service.uuid),
        {"version": "1", "status": ServiceStatus.DECLINED_BY_FAMILY, "planned_on": today().isoformat(), "outcome": ""},
    )

    refused(response, "Say what happened.")
    service.refresh_from_db()
    assert service.status == ServiceStatus.PLANNED


@pytest.mark.parametrize(("persona", "expected"), [("supervisor", 200), ("officer", 403), ("head", 403)])
def test_it_shows_who_opened_the_case_to_supervisors_only(client, request, officer, supervisor, persona, expected):
    supervisor.first_name, supervisor.last_name = "Dewi", "Koordinator"
    supervisor.save()
    case = open_case(officer)
    cs.case_record_view(case=case, acting_user=supervisor)
    login_as(client, request.getfixturevalue(persona))

    response = client.get(url("access_log", case))

    assert response.status_code == expected
    if expected == 200:
        assert "Dewi Koordinator" in html_of(response)
        assert url("access_log", case) in html_of(client.get(url("detail", case)))


# --- the list ------------------------------------------------------------------------------------


def test_it_filters_the_list_by_status_officer_and_kecamatan(client, officer, other_officer, supervisor):
    here = open_case(officer)
    elsewhere = open_case(other_officer, kelurahan=Kelurahan.objects.get(name="Sepinggan"))
    cs.case_record_assessment(
        case=elsewhere, risk_level="rendah", needs="x", expected_version=1, acting_user=other_officer
    )
    login_as(client, supervisor)

    def listed(**query):
        html = html_of(client.get(LIST, query))
        return {case.reference for case in (here, elsewhere) if case.reference in html}

    assert listed() == {here.reference, elsewhere.reference}
    assert listed(status="assessment") == {elsewhere.reference}
    assert listed(officer=str(officer.pk)) == {here.reference}
    sepinggan = Kelurahan.objects.get(name="Sepinggan").kecamatan
    assert listed(kecamatan=str(sepinggan.pk)) == {elsewhere.reference}
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400


def test_it_hides_closed_cases_unless_asked(client, officer, supervisor):
    case = open_case(officer)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now(), closure_reason="other")
    login_as(client, supervisor)

    assert case.reference not in html_of(client.get(LIST))
    assert case.reference in html_of(client.get(LIST, {"status": "all"}))
    assert case.reference in html_of(client.get(LIST, {"status": "closed"}))


def test_it_offers_the_officer_filter_to_supervisors_but_not_officers(client, officer, supervisor):
    login_as(client, officer)
    assert 'name="officer"' not in html_of(client.get(LIST))

    login_as(client, supervisor)
    assert 'name="officer"' in html_of(client.get(LIST))


def test_it_counts_children_overdue_services_and_shows_the_next_follow_up(client, officer):
    case = open_case(officer)
    case = cs.case_record_assessment(case=case, risk_level="tinggi", needs="x", expected_version=1, acting_user=officer)
    cs.case_add_child(case=case, data=cs.ChildInput(name="Adik"), acting_user=officer)
    long_ago = today() - timedelta(days=30)
    for planned_on in (long_ago, long_ago, today() + timedelta(days=3)):
        cs.service_plan(case=case, data=service_input(planned_on=planned_on), acting_user=officer)
    first_plan, second_plan = today() - timedelta(days=10), today() + timedelta(days=9)
    cs.follow_up_record(
        case=case,
        data=follow_up_input(visited_on=today() - timedelta(days=20), next_follow_up_on=first_plan),
        acting_user=officer,
    )
    cs.follow_up_record(
        case=case, data=follow_up_input(visited_on=first_plan, next_follow_up_on=second_plan), acting_user=officer
    )
    login_as(client, officer)

    html = html_of(client.get(LIST))

    row = re.search(rf"{case.reference}.*?</tr>", html, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert "Web form" in cells[3] or "Formulir web" in cells[3]  # the door its report came in by
    assert cells[6].strip() == "2"  # children
    assert "badge" in cells[8] and ">2<" in cells[8]  # overdue services
    assert second_plan.strftime("%B") in cells[7] and str(second_plan.day) in cells[7]


def test_it_pages_the_list_by_25_keeping_the_filters(client, officer, supervisor):
    for _ in range(26):
        open_case(officer)
    login_as(client, supervisor)

    first = html_of(client.get(LIST, {"status": "registered"}))
    second = html_of(client.get(LIST, {"status": "registered", "page": "2"}))

    assert first.count('<th scope="row"') == 25 and second.count('<th scope="row"') == 1
    assert "status=registered&amp;page=2" in first


def _queries(client, page) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page).status_code == 200
    return len(captured)


def _busy_case(officer, **overrides) -> Case:
    case = open_case(officer, **overrides)
    case = cs.case_record_assessment(case=case, risk_level="sedang", needs="x", expected_version=1, acting_user=officer)
    cs.service_plan(case=case, data=service_input(planned_on=today() - timedelta(days=3)), acting_user=officer)
    cs.follow_up_record(case=case, data=follow_up_input(), acting_user=officer)
    return case


def test_it_lists_any_number_of_cases_in_the_same_number_of_queries(client, officer, other_officer, supervisor):
    for index in range(3):
        _busy_case(officer if index % 2 else other_officer)
    login_as(client, supervisor)
    few = _queries(client, LIST)

    for index in range(27):
        _busy_case(officer if index % 2 else other_officer)
    many = _queries(client, LIST)

    assert few == many
    assert many <= 11  # session, user and device; count, page, two filter lists; counter; session save


def test_it_opens_a_busy_case_in_a_bounded_number_of_queries(client, officer, supervisor):
    case = _busy_case(officer)
    login_as(client, supervisor)
    small = _queries(client, url("detail", case))

    for number in range(5):
        cs.case_add_child(case=case, data=cs.ChildInput(name=f"Anak {number}"), acting_user=officer)
        cs.case_add_perpetrator(case=case, relation="guru", lives_with_child=None, acting_user=officer)
        cs.service_plan(case=case, data=service_input(), acting_user=officer)
        cs.follow_up_record(case=case, data=follow_up_input(), acting_user=officer)
        cs.case_note_add(case=case, body=f"Catatan {number}", acting_user=officer)
        ts.report_accept(report=new_report(), case=case, acting_user=officer)
    case = fresh(case)
    cs.case_assign(case=case, officer=officer, expected_version=case.version, acting_user=supervisor)
    busy = _queries(client, url("detail", case))

    assert busy == small + 1  # the timeline's assignment row names its officers, in one query
    # 25, the case plan and the latest assessment (cases.plan_selectors.plan_view), the legal record (cases.legal),
    # the referrals and the providers to refer to (cases.referral_selectors.referral_section), each report's forms
    # of violence for its summary (one prefetch, issue 19)
    assert busy <= 31


# --- the recovery chart ---------------------------------------------------------------------------


def test_it_draws_the_recovery_chart_with_one_point_per_visit_and_the_same_numbers_in_a_table(client, officer):
    case = open_case(officer)
    case = cs.case_record_assessment(case=case, risk_level="sedang", needs="x", expected_version=1, acting_user=officer)
    visits = [today() - timedelta(days=days) for days in (60, 30, 2)]
    for number, visited_on in enumerate(visits, start=1):
        cs.follow_up_record(
            case=case,
            data=follow_up_input(visited_on=visited_on, safety=number, next_follow_up_on=None),
            acting_user=officer,
        )
    login_as(client, officer)

    html = html_of(client.get(url("detail", case)))

    svg = re.search(r'<svg class="case-chart-svg".*?</svg>', html, re.S).group(0)
    assert "<script" not in html.split('<main id="main"')[1]
    for key in ("safety", "physical_health", "emotional_wellbeing", "schooling", "family_support"):
        group = re.search(rf'<g class="chart-series chart-{key}">(.*?)</g>', svg, re.S).group(1)
        assert group.count("<circle") == len(visits)
        assert "<polyline" in group
    assert svg.count("<title>") == 5 * len(visits)
    assert f"Safety, {visits[0].day} {visits[0]:%B %Y}: 1 / 4" in svg
    table = re.search(r'<table class="case-table case-scores">.*?</table>', html, re.S).group(0)
    assert table.count("<tr>") == 1 + len(visits)


def test_it_draws_no_chart_before_the_first_visit(client, officer):
    case = open_case(officer)
    login_as(client, officer)

    html = html_of(client.get(url("detail", case)))

    assert "case-chart-svg" not in html and "No follow-up visit recorded yet." in html
