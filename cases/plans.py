"""The structured assessment, the case plan and its approval (rencana intervensi layanan).

- An assessment rates each AssessmentDomain from 1 (serious concern) to 4 (no concern) with a note;
  the risk level follows from the ratings (assessment_risk) unless the officer overrides it with a
  reason. It records the case's risk and needs through cases.services.case_record_assessment, which
  keeps its place in the steps of the case.
- The case plan holds goals in the five recovery domains the follow-ups score; a supervisor approves
  it before the case moves to services (cases.services._advance_blocker), or returns it with a note.
  Submitting it tells the supervisors once per submission (AlertKind.APPROVAL_WAITING).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, holders, user_can
from accounts.models import User
from alerts.models import AlertKind
from alerts.services import alert_raise
from core.audit import audit_log
from core.errors import DomainError, raise_first

from . import services as cs
from .audit import CaseAction
from .choices import RECOVERY_DIMENSIONS, SCORE_MAX, SCORE_MIN, AssessmentDomain, CaseStatus, PlanStatus, RiskLevel
from .models import Assessment, AssessmentRating, Case, CasePlan, CaseService, PlanGoal, Provider

# --- the structured assessment ------------------------------------------------------------------


def assessment_risk(ratings: Mapping[str, int]) -> str:
    """The risk level the ratings give: any domain rated 1 (serious concern) is high risk, any
    rated 2 (some concern) medium, otherwise low. The one place this rule lives."""
    values = set(ratings.values())
    if 1 in values:
        return RiskLevel.HIGH
    if 2 in values:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


@dataclass
class AssessmentInput:
    assessed_on: date
    ratings: dict[str, int]  # AssessmentDomain -> 1..4, every domain
    needs: str
    notes: dict[str, str] = field(default_factory=dict)  # AssessmentDomain -> note
    risk_level: str = ""  # empty: as the ratings give it
    override_reason: str = ""


def assessment_input_errors(data: AssessmentInput) -> dict[str, list[str]]:
    """Every rule of an assessment, by field (`rating_<domain>` for a domain's rating)."""
    errors: dict[str, list[str]] = {}
    if data.assessed_on > timezone.localdate():
        errors["assessed_on"] = [_("The date cannot be in the future.")]
    for domain in AssessmentDomain.values:
        value = data.ratings.get(domain)
        if not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            errors[f"rating_{domain}"] = [_("Choose a rating from 1 to 4.")]
    unknown = set(data.ratings) - set(AssessmentDomain.values) or set(data.notes) - set(AssessmentDomain.values)
    if unknown:
        errors["ratings"] = [_("Unknown domain: %(domains)s.") % {"domains": ", ".join(sorted(unknown))}]
    if not data.needs.strip():
        errors["needs"] = [_("Describe the child's needs.")]
    if data.risk_level and data.risk_level not in RiskLevel.values:
        errors["risk_level"] = [_("Choose the risk level.")]
    elif (
        not errors
        and data.risk_level
        and data.risk_level != assessment_risk(data.ratings)
        and not data.override_reason.strip()
    ):
        errors["override_reason"] = [_("Say why the risk level differs from the one the ratings give.")]
    return errors


@transaction.atomic
def case_assess(*, case: Case, data: AssessmentInput, expected_version: int, acting_user: User) -> Assessment:
    """Record a structured assessment: the ratings, and the case's risk level and needs (the step
    rules of case_record_assessment apply: in the first steps of a case, with a fresh version)."""
    raise_first(assessment_input_errors(data))
    computed = assessment_risk(data.ratings)
    risk_level = data.risk_level or computed
    case = cs.case_record_assessment(
        case=case, risk_level=risk_level, needs=data.needs, expected_version=expected_version, acting_user=acting_user
    )
    assessment = Assessment.objects.create(
        case=case,
        assessed_on=data.assessed_on,
        assessed_by=acting_user,
        computed_risk=computed,
        risk_level=risk_level,
        override_reason=data.override_reason.strip() if risk_level != computed else "",
    )
    AssessmentRating.objects.bulk_create(
        [
            AssessmentRating(
                assessment=assessment,
                domain=domain,
                rating=data.ratings[domain],
                note=data.notes.get(domain, "").strip(),
            )
            for domain in AssessmentDomain.values
        ]
    )
    audit_log(
        actor=acting_user,
        action=CaseAction.ASSESSMENT_RATED,
        target=case,
        data={
            "assessment": assessment.pk,
            "ratings": {domain: data.ratings[domain] for domain in AssessmentDomain.values},
            "computed_risk": computed,
            "risk_level": risk_level,
            "overridden": risk_level != computed,
        },
    )
    return assessment


# --- the case plan ------------------------------------------------------------------------------

# Goals are written while the plan is being made; an approved plan or one waiting for approval is
# not changed under the supervisor's eyes.
EDITABLE_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)
PLAN_STEPS = (CaseStatus.CASE_PLAN,)


@dataclass
class GoalInput:
    domain: str
    goal: str
    target_on: date
    responsible_officer: User | None = None
    responsible_provider: Provider | None = None
    services: list[CaseService] = field(default_factory=list)


