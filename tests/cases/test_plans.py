"""The structured assessment, the case plan and its approval, approvals with context and the
pending-approvals panel (cases.plans, cases.plan_selectors): services, pages and API."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from alerts.content import alert_content
from alerts.models import Alert, AlertKind, Delivery
from cases import plans
from cases import services as cs
from cases.choices import AssessmentDomain, CaseStatus, LegalStage, PlanStatus, ReferralStatus
from cases.models import Assessment, Case, CasePlan, LegalRecord, Referral
from cases.plan_selectors import case_approval_context, pending_approvals
from core.errors import DomainError
from core.models import AuditEvent
from tests.cases_data import follow_up_input, new_report, plan_approved, provider, service_input
from tests.conftest import login_as
from tests.factories import UserFactory
from triage import services as ts

pytestmark = pytest.mark.django_db

GOAL_TEXT = "Anak tidur tenang tanpa mimpi buruk"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def today():
    return timezone.localdate()


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def open_case(officer) -> Case:
    return ts.report_accept(report=new_report(child_name="Anak Uji", child_age=9), acting_user=officer)


def assessment(*, worst: int = 3, **overrides) -> plans.AssessmentInput:
    ratings = dict.fromkeys(AssessmentDomain.values, 3)
    ratings["safety"] = worst
    fields = {"assessed_on": today(), "ratings": ratings, "needs": "Konseling", "notes": {"safety": "Paman serumah"}}
    fields.update(overrides)
    return plans.AssessmentInput(**fields)


def in_plan_step(officer) -> Case:
    case = open_case(officer)
    case = cs.case_record_assessment(
        case=case, risk_level="sedang", needs="x", expected_version=case.version, acting_user=officer
    )
    return cs.case_advance(case=case, expected_version=case.version, acting_user=officer)


def goal(officer, **overrides) -> plans.GoalInput:
    fields = {
        "domain": "emotional_wellbeing",
        "goal": GOAL_TEXT,
        "target_on": today() + timedelta(days=30),
        "responsible_officer": officer,
    }
    fields.update(overrides)
    return plans.GoalInput(**fields)


def plan_version(case) -> int:
    return CasePlan.objects.get(case=case).version


def refused_with(code_or_field, call):
    with pytest.raises(DomainError) as error:
        call()
    assert code_or_field in (error.value.code, error.value.field), (error.value.code, error.value.field)
    return error.value


# --- the structured assessment --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "risk"),
    [
        ({"safety": 1, "health": 4}, "tinggi"),
        ({"safety": 2, "health": 1}, "tinggi"),
        ({"safety": 2, "health": 4}, "sedang"),
        ({"safety": 3, "health": 4}, "rendah"),
        ({"safety": 4, "health": 4}, "rendah"),
    ],
)
def test_the_risk_follows_the_worst_rating(ratings, risk):
    assert plans.assessment_risk(ratings) == risk


def test_an_assessment_records_each_domain_and_sets_the_cases_risk_and_step(officer):
    case = open_case(officer)

    recorded = plans.case_assess(
        case=case, data=assessment(worst=2), expected_version=case.version, acting_user=officer
    )

    case = fresh(case)
    assert (case.status, case.risk_level, case.needs) == (CaseStatus.ASSESSMENT, "sedang", "Konseling")
    assert (recorded.computed_risk, recorded.risk_level, recorded.override_reason) == ("sedang", "sedang", "")
    ratings = {rating.domain: (rating.rating, rating.note) for rating in recorded.ratings.all()}
    assert set(ratings) == set(AssessmentDomain.values)
    assert ratings["safety"] == (2, "Paman serumah")
    actions = list(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("action", flat=True))
    assert "cases.assessed" in actions and "cases.assessment_rated" in actions


def test_an_override_of_the_risk_needs_a_reason(officer):
    case = open_case(officer)

    error = refused_with(
        "override_reason",
        lambda: plans.case_assess(
            case=case, data=assessment(risk_level="tinggi"), expected_version=case.version, acting_user=officer
        ),
    )
    assert error.field == "override_reason"
    assert not Assessment.objects.exists() and fresh(case).risk_level == ""

    plans.case_assess(
        case=case,
        data=assessment(risk_level="tinggi", override_reason="Pelaku masih bebas"),
        expected_version=case.version,
        acting_user=officer,
    )
    recorded = Assessment.objects.get()
    assert (recorded.computed_risk, recorded.risk_level, recorded.override_reason) == (
        "rendah",
        "tinggi",
        "Pelaku masih bebas",
    )
    assert fresh(case).risk_level == "tinggi"


def test_an_assessment_needs_every_domain_rated_1_to_4(officer):
    case = open_case(officer)
    missing = dict.fromkeys(AssessmentDomain.values, 3)
    del missing["legal"]

    refused_with(
        "rating_legal",
        lambda: plans.case_assess(
            case=case, data=assessment(ratings=missing), expected_version=case.version, acting_user=officer
        ),
    )
    refused_with(
        "rating_safety",
        lambda: plans.case_assess(
            case=case, data=assessment(worst=5), expected_version=case.version, acting_user=officer
        ),
    )
    assert not Assessment.objects.exists()


def test_the_assessment_keeps_its_place_in_the_steps(officer):
    case = in_plan_step(officer)
    refused_with(
        "wrong_step",
        lambda: plans.case_assess(case=case, data=assessment(), expected_version=case.version, acting_user=officer),
    )
    assert not Assessment.objects.exists()


def test_the_assessment_form_shows_the_ratings_and_refuses_an_unexplained_override(client, officer):
    case = open_case(officer)
    login_as(client, officer)
    fields = {f"assessment-rating_{domain}": "3" for domain in AssessmentDomain.values}
    fields.update(
        {
            "assessment-assessed_on": today().isoformat(),
            "assessment-needs": "Konseling",
            "assessment-risk_level": "tinggi",
            "assessment-version": case.version,
        }
    )

    refused = client.post(reverse("cases:assess", args=[case.uuid]), fields)
    assert refused.status_code == 400
    assert "Say why the risk level differs from the one the ratings give." in refused.content.decode()

    fields["assessment-override_reason"] = "Pelaku masih bebas"
    fields["assessment-note_family"] = "Ibu mendukung"
    assert client.post(reverse("cases:assess", args=[case.uuid]), fields).status_code == 302
    html = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert "Ibu mendukung" in html and "Pelaku masih bebas" in html and "Psychological state" in html


# --- the case plan -------------------------------------------------------------------------------------


def test_a_goal_names_someone_responsible_a_known_domain_a_future_date_and_this_cases_services(officer, other_officer):
    case = in_plan_step(officer)
    other_case = open_case(other_officer)
    elsewhere = cs.service_plan(case=other_case, data=service_input(), acting_user=other_officer)

    def add(**overrides):
        return lambda: plans.plan_goal_add(case=case, data=goal(officer, **overrides), acting_user=officer)

    refused_with("responsible_officer", add(responsible_officer=None))
    refused_with("domain", add(domain="legal"))
    refused_with("target_on", add(target_on=today() - timedelta(days=1)))
    refused_with("goal", add(goal="  "))
    refused_with("services", add(services=[elsewhere]))
    assert not CasePlan.objects.exists()

    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    added = plans.plan_goal_add(
        case=case,
        data=goal(officer, responsible_officer=None, responsible_provider=provider(), services=[service]),
        acting_user=officer,
    )
    assert added.plan.status == PlanStatus.DRAFT and list(added.services.all()) == [service]
    assert AuditEvent.objects.filter(action="cases.plan_goal_added", target_id=str(case.pk)).exists()


def test_goals_are_written_in_the_case_plan_step(officer):
    case = open_case(officer)
    refused_with("wrong_step", lambda: plans.plan_goal_add(case=case, data=goal(officer), acting_user=officer))


def test_a_plan_goes_to_services_only_once_a_supervisor_approves_it(officer, supervisor):
    case = in_plan_step(officer)
    cs.service_plan(case=case, data=service_input(), acting_user=officer)
    refused_with("step_requirements", lambda: plans.plan_submit(case=case, expected_version=1, acting_user=officer))
    plans.plan_goal_add(case=case, data=goal(officer), acting_user=officer)

    def advance():
        current = fresh(case)
        return cs.case_advance(case=current, expected_version=current.version, acting_user=officer)

    refused_with("step_requirements", advance)  # a draft
    plan = plans.plan_submit(case=case, expected_version=plan_version(case), acting_user=officer)
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_at
    refused_with("step_requirements", advance)  # waiting
    refused_with("plan_locked", lambda: plans.plan_goal_add(case=case, data=goal(officer), acting_user=officer))
    refused_with(
        "not_supervisor",
        lambda: plans.plan_decide(case=case, approve=True, expected_version=plan.version, acting_user=officer),
    )
    refused_with(
        "note",
        lambda: plans.plan_decide(case=case, approve=False, expected_version=plan.version, acting_user=supervisor),
    )

    plan = plans.plan_decide(
        case=case, approve=False, note="Tambah tujuan sekolah", expected_version=plan.version, acting_user=supervisor
    )
    assert (plan.status, plan.decided_by, plan.decision_note) == (
        PlanStatus.RETURNED,
        supervisor,
        "Tambah tujuan sekolah",
    )
    refused_with("step_requirements", advance)  # returned
    plans.plan_goal_add(case=case, data=goal(officer, domain="schooling"), acting_user=officer)
    plan = plans.plan_submit(case=case, expected_version=plan_version(case), acting_user=officer)
    plan = plans.plan_decide(case=case, approve=True, expected_version=plan.version, acting_user=supervisor)
    assert plan.status == PlanStatus.APPROVED

    assert advance().status == CaseStatus.SERVICES
    actions = set(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("action", flat=True))
    assert {"cases.plan_submitted", "cases.plan_returned", "cases.plan_approved"} <= actions


def test_a_stale_plan_version_is_refused(officer, supervisor):
    case = in_plan_step(officer)
    plans.plan_goal_add(case=case, data=goal(officer), acting_user=officer)
    stale = plan_version(case)
    plans.plan_submit(case=case, expected_version=stale, acting_user=officer)

    refused_with(
        "stale_version",
        lambda: plans.plan_decide(case=case, approve=True, expected_version=stale, acting_user=supervisor),
    )
    assert CasePlan.objects.get(case=case).status == PlanStatus.SUBMITTED


def test_submitting_tells_the_supervisors_once_per_submission(officer, supervisor):
    second = UserFactory(username="koordinator2", role=supervisor.role)
    case = in_plan_step(officer)
    plans.plan_goal_add(case=case, data=goal(officer), acting_user=officer)

    plan = plans.plan_submit(case=case, expected_version=plan_version(case), acting_user=officer)

    alert = Alert.objects.get(kind=AlertKind.APPROVAL_WAITING)
    assert alert.case == case
    told = set(Delivery.objects.filter(alert=alert).values_list("recipient", flat=True))
    assert told == {supervisor.pk, second.pk}
    with translation.override("en"):
        content = alert_content(alert, recipient=supervisor)
    assert content.title == "A case plan is waiting for your approval"
    assert content.link.endswith(reverse("cases:detail", args=[case.uuid]))
    assert GOAL_TEXT not in str(content.as_payload())

    refused_with("wrong_step", lambda: plans.plan_submit(case=case, expected_version=plan.version, acting_user=officer))
    assert Alert.objects.filter(kind=AlertKind.APPROVAL_WAITING).count() == 1
    plan = plans.plan_decide(
        case=case, approve=False, note="Ubah", expected_version=plan.version, acting_user=supervisor
    )
    plans.plan_submit(case=case, expected_version=plan.version, acting_user=officer)
    assert Alert.objects.filter(kind=AlertKind.APPROVAL_WAITING).count() == 2


# --- approvals with context --------------------------------------------------------------------------


def in_closure_request(officer, supervisor, *, risk="sedang", scores=None) -> Case:
    case = open_case(officer)
    case = cs.case_record_assessment(
        case=case, risk_level=risk, needs="x", expected_version=case.version, acting_user=officer
    )
    case = cs.case_advance(case=case, expected_version=case.version, acting_user=officer)
    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    plan_approved(case, officer=officer, supervisor=supervisor)
    case = cs.case_advance(case=fresh(case), expected_version=fresh(case).version, acting_user=officer)
    cs.service_update(
        service=service,
        data=service_input(status="done", started_on=today(), completed_on=today()),
        expected_version=service.version,
        acting_user=officer,
    )
    case = cs.case_advance(case=fresh(case), expected_version=fresh(case).version, acting_user=officer)
    well = dict.fromkeys(("safety", "physical_health", "emotional_wellbeing", "schooling", "family_support"), 3)
    cs.follow_up_record(case=case, data=follow_up_input(**(scores or well)), acting_user=officer)
    case = fresh(case)
    return cs.case_request_closure(case=case, reason="goals_met", expected_version=case.version, acting_user=officer)


def approve(case, supervisor, **extra):
    case = fresh(case)
    return cs.case_decide_closure(
        case=case, approve=True, expected_version=case.version, acting_user=supervisor, **extra
    )


def test_the_context_counts_visits_days_open_open_referrals_and_the_legal_stage(officer, supervisor):
    case = in_closure_request(officer, supervisor)
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=40))
    for status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DONE, ReferralStatus.REFUSED):
        Referral.objects.create(
            case=case,
            provider=provider(),
            request="Pemeriksaan psikologis",
            consent_items=["child_identity"],
            consent_given_by="Ibu",
            letter_number="1/UPTD/2026",
            sent_on=today(),
            status=status,
            answered_on=None if status == ReferralStatus.SENT else today(),
            done_on=today() if status == ReferralStatus.DONE else None,
            created_by=officer,
        )

    context = case_approval_context(fresh(case))

    assert (context.visits, context.days_open, context.open_referrals) == (1, 40, 2)
    assert context.risk_level == "sedang" and context.legal_stage == ""
    assert [score for _domain, _label, score in context.latest_scores] == [3, 3, 3, 3, 3]
    assert not context.needs_justification
    LegalRecord.objects.create(case=case, stage=LegalStage.VERDICT)
    assert case_approval_context(fresh(case)).legal_stage == LegalStage.VERDICT
    assert not case_approval_context(fresh(case)).needs_justification  # a verdict ends the process


@pytest.mark.parametrize("why", ["high_risk", "low_score", "open_legal_process"])
def test_closing_with_high_risk_a_low_score_or_an_open_legal_process_needs_a_justification(officer, supervisor, why):
    scores = None
    if why == "low_score":
        scores = {"safety": 4, "physical_health": 4, "emotional_wellbeing": 2, "schooling": 4, "family_support": 4}
    case = in_closure_request(officer, supervisor, risk="tinggi" if why == "high_risk" else "rendah", scores=scores)
    if why == "open_legal_process":
        LegalRecord.objects.create(case=case, stage=LegalStage.TRIAL)

    error = refused_with("justification", lambda: approve(case, supervisor, justification="  "))
    assert error.code == "justification_required"
    assert fresh(case).status == CaseStatus.CLOSURE_REQUESTED

    closed = approve(case, supervisor, justification="Keluarga pindah; dirujuk ke UPTD PPA tujuan")
    assert closed.status == CaseStatus.CLOSED
    assert fresh(case).closure_justification == "Keluarga pindah; dirujuk ke UPTD PPA tujuan"
    event = AuditEvent.objects.filter(action="cases.closure_approved").get()
    assert event.data["justified"] is True and "pindah" not in str(event.data)


def test_closing_a_case_doing_well_needs_no_justification(officer, supervisor):
    case = in_closure_request(officer, supervisor, risk="rendah")
    assert approve(case, supervisor).status == CaseStatus.CLOSED


def test_the_decision_forms_show_the_context_and_ask_for_the_justification(client, officer, supervisor):
    case = in_closure_request(officer, supervisor, risk="tinggi")
    login_as(client, supervisor)

    html = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert 'id="approval-context"' in html and "Days open" in html and "The risk level is high." in html

    url = reverse("cases:decide_closure", args=[case.uuid])
    refused = client.post(url, {"decision-version": fresh(case).version, "decision-decision": "approve"})
    assert refused.status_code == 400
    assert "Closing this case needs a written justification" in refused.content.decode()
    done = client.post(
        url,
        {"decision-version": fresh(case).version, "decision-decision": "approve", "decision-justification": "Pindah"},
    )
    assert done.status_code == 302 and fresh(case).status == CaseStatus.CLOSED


# --- pending approvals -------------------------------------------------------------------------------------


def test_pending_approvals_list_submitted_plans_and_requested_closures(client, officer, supervisor, head):
    closing = in_closure_request(officer, supervisor)
    planned = in_plan_step(officer)
    plans.plan_goal_add(case=planned, data=goal(officer), acting_user=officer)
    plans.plan_submit(case=planned, expected_version=plan_version(planned), acting_user=officer)
    draft = in_plan_step(officer)
    plans.plan_goal_add(case=draft, data=goal(officer), acting_user=officer)

    rows = pending_approvals(user=supervisor)
    assert [(row.kind, row.case.pk) for row in rows] == [("closure", closing.pk), ("plan", planned.pk)]
    assert all(row.since for row in rows)

    login_as(client, supervisor)
    home = client.get(reverse("accounts:staff_home"))
    assert home.status_code == 200
    html = home.content.decode()
    assert 'id="pending-approvals"' in html
    assert closing.reference in html and planned.reference in html and draft.reference not in html
    assert "Anak Uji" not in html and GOAL_TEXT not in html
    page = client.get(reverse("cases:approvals")).content.decode()
    assert closing.reference in page and planned.reference in page
    api = client.get("/api/v1/cases/approvals/").json()
    assert [(row["kind"], row["reference"]) for row in api] == [
        ("closure", closing.reference),
        ("plan", planned.reference),
    ]

    login_as(client, officer)
    assert client.get(reverse("cases:approvals")).status_code == 403
    assert client.get("/api/v1/cases/approvals/").status_code == 403
    assert client.get(reverse("accounts:staff_home")).url == reverse("triage:inbox")


def test_pending_approvals_take_a_fixed_number_of_queries(supervisor, officer, django_assert_max_num_queries):
    for _ in range(3):
        case = in_plan_step(officer)
        plans.plan_goal_add(case=case, data=goal(officer), acting_user=officer)
        plans.plan_submit(case=case, expected_version=plan_version(case), acting_user=officer)
    in_closure_request(officer, supervisor)
    with django_assert_max_num_queries(3):
        rows = pending_approvals(user=supervisor)
        [row.case.assigned_officer.username for row in rows]
    assert len(rows) == 4


# --- the plan on the case page, on paper and over the API ----------------------------------------


def test_the_case_page_and_the_printout_show_goals_against_the_latest_scores(client, officer, supervisor, head):
    case = in_plan_step(officer)
    plans.plan_goal_add(case=case, data=goal(officer), acting_user=officer)
    cs.follow_up_record(case=case, data=follow_up_input(emotional_wellbeing=2), acting_user=officer)
    cs.follow_up_record(
        case=case,
        data=follow_up_input(emotional_wellbeing=3, visited_on=today() - timedelta(days=0)),
        acting_user=officer,
    )
    login_as(client, officer)

    html = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert 'id="plan"' in html and GOAL_TEXT in html and "better" in html
    printed = client.get(reverse("cases:plan_print", args=[case.uuid]))
    assert printed.status_code == 200
    text = printed.content.decode()
    assert "plan-print.css" in text and GOAL_TEXT in text and case.reference in text
    assert AuditEvent.objects.filter(action="cases.viewed", data__what="plan_print").exists()
    css = (settings.BASE_DIR / "static" / "css" / "plan-print.css").read_text()
    assert "size: A4" in css

    login_as(client, head)
    for page in (reverse("cases:detail", args=[case.uuid]), reverse("cases:plan_print", args=[case.uuid])):
        text = client.get(page).content.decode()
        assert GOAL_TEXT not in text and "Emotional wellbeing" in text


def test_the_plan_pages_walk_a_plan_to_approval(client, officer, supervisor):
    case = in_plan_step(officer)
    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    login_as(client, officer)
    fields = {
        "plan_goal-domain": "safety",
        "plan_goal-goal": GOAL_TEXT,
        "plan_goal-target_on": (today() + timedelta(days=10)).isoformat(),
        "plan_goal-services": [str(service.pk)],
    }
    refused = client.post(reverse("cases:plan_goal", args=[case.uuid]), fields)
    assert refused.status_code == 400
    assert "Name the officer or the provider responsible for this goal." in refused.content.decode()
    fields["plan_goal-responsible_provider"] = str(provider().pk)
    assert client.post(reverse("cases:plan_goal", args=[case.uuid]), fields).status_code == 302
    submit = reverse("cases:plan_submit", args=[case.uuid])
    assert client.post(submit, {"plan_submit-version": plan_version(case)}).status_code == 302
    decide = reverse("cases:plan_decide", args=[case.uuid])
    assert (
        client.post(
            decide, {"plan_decision-version": plan_version(case), "plan_decision-decision": "approve"}
        ).status_code
        == 403
    )

    login_as(client, supervisor)
    html = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert 'id="action-plan_decision"' in html and 'id="approval-context"' in html
    returned = client.post(decide, {"plan_decision-version": plan_version(case), "plan_decision-decision": "return"})
    assert returned.status_code == 400 and "Say what has to change in the plan." in returned.content.decode()
    approved = client.post(decide, {"plan_decision-version": plan_version(case), "plan_decision-decision": "approve"})
    assert approved.status_code == 302
    assert CasePlan.objects.get(case=case).status == PlanStatus.APPROVED


def test_the_api_covers_the_assessment_the_plan_and_the_context(client, officer, supervisor, head):
    case = open_case(officer)
    login_as(client, officer)
    base = f"/api/v1/cases/{case.uuid}"
    ratings = dict.fromkeys(AssessmentDomain.values, 3)

    override = client.post(
        f"{base}/assessments/",
        {"version": case.version, "assessed_on": today(), "ratings": ratings, "needs": "x", "risk_level": "tinggi"},
        content_type="application/json",
    )
    assert override.status_code == 400 and override.json()["override_reason"][0]["code"] == "invalid"
    missing = client.post(
        f"{base}/assessments/",
        {"version": case.version, "assessed_on": today(), "ratings": {"safety": 1}, "needs": "x"},
        content_type="application/json",
    )
    assert missing.status_code == 400 and "ratings" in missing.json()
    assessed = client.post(
        f"{base}/assessments/",
        {"version": case.version, "assessed_on": today(), "ratings": {**ratings, "family": 1}, "needs": "x"},
        content_type="application/json",
    )
    assert assessed.status_code == 201, assessed.json()
    assert (assessed.json()["computed_risk"], assessed.json()["risk_level"]) == ("tinggi", "tinggi")
    assert fresh(case).risk_level == "tinggi"

    case = fresh(case)
    case = cs.case_advance(case=case, expected_version=case.version, acting_user=officer)
    service = cs.service_plan(case=case, data=service_input(), acting_user=officer)
    added = client.post(
        f"{base}/plan/goals/",
        {
            "domain": "schooling",
            "goal": GOAL_TEXT,
            "target_on": today() + timedelta(days=5),
            "responsible_officer": officer.username,
            "services": [str(service.uuid)],
        },
        content_type="application/json",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["goals"][0]["services"] == [str(service.uuid)]
    plan = client.get(f"{base}/plan/").json()
    assert plan["status"] == "draft" and plan["goals"][0]["goal"] == GOAL_TEXT
    assert plan["assessment"]["ratings"][0]["note"] == ""
    submitted = client.post(f"{base}/plan/submit/", {"version": plan["version"]}, content_type="application/json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    decision = {"version": submitted.json()["version"], "decision": "approve"}
    assert client.post(f"{base}/plan/decision/", decision, content_type="application/json").status_code == 403

    login_as(client, supervisor)
    context = client.get(f"{base}/approval-context/").json()
    assert context["risk_level"] == "tinggi" and context["justification_required"] is True
    decided = client.post(f"{base}/plan/decision/", decision, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"

    login_as(client, head)
    seen = client.get(f"{base}/plan/").json()
    assert (
        "goal" not in seen["goals"][0]
        and "decision_note" not in seen
        and "note" not in seen["assessment"]["ratings"][0]
    )
    assert seen["goals"][0]["domain"] == "schooling"
