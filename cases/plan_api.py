"""The staff API of the structured assessment, the case plan and the supervisor's approvals.

Loaded through cases.access, changed through cases.plans; a DomainError becomes a 400 in core.api.
Goal texts, rating notes and the override reason are identifying: left out for a reader without
identities (the head of agency)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.capabilities import Capability
from accounts.models import User
from accounts.permissions import HasCapability
from core.api import ERRORS_400, MISSING_404

from . import plans
from .access import access_case
from .api import STALE_400, CaseAPIView, editable_case, supervised_case
from .case_selectors import case_officers
from .choices import RECOVERY_DIMENSIONS, SCORE_MAX, SCORE_MIN, AssessmentDomain, PlanStatus, RiskLevel
from .models import CaseService, Provider
from .plan_selectors import case_approval_context, pending_approvals, plan_view
from .serializers import DENIED_403, CaseStatusField, StaffMemberSerializer, enum_field, optional_text

RiskLevelField = enum_field(RiskLevel, "CaseRiskLevelEnum")
PlanStatusField = enum_field(PlanStatus, "CasePlanStatusEnum")
AssessmentDomainField = enum_field(AssessmentDomain, "AssessmentDomainEnum")


# --- output ---------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="AssessmentRating")
class RatingSerializer(serializers.Serializer):
    domain = AssessmentDomainField()
    rating = serializers.IntegerField(help_text="1 serious concern … 4 no concern.")
    note = serializers.CharField(required=False, help_text="Only for officers and supervisors.")


def _rating_data(ratings, identities: bool) -> list[dict]:
    return [{"domain": r.domain, "rating": r.rating, **({"note": r.note} if identities else {})} for r in ratings]


@extend_schema_serializer(component_name="Assessment")
class AssessmentSerializer(serializers.Serializer):
    assessed_on = serializers.DateField()
    assessed_by = StaffMemberSerializer()
    computed_risk = RiskLevelField(help_text="The risk the ratings give (cases.plans.assessment_risk).")
    risk_level = RiskLevelField(help_text="The risk recorded: the computed one unless overridden.")
    override_reason = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    ratings = RatingSerializer(many=True)


def _assessment_data(assessment, ratings, identities: bool) -> dict:
    data = {
        "assessed_on": assessment.assessed_on,
        "assessed_by": assessment.assessed_by,
        "computed_risk": assessment.computed_risk,
        "risk_level": assessment.risk_level,
        "ratings": _rating_data(ratings, identities),
    }
    if identities:
        data["override_reason"] = assessment.override_reason
    return AssessmentSerializer(data).data


@extend_schema_serializer(component_name="CasePlanGoal")
class GoalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    domain = serializers.ChoiceField([(d, d) for d in RECOVERY_DIMENSIONS], help_text="A follow-up score's domain.")
    goal = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    target_on = serializers.DateField()
    responsible_officer = StaffMemberSerializer(allow_null=True)
    responsible_provider = serializers.CharField(allow_null=True)
    services = serializers.ListField(child=serializers.UUIDField(), help_text="The case's services serving it.")
    achieved_on = serializers.DateField(allow_null=True)
    latest_score = serializers.IntegerField(allow_null=True, help_text="This domain at the latest follow-up.")
    trend = serializers.ChoiceField(
        [("up", "up"), ("down", "down"), ("same", "same"), ("", "")],
        allow_blank=True,
        help_text="Against the visit before; blank with fewer than two visits.",
    )


def _goal_data(row, identities: bool) -> dict:
    goal = row.goal
    data = {
        "id": goal.pk,
        "domain": goal.domain,
        "target_on": goal.target_on,
        "responsible_officer": goal.responsible_officer,
        "responsible_provider": goal.responsible_provider.name if goal.responsible_provider else None,
        "services": [service.uuid for service in goal.services.all()],
        "achieved_on": goal.achieved_on,
        "latest_score": row.latest_score,
        "trend": row.trend,
    }
    if identities:
        data["goal"] = row.text
    return data


@extend_schema_serializer(component_name="CasePlan")
class PlanSerializer(serializers.Serializer):
    status = PlanStatusField(allow_null=True, help_text="null before the first goal.")
    version = serializers.IntegerField(allow_null=True, help_text="Send it back to submit or decide the plan.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = StaffMemberSerializer(allow_null=True)
    decision_note = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    latest_visit_on = serializers.DateField(allow_null=True)
    goals = GoalSerializer(many=True)
    assessment = AssessmentSerializer(allow_null=True, help_text="The latest structured assessment.")


def plan_data(access) -> dict:
    view = plan_view(access=access)
    plan, identities = view.plan, access.identities
    data = {
        "status": plan.status if plan else None,
        "version": plan.version if plan else None,
        "submitted_at": plan.submitted_at if plan else None,
        "decided_at": plan.decided_at if plan else None,
        "decided_by": StaffMemberSerializer(plan.decided_by).data if plan and plan.decided_by else None,
        "latest_visit_on": view.latest_visit_on,
        "goals": [GoalSerializer(_goal_data(row, identities)).data for row in view.goals],
        "assessment": _assessment_data(view.assessment, view.ratings, identities) if view.assessment else None,
    }
    if identities:
        data["decision_note"] = plan.decision_note if plan else ""
    return data


@extend_schema_serializer(component_name="CaseApprovalContext")
class ApprovalContextSerializer(serializers.Serializer):
    risk_level = serializers.CharField(allow_blank=True)
    latest_scores = serializers.DictField(child=serializers.IntegerField(), help_text="Domain -> score; {} before.")
    latest_visit_on = serializers.DateField(allow_null=True)
    visits = serializers.IntegerField()
    days_open = serializers.IntegerField()
    open_referrals = serializers.IntegerField(help_text="Referrals sent or accepted, not yet answered or done.")
    legal_stage = serializers.CharField(allow_blank=True, help_text="Blank without a legal record.")
    justification_required = serializers.BooleanField(help_text="Approving closure needs a written justification.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why, in the reader's language.")


def approval_context_data(case) -> dict:
    context = case_approval_context(case)
    return ApprovalContextSerializer(
        {
            "risk_level": context.risk_level,
            "latest_scores": {domain: score for domain, _label, score in context.latest_scores},
            "latest_visit_on": context.latest_visit_on,
            "visits": context.visits,
            "days_open": context.days_open,
            "open_referrals": context.open_referrals,
            "legal_stage": context.legal_stage,
            "justification_required": context.needs_justification,
            "reasons": context.reasons,
        }
    ).data


PLAN_STALE_400 = OpenApiResponse(
    description='Errors per field: {field: [{"message": ..., "code": ...}]}; a `version` older than the plan\'s '
    'comes back as {"non_field_errors": [{"code": "stale_version", ...}]}.'
)


# --- views -----------------------------------------------------------------------------------------


class CaseAssessmentAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseStructuredAssessmentInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, help_text="The case's version you started from.")
        assessed_on = serializers.DateField()
        ratings = serializers.DictField(
            child=serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX),
            help_text="Every domain (safety, health, psychological, family, education, legal) -> 1..4.",
        )
        notes = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=5000), required=False)
        needs = serializers.CharField(max_length=5000)
        risk_level = RiskLevelField(
            required=False, allow_blank=True, default="", help_text="Blank: as the ratings give it."
        )
        override_reason = optional_text(5000, help_text="Required when risk_level differs from the ratings' one.")

        def validate(self, attrs):
            errors: dict[str, list[str]] = {}
            for name, messages in plans.assessment_input_errors(self.to_input(attrs)).items():
                # A domain's rating is an entry of `ratings` here.
                errors.setdefault("ratings" if name.startswith("rating_") else name, []).extend(messages)
            if errors:
                raise serializers.ValidationError(errors)
            return attrs

        def to_input(self, attrs) -> plans.AssessmentInput:
            return plans.AssessmentInput(
                assessed_on=attrs["assessed_on"],
                ratings=attrs["ratings"],
                notes=attrs.get("notes", {}),
                needs=attrs["needs"],
                risk_level=attrs["risk_level"] or "",
                override_reason=attrs["override_reason"],
            )

    @extend_schema(
        operation_id="case_assess",
        request=InputSerializer,
        responses={201: AssessmentSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Record a structured assessment: a rating and a note per domain; it sets the case's risk level",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = plans.case_assess(
            case=access.case,
            data=serializer.to_input(serializer.validated_data),
            expected_version=serializer.validated_data["version"],
            acting_user=request.user,
        )
        data = _assessment_data(assessment, assessment.ratings.all(), access.identities)
        return Response(data, status=status.HTTP_201_CREATED)


class CasePlanAPI(CaseAPIView):
    @extend_schema(
        operation_id="case_plan",
        responses={200: PlanSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="The case plan: goals against the latest follow-up scores, and the latest assessment",
    )
    def get(self, request, uuid):
        return Response(plan_data(access_case(request.user, uuid)))


class CasePlanGoalAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CasePlanGoalInput")
    class InputSerializer(serializers.Serializer):
        domain = serializers.ChoiceField([(d, d) for d in RECOVERY_DIMENSIONS])
        goal = serializers.CharField(max_length=5000)
        target_on = serializers.DateField()
        responsible_officer = serializers.SlugRelatedField(
            slug_field="username", queryset=User.objects.none(), required=False, allow_null=True, default=None
        )
        responsible_provider = serializers.SlugRelatedField(
            slug_field="name",
            queryset=Provider.objects.filter(active=True),
            required=False,
            allow_null=True,
            default=None,
        )
        services = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)

        def __init__(self, *args, case=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.case = case  # the schema generator makes one without a case
            self.fields["responsible_officer"].queryset = case_officers()

        def validate_services(self, value):
            found = list(CaseService.objects.filter(case=self.case, uuid__in=value))
            if len(found) != len(set(value)):
                raise serializers.ValidationError("Choose services of this case.")
            return found

        def validate(self, attrs):
            errors = plans.goal_input_errors(plans.GoalInput(**attrs), case=self.case)
            if errors:
                raise serializers.ValidationError(errors)
            return attrs

    @extend_schema(
        operation_id="case_plan_goal_add",
        request=InputSerializer,
        responses={201: PlanSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="Add a goal to the case plan (made with the first goal) while it is a draft or returned",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data, case=access.case)
        serializer.is_valid(raise_exception=True)
        plans.plan_goal_add(
            case=access.case, data=plans.GoalInput(**serializer.validated_data), acting_user=request.user
        )
        return Response(plan_data(access), status=status.HTTP_201_CREATED)


class CasePlanSubmitAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CasePlanSubmitInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, help_text="The plan's version you started from.")

    @extend_schema(
        operation_id="case_plan_submit",
        request=InputSerializer,
        responses={200: PlanSerializer, 400: PLAN_STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Send the case plan to the supervisors for approval (they are alerted once per submission)",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plans.plan_submit(
            case=access.case, expected_version=serializer.validated_data["version"], acting_user=request.user
        )
        return Response(plan_data(access))


class CasePlanDecisionAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CasePlanDecisionInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, help_text="The plan's version you started from.")
        decision = serializers.ChoiceField([("approve", "approve"), ("return", "return")])
        note = optional_text(5000, help_text="Required when the plan is returned.")

    @extend_schema(
        operation_id="case_plan_decide",
        request=InputSerializer,
        responses={200: PlanSerializer, 400: PLAN_STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Supervisors: approve the case plan, or return it with a note",
    )
    def post(self, request, uuid):
        access = supervised_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plans.plan_decide(
            case=access.case,
            approve=data["decision"] == "approve",
            note=data["note"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return Response(plan_data(access))


class CaseApprovalContextAPI(CaseAPIView):
    @extend_schema(
        operation_id="case_approval_context",
        responses={200: ApprovalContextSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="What a supervisor weighs before a closure or plan decision, and whether closing needs a "
        "written justification",
    )
    def get(self, request, uuid):
        return Response(approval_context_data(access_case(request.user, uuid).case))


@extend_schema_serializer(component_name="PendingApproval")
class PendingApprovalSerializer(serializers.Serializer):
    kind = serializers.ChoiceField([("plan", "plan"), ("closure", "closure")])
    case = serializers.UUIDField(source="case.uuid")
    reference = serializers.CharField(source="case.reference")
    status = CaseStatusField(source="case.status")
    risk_level = serializers.CharField(source="case.risk_level", allow_blank=True)
    assigned_officer = StaffMemberSerializer(source="case.assigned_officer")
    since = serializers.DateTimeField(allow_null=True, help_text="Submitted or requested at.")


class PendingApprovalsAPI(CaseAPIView):
    permission_classes = [HasCapability.of(Capability.SUPERVISE)]

    @extend_schema(
        operation_id="case_approvals_pending",
        responses={200: PendingApprovalSerializer(many=True), 403: DENIED_403},
        summary="Supervisors: case plans submitted and closures requested, waiting for a decision, oldest first",
    )
    def get(self, request):
        return Response(PendingApprovalSerializer(pending_approvals(user=request.user), many=True).data)