def goal_input_errors(data: GoalInput, *, case: Case) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.domain not in RECOVERY_DIMENSIONS:
        errors["domain"] = [_("Choose one of the recovery domains.")]
    if not data.goal.strip():
        errors["goal"] = [_("Write the goal.")]
    if data.target_on < timezone.localdate():
        errors["target_on"] = [_("The target date cannot be in the past.")]
    if data.responsible_officer is None and data.responsible_provider is None:
        errors["responsible_officer"] = [_("Name the officer or the provider responsible for this goal.")]
    elif data.responsible_officer is not None and not user_can(data.responsible_officer, Capability.WORK_ON_CASES):
        errors["responsible_officer"] = [_("The responsible officer must work on cases.")]
    if any(service.case_id != case.pk for service in data.services):
        errors["services"] = [_("Choose services of this case.")]
    return errors


def _plan_for_change(plan: CasePlan, expected_version: int) -> CasePlan:
    """Take the plan for a change that started from `expected_version`, or refuse a stale one."""
    if not CasePlan.objects.filter(pk=plan.pk, version=expected_version).update(version=F("version") + 1):
        raise DomainError(
            _("The plan was changed after you opened it. Reload the page and try again."), code="stale_version"
        )
    return CasePlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_goal_add(*, case: Case, data: GoalInput, acting_user: User) -> PlanGoal:
    """Add a goal to the case's plan (made on the first goal), while the plan is a draft or returned."""
    cs._require_case_worker(acting_user)
    case = Case.objects.select_for_update().get(pk=case.pk)  # its step as it is now
    cs._require_open(case)
    if case.status not in PLAN_STEPS:
        raise DomainError(_("The case plan is written in the case plan step, before services."), code="wrong_step")
    raise_first(goal_input_errors(data, case=case))
    plan, _created = CasePlan.objects.select_for_update().get_or_create(case=case)
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise DomainError(_("The plan is waiting for approval or approved: it cannot change."), code="plan_locked")
    goal = PlanGoal.objects.create(
        plan=plan,
        domain=data.domain,
        goal=data.goal.strip(),
        target_on=data.target_on,
        responsible_officer=data.responsible_officer,
        responsible_provider=data.responsible_provider,
    )
    goal.services.set(data.services)
    CasePlan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
    audit_log(
        actor=acting_user,
        action=CaseAction.PLAN_GOAL_ADDED,
        target=case,
        data={"goal": goal.pk, "domain": data.domain, "services": [str(s.uuid) for s in data.services]},
    )
    return goal


def _plan_of(case: Case) -> CasePlan:
    plan = CasePlan.objects.filter(case=case).first()
    if plan is None:
        raise DomainError(_("Write the plan's goals first."), code="step_requirements")
    return plan


def approval_waiting_alert(plan: CasePlan) -> None:
    """Tell the supervisors a plan waits for them: once per submission (the key names it)."""
    alert_raise(
        key=f"plan:{plan.pk}:submitted:{plan.submitted_at:%Y%m%d%H%M%S%f}",
        kind=AlertKind.APPROVAL_WAITING,
        level=1,
        recipients=holders(Capability.SUPERVISE).select_related("notification_preference").order_by("pk"),
        case=plan.case,
    )


@transaction.atomic
def plan_submit(*, case: Case, expected_version: int, acting_user: User) -> CasePlan:
    """Send the plan to the supervisors for approval."""
    cs._require_case_worker(acting_user)
    cs._require_open(case)
    plan = _plan_for_change(_plan_of(case), expected_version)
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise DomainError(_("The plan is already waiting for approval or approved."), code="wrong_step")
    if not plan.goals.exists():
        raise DomainError(_("Write the plan's goals first."), code="step_requirements")
    plan.status, plan.submitted_at = PlanStatus.SUBMITTED, timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    audit_log(actor=acting_user, action=CaseAction.PLAN_SUBMITTED, target=case, data={"goals": plan.goals.count()})
    approval_waiting_alert(plan)
    return plan


@transaction.atomic
def plan_decide(*, case: Case, approve: bool, note: str = "", expected_version: int, acting_user: User) -> CasePlan:
    """A supervisor approves the plan, or returns it to the officer with a note saying what to change."""
    cs._require_supervisor(acting_user)
    cs._require_open(case)
    if not approve and not note.strip():
        raise DomainError(_("Say what has to change in the plan."), code="invalid", field="note")
    plan = _plan_for_change(_plan_of(case), expected_version)
    if plan.status != PlanStatus.SUBMITTED:
        raise DomainError(_("The plan is not waiting for approval."), code="wrong_step")
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    plan.decided_at, plan.decided_by, plan.decision_note = timezone.now(), acting_user, note.strip()
    plan.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit_log(
        actor=acting_user,
        action=CaseAction.PLAN_APPROVED if approve else CaseAction.PLAN_RETURNED,
        target=case,
        data={"plan": plan.pk},
    )
    return plan
