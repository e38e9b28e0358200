"""The staff API of case management: the case list, one case, and the changes to it.

Cases are read by whoever cases.access lets see them (an officer their own, a supervisor all,
the head all but without identities) and changed only by those who may edit them. Every case is
loaded through cases.access and every change goes through cases.services; their DomainError
becomes a 400 in core.api. Cases are named by their UUID, never by a database id; they are opened
only by accepting a report (triage.api).
"""

from dataclasses import fields

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.capabilities import Capability
from accounts.permissions import HasCapability
from core.api import ERRORS_400, MISSING_404, PAGE_404, paginated
from core.fields import identifying_fields
from reports.choices import MESSAGE_MAX_LENGTH
from reports.models import Report

from . import services
from .access import CaseAccess, access_case, cases_for, visible_references
from .choices import (
    MAX_AGE,
    RECOVERY_DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    CaseStatus,
    Education,
    RiskLevel,
    ServiceStatus,
    ServiceType,
)
from .models import Case, CaseNote, CaseReport, CaseService, FollowUp, Provider
from .serializers import (
    DENIED_403,
    CaseDetailSerializer,
    CaseListItemSerializer,
    ChildSerializer,
    ChildSexField,
    FollowUpSerializer,
    NoteSerializer,
    ServiceSerializer,
    ServiceStatusField,
    officer_field,
    optional_text,
)

STALE_400 = OpenApiResponse(
    description='Errors per field: {field: [{"message": ..., "code": ...}]}. A `version` older than the '
    'case\'s comes back as {"non_field_errors": [{"code": "stale_version", ...}]}: reload the case and retry.'
)
TRANSITIONS = ("advance", "request_closure", "approve_closure", "send_back", "reopen")
SUPERVISOR_TRANSITIONS = frozenset({"approve_closure", "send_back", "reopen"})


class CaseAPIView(APIView):
    permission_classes = [HasCapability.of(Capability.READ_CASES)]


def editable_case(request, uuid) -> CaseAccess:
    """The case for a change: 404 if the caller cannot see it, 403 if they may only read it."""
    access = access_case(request.user, uuid)
    if not access.can_edit:
        raise PermissionDenied
    return access


def supervised_case(request, uuid) -> CaseAccess:
    """The case for a supervisor's decision: as editable_case, and 403 for anyone but a supervisor,
    before the rest of the request is read (an officer learns nothing from its validation)."""
    access = editable_case(request, uuid)
    if not access.can_supervise:
        raise PermissionDenied(_("Only a supervisor can do this."), code="not_supervisor")
    return access


def case_context(request, access: CaseAccess) -> dict:
    return {"request": request, "identities": access.identities, "can_edit": access.can_edit}


def case_detail(request, access: CaseAccess) -> dict:
    """The case with everything its detail shows, loaded once; identities only for those who see them."""
    report_fields = identifying_fields(Report, through="report")
    lookups = [
        Prefetch("case_reports", queryset=CaseReport.objects.select_related("report").defer(*report_fields)),
        "perpetrators",
        Prefetch("services", queryset=CaseService.objects.select_related("provider")),
        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("visited_by")),
    ]
    if access.identities:
        lookups += ["children", Prefetch("notes", queryset=CaseNote.objects.select_related("author"))]
    prefetch_related_objects([access.case], *lookups)
    return CaseDetailSerializer(access.case, context=case_context(request, access)).data


def reloaded_case_detail(request, uuid) -> dict:
    return case_detail(request, access_case(request.user, uuid))


# --- Case views --------------------------------------------------------------------------------


class CaseListFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(CaseStatus.choices, required=False, help_text="Only cases in this step.")


