"""Reads for the assessment, the case plan and the supervisor's approvals. Each runs a fixed
number of queries; what identifies someone (goal texts, notes) only for those who see identities."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import CharField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.fields import identifying_fields
from core.models import AuditEvent

from .access import CaseAccess, cases_for
from .audit import CaseAction
from .choices import OPEN_LEGAL_STAGES, OPEN_REFERRAL_STATUSES, RECOVERY_DIMENSIONS, CaseStatus, PlanStatus, RiskLevel
from .models import Assessment, AssessmentRating, Case, CasePlan, FollowUp, LegalRecord, PlanGoal, Referral

# Closing with a latest follow-up score at or below this needs the supervisor's written reason.
CLOSURE_LOW_SCORE = 2


def recovery_label(domain: str) -> str:
    """The name of a recovery domain, as the follow-up form and chart call it."""
    return str(FollowUp._meta.get_field(domain).verbose_name).capitalize()


def _latest_follow_ups(case: Case, count: int = 2) -> list[FollowUp]:
    """The case's latest visits, newest first (scores only: the notes are not read)."""
    return list(
        FollowUp.objects.filter(case=case)
        .order_by("-visited_on", "-pk")
        .only("visited_on", "case_id", *RECOVERY_DIMENSIONS)[:count]
    )


# --- approvals with context -------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalContext:
    """What a supervisor sees before deciding a closure or a plan."""

    risk_level: str
    risk_label: str
    latest_scores: list[tuple[str, str, int]]  # (domain, label, score) of the latest visit; empty before one
    latest_visit_on: date | None
    visits: int
    days_open: int
    open_referrals: int
    legal_stage: str  # "" without a legal record
    legal_stage_label: str
    reasons: list[str]  # why closing needs a written justification; empty when it does not

    @property
    def needs_justification(self) -> bool:
        return bool(self.reasons)


def case_approval_context(case: Case, *, today: date | None = None) -> ApprovalContext:
    """Risk, latest follow-up scores, visits, days open, open referrals and the legal stage of a
    case; and the reasons closing it needs a written justification (high risk, a latest score of
    CLOSURE_LOW_SCORE or less, an open legal process). Four queries."""
    today = today or timezone.localdate()
    latest = _latest_follow_ups(case, 1)
    visits = FollowUp.objects.filter(case=case).count()
    open_referrals = Referral.objects.filter(case=case, status__in=OPEN_REFERRAL_STATUSES).count()
    legal = LegalRecord.objects.filter(case=case).only("stage", "case_id").first()
    scores = [(d, recovery_label(d), getattr(latest[0], d)) for d in RECOVERY_DIMENSIONS] if latest else []
    reasons = []
    if case.risk_level == RiskLevel.HIGH:
        reasons.append(_("The risk level is high."))
    low = [label for _domain, label, score in scores if score <= CLOSURE_LOW_SCORE]
    if low:
        reasons.append(_("A latest follow-up score is 2 or lower: %(domains)s.") % {"domains": ", ".join(low)})
    if legal is not None and legal.stage in OPEN_LEGAL_STAGES:
        reasons.append(_("The legal process is still open: %(stage)s.") % {"stage": legal.get_stage_display()})
    return ApprovalContext(
        risk_level=case.risk_level,
        risk_label=case.get_risk_level_display() if case.risk_level else "",
        latest_scores=scores,
        latest_visit_on=latest[0].visited_on if latest else None,
        visits=visits,
        days_open=(today - timezone.localtime(case.opened_at).date()).days,
        open_referrals=open_referrals,
        legal_stage=legal.stage if legal else "",
        legal_stage_label=legal.get_stage_display() if legal else "",
        reasons=reasons,
    )


# --- the plan against the follow-up scores --------------------------------------------------------