class CaseListAPI(CaseAPIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(
        operation_id="case_list",
        parameters=[CaseListFilterSerializer],
        responses={200: CaseListItemSerializer(many=True), 400: ERRORS_400, 403: DENIED_403, 404: PAGE_404},
        summary="Cases you can see, newest first",
        description=(
            "Officers see the cases assigned to them, supervisors and the head of agency all cases. "
            "Cases are created only by accepting a report (POST /api/v1/reports/{id}/accept/)."
        ),
    )
    def get(self, request):
        filters = CaseListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        cases = cases_for(request.user).defer(*identifying_fields(Case))
        if "status" in filters.validated_data:
            cases = cases.filter(status=filters.validated_data["status"])
        return paginated(request, self, cases, CaseListItemSerializer)


class CaseDetailAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseAssessmentInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, help_text="The case's version you started from.")
        risk_level = serializers.ChoiceField(RiskLevel.choices, required=False)
        needs = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    @extend_schema(
        operation_id="case_detail",
        responses={200: CaseDetailSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="One case; the reading is recorded in the audit trail",
        description="The head of agency gets it without identities: no children, needs, notes or free text.",
    )
    def get(self, request, uuid):
        access = access_case(request.user, uuid)
        services.case_record_view(
            case=access.case, acting_user=request.user, what="case" if access.identities else "case_summary"
        )
        return Response(case_detail(request, access))

    @extend_schema(
        operation_id="case_record_assessment",
        request=InputSerializer,
        responses={200: CaseDetailSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Record the assessment (risk level and needs); a registered case moves to assessment",
    )
    def patch(self, request, uuid):
        case = editable_case(request, uuid).case
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.case_record_assessment(
            case=case,
            risk_level=data.get("risk_level", case.risk_level),
            needs=data.get("needs", case.needs),
            expected_version=data["version"],
            acting_user=request.user,
        )
        return Response(reloaded_case_detail(request, uuid))


class CaseSimfoniAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseSimfoniInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, help_text="The case's version you started from.")
        occurred_on = serializers.DateField(
            allow_null=True, help_text="The date of the incident; null when not known. Ages are not recomputed."
        )
        simfoni_number = serializers.CharField(
            allow_blank=True,
            max_length=services.SIMFONI_NUMBER_MAX_LENGTH,
            help_text="The SIMFONI-PPA registration number; blank when not entered there yet. Unique.",
        )

    @extend_schema(
        operation_id="case_update_simfoni",
        request=InputSerializer,
        responses={200: CaseDetailSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Record the date of the incident and the SIMFONI-PPA registration number",
        description='A number another case holds is refused: {"simfoni_number": [{"code": "simfoni_number_taken", '
        '"message": ...}]}, naming that case only when you may open it.',
    )
    def put(self, request, uuid):
        case = editable_case(request, uuid).case
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.case_update_simfoni(
            case=case,
            occurred_on=data["occurred_on"],
            simfoni_number=data["simfoni_number"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return Response(reloaded_case_detail(request, uuid))


class CaseTransitionAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseTransitionInput")
    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(
            [(name, name) for name in TRANSITIONS],
            help_text="advance: to the next step; request_closure: reason (and explanation); approve_closure, "
            "send_back (comment required), reopen (reason required): supervisors.",
        )
        version = serializers.IntegerField(min_value=1, help_text="The case's version you started from.")
        reason = optional_text(
            5000, help_text="request_closure: a closure reason (goals_met, ...). reopen: why, in words."
        )
        explanation = optional_text(5000, help_text='request_closure with reason "other": what happened.')
        comment = optional_text(5000, help_text="approve_closure (optional) and send_back (required).")
        closing_message = optional_text(
            MESSAGE_MAX_LENGTH,
            help_text="request_closure and approve_closure (optional): a message to the reporter(s), written on each "
            "of the case's reports when the closure is approved (the supervisor's, else the one held from the "
            "request; sending back drops it); their status page shows it as the closing message.",
        )
        justification = optional_text(
            5000,
            help_text="approve_closure: required when the case has high risk, a latest follow-up score of 2 or lower "
            "or an open legal process (GET .../approval-context/ lists the reasons).",
        )

    @extend_schema(
        operation_id="case_transition",
        request=InputSerializer,
        responses={200: CaseDetailSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Move a case along its steps: advance, request or decide its closure, reopen it",
    )
    def post(self, request, uuid):
        action = request.data.get("action") if isinstance(request.data, dict) else None
        if isinstance(action, str) and action in SUPERVISOR_TRANSITIONS:
            access = supervised_case(request, uuid)
        else:
            access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        common = {"case": access.case, "expected_version": data["version"], "acting_user": request.user}
        match data["action"]:
            case "advance":
                services.case_advance(**common)
            case "request_closure":
                services.case_request_closure(
                    reason=data["reason"],
                    explanation=data["explanation"],
                    closing_message=data["closing_message"],
                    **common,
                )
            case "approve_closure":
                services.case_decide_closure(
                    approve=True,
                    comment=data["comment"],
                    closing_message=data["closing_message"],
                    justification=data["justification"],
                    **common,
                )
            case "send_back":
                services.case_decide_closure(
                    approve=False, comment=data["comment"], closing_message=data["closing_message"], **common
                )
            case "reopen":
                services.case_reopen(reason=data["reason"], **common)
        return Response(reloaded_case_detail(request, uuid))


class CaseAssignAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseAssignInput")
    class InputSerializer(serializers.Serializer):
        officer = officer_field(help_text="The officer's username.")
        second_officer = officer_field(required=False, allow_null=True, default=None)
        version = serializers.IntegerField(min_value=1, help_text="The case's version you started from.")

    @extend_schema(
        operation_id="case_assign",
        request=InputSerializer,
        responses={200: CaseDetailSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Assign the case to an officer, and optionally a second one (supervisors)",
    )
    def post(self, request, uuid):
        case = supervised_case(request, uuid).case
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.case_assign(
            case=case,
            officer=data["officer"],
            second_officer=data["second_officer"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return Response(reloaded_case_detail(request, uuid))


class CaseChildAddAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseChildInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        birth_date = serializers.DateField(required=False, allow_null=True, default=None)
        age = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            min_value=0,
            max_value=MAX_AGE,
            help_text="Today's age; 18 or more for a survivor who is an adult now (then age_at_incident is needed).",
        )
        age_at_incident = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            min_value=0,
            max_value=17,
            help_text="The age when the violence happened: the case is served by it.",
        )
        sex = ChildSexField(required=False, allow_blank=True, default="")
        education = serializers.ChoiceField(Education.choices, required=False, allow_blank=True, default="")
        disability = serializers.BooleanField(required=False, allow_null=True, default=None)
        guardian_contact = optional_text(100)

    @extend_schema_serializer(component_name="CaseChildAdded")
    class OutputSerializer(serializers.Serializer):
        child = ChildSerializer()
        possible_duplicates = serializers.ListField(
            child=serializers.CharField(),
            help_text="References of other cases you may open that may hold the same child.",
        )
        possible_duplicates_elsewhere = serializers.IntegerField(
            help_text="How many cases you may not open may hold the same child (tell a supervisor)."
        )

    @extend_schema(
        operation_id="case_child_add",
        request=InputSerializer,
        responses={201: OutputSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="Add a child to the case; other cases that may hold the same child are named",
    )
    def post(self, request, uuid):
        case = editable_case(request, uuid).case
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        child, duplicates = services.case_add_child(
            case=case, data=services.ChildInput(**serializer.validated_data), acting_user=request.user
        )
        references, hidden = visible_references(request.user, duplicates)
        output = self.OutputSerializer(
            {"child": child, "possible_duplicates": references, "possible_duplicates_elsewhere": hidden}
        )
        return Response(output.data, status=status.HTTP_201_CREATED)


class ServiceInputSerializer(serializers.Serializer):
    """Types here, the rules in cases.services.service_input_errors. On PATCH the serializer holds
    the service as `instance`: what the request leaves out keeps its current value."""

    service_type = serializers.ChoiceField(ServiceType.choices)
    provider = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Provider.objects.filter(active=True),
        help_text="The provider's name, from the agency's list of service providers.",
    )
    planned_on = serializers.DateField()
    status = ServiceStatusField(required=False, default=ServiceStatus.PLANNED)
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)
    consent_recorded = serializers.BooleanField(required=False, default=False)
    outcome = optional_text(5000)

    def validate(self, attrs):
        errors = services.service_input_errors(self.to_input(attrs))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_input(self, attrs) -> services.ServiceInput:
        names = [field.name for field in fields(services.ServiceInput)]
        values = {name: getattr(self.instance, name) for name in names} if self.instance is not None else {}
        values.update((name, attrs[name]) for name in names if name in attrs)
        return services.ServiceInput(**values)


class CaseServicePlanAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseServiceInput")
    class InputSerializer(ServiceInputSerializer):
        pass

    @extend_schema(
        operation_id="case_service_plan",
        request=InputSerializer,
        responses={201: ServiceSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="Plan a service for the case (the case plan)",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = services.service_plan(
            case=access.case, data=serializer.to_input(serializer.validated_data), acting_user=request.user
        )
        output = ServiceSerializer(service, context=case_context(request, access))
        return Response(output.data, status=status.HTTP_201_CREATED)


class CaseServiceUpdateAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseServiceUpdateInput")
    class InputSerializer(ServiceInputSerializer):
        version = serializers.IntegerField(
            min_value=1, help_text="The service's version this change started from (from the case detail)."
        )

        def validate(self, attrs):
            if "version" not in attrs:
                raise serializers.ValidationError({"version": [_("This field is required.")]}, code="required")
            return super().validate(attrs)

    @extend_schema(
        operation_id="case_service_update",
        request=InputSerializer,
        responses={200: ServiceSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="Change a service of the case: its status, dates, consent or outcome",
    )
    def patch(self, request, uuid, service_uuid):
        access = editable_case(request, uuid)
        service = CaseService.objects.filter(case=access.case, uuid=service_uuid).select_related("provider").first()
        if service is None:
            raise NotFound
        serializer = self.InputSerializer(service, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        service = services.service_update(
            service=service,
            data=serializer.to_input(serializer.validated_data),
            expected_version=serializer.validated_data["version"],
            acting_user=request.user,
        )
        return Response(ServiceSerializer(service, context=case_context(request, access)).data)


class CaseFollowUpRecordAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseFollowUpInput")
    class InputSerializer(serializers.Serializer):
        visited_on = serializers.DateField()
        safety = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
        physical_health = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
        emotional_wellbeing = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
        schooling = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
        family_support = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
        notes = optional_text(5000)
        next_follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)

        def validate(self, attrs):
            errors = services.follow_up_input_errors(services.FollowUpInput(**attrs))
            if errors:
                raise serializers.ValidationError(errors)
            return attrs

    @extend_schema(
        operation_id="case_follow_up_record",
        request=InputSerializer,
        responses={201: FollowUpSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary=f"Record a follow-up visit, scoring {', '.join(RECOVERY_DIMENSIONS)} from 1 to 4",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        follow_up = services.follow_up_record(
            case=access.case, data=services.FollowUpInput(**serializer.validated_data), acting_user=request.user
        )
        output = FollowUpSerializer(follow_up, context=case_context(request, access))
        return Response(output.data, status=status.HTTP_201_CREATED)


class CaseNoteAddAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseNoteInput")
    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=5000, allow_blank=True)

    @extend_schema(
        operation_id="case_note_add",
        request=InputSerializer,
        responses={201: NoteSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="Add a note to the case",
    )
    def post(self, request, uuid):
        case = editable_case(request, uuid).case
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.case_note_add(case=case, body=serializer.validated_data["body"], acting_user=request.user)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