@dataclass(frozen=True)
class GoalRow:
    goal: PlanGoal
    text: str | None  # None when the reader may not see it
    domain_label: str
    responsible: str
    latest_score: int | None
    previous_score: int | None

    @property
    def trend(self) -> str:
        """ "up", "down", "same", or "" with fewer than two visits."""
        if self.latest_score is None or self.previous_score is None:
            return ""
        if self.latest_score == self.previous_score:
            return "same"
        return "up" if self.latest_score > self.previous_score else "down"


@dataclass(frozen=True)
class PlanView:
    plan: CasePlan | None
    goals: list[GoalRow]
    latest_visit_on: date | None
    assessment: Assessment | None
    ratings: list[AssessmentRating]


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def plan_view(*, access: CaseAccess, follow_ups: list[FollowUp] | None = None) -> PlanView:
    """The plan's goals against the latest two follow-ups' scores, and the latest assessment.
    `follow_ups`: the case's visits when the caller has them already (in any order)."""
    case, identities = access.case, access.identities
    plan = CasePlan.objects.filter(case=case).select_related("decided_by")
    plan = (plan if identities else plan.defer("decision_note")).first()
    goals = []
    if follow_ups is None:
        latest = _latest_follow_ups(case)
    else:
        latest = sorted(follow_ups, key=lambda visit: (visit.visited_on, visit.pk), reverse=True)[:2]
    if plan is not None:
        queryset = (
            PlanGoal.objects.filter(plan=plan)
            .select_related("responsible_officer", "responsible_provider")
            .prefetch_related("services")
        )
        if not identities:
            queryset = queryset.defer("goal")
        for goal in queryset:
            responsible = ", ".join(
                filter(None, [_person(goal.responsible_officer), getattr(goal.responsible_provider, "name", "")])
            )
            goals.append(
                GoalRow(
                    goal=goal,
                    text=goal.goal if identities else None,
                    domain_label=recovery_label(goal.domain),
                    responsible=responsible,
                    latest_score=getattr(latest[0], goal.domain) if latest else None,
                    previous_score=getattr(latest[1], goal.domain) if len(latest) > 1 else None,
                )
            )
    assessment = Assessment.objects.filter(case=case).select_related("assessed_by").order_by("-assessed_on", "-pk")
    if not identities:
        assessment = assessment.defer("override_reason")
    assessment = assessment.first()
    ratings = []
    if assessment is not None:
        ratings = AssessmentRating.objects.filter(assessment=assessment)
        ratings = list(ratings if identities else ratings.defer("note"))
    return PlanView(
        plan=plan,
        goals=goals,
        latest_visit_on=latest[0].visited_on if latest else None,
        assessment=assessment,
        ratings=ratings,
    )


# --- pending approvals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingApproval:
    kind: str  # "plan" or "closure"
    case: Case
    since: datetime | None


def pending_approvals(*, user: User) -> list[PendingApproval]:
    """Plans submitted and closures requested, waiting for a supervisor, oldest first, among the
    cases `user` may see. Two queries; no identifying field is read."""
    cases = cases_for(user).defer(*identifying_fields(Case))
    requested_at = (
        AuditEvent.objects.filter(
            target_type=Case._meta.label_lower,
            target_id=Cast(OuterRef("pk"), CharField()),
            action=CaseAction.CLOSURE_REQUESTED,
        )
        .order_by("-at")
        .values("at")[:1]
    )
    closures = cases.filter(status=CaseStatus.CLOSURE_REQUESTED).annotate(since=Subquery(requested_at))
    plans = cases.filter(plan__status=PlanStatus.SUBMITTED).prefetch_related(
        Prefetch("plan", queryset=CasePlan.objects.only("case_id", "submitted_at"))
    )
    rows = [PendingApproval(kind="closure", case=case, since=case.since) for case in closures]
    rows += [PendingApproval(kind="plan", case=case, since=case.plan.submitted_at) for case in plans]
    far_past = timezone.make_aware(datetime(2000, 1, 1))
    return sorted(rows, key=lambda row: row.since or far_past)
