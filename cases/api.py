"""The staff API: triage of the report inbox, and case management.

Officers and supervisors triage reports. Cases are read by whoever cases.access lets see
them (an officer their own, a supervisor all, the head all but without identities) and
changed only by those who may edit them. Every object is loaded through cases.access and
every change goes through reports.services or cases.services; their DomainError becomes a
400 in core.api. Objects are named by their UUID or their reference, never by a database id.
"""

import re
from dataclasses import fields

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case as SqlCase
from django.db.models import Prefetch, Q, When, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.capabilities import Capability, holders
from accounts.permissions import HasCapability
from core.api import ERRORS_400, MISSING_404, PAGE_404
from reports import services as report_services
from reports.choices import (
    MESSAGE_MAX_LENGTH,
    AuthorKind,
    Channel,
    ChildSex,
    Place,
    Priority,
    RejectionReason,
    ReporterRelation,
    ViolenceType,
    YesNoUnknown,
)
from reports.choices import PerpetratorRelation as ReportedRelation
from reports.choices import Status as ReportStatus
from reports.models import Report, ReportMessage

from . import services
from .access import (
    CaseAccess,
    access_case,
    access_report,
    cases_for,
    reports_for,
    visible_references,
)
from .choices import (
    RECOVERY_DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    CaseStatus,
    ClosureReason,
    Education,
    PerpetratorRelation,
    RiskLevel,
    ServiceStatus,
    ServiceType,
)
from .models import Case, CaseNote, CaseReport, CaseService, FollowUp, Provider

STALE_400 = OpenApiResponse(
    description='Errors per field: {field: [{"message": ..., "code": ...}]}. A `version` older than the '
    'case\'s comes back as {"non_field_errors": [{"code": "stale_version", ...}]}: reload the case and retry.'
)
DENIED_403 = OpenApiResponse(
    description="Not logged in, second factor not given, a role without access, a case you may only read, "
    "or a supervisor's action (deciding a closure, reopening, assigning) asked for by someone else."
)

# Identifying fields that lists and triage answers neither show nor load (and so never decrypt).
REPORT_SECRETS = ("narrative", "address_detail", "child_name", "reporter_contact")
CASE_SECRETS = ("needs", "closure_explanation")
TRANSITIONS = ("advance", "request_closure", "approve_closure", "send_back", "reopen")
SUPERVISOR_TRANSITIONS = frozenset({"approve_closure", "send_back", "reopen"})


# --- Permissions -------------------------------------------------------------------------------


class TriageAPIView(APIView):
    permission_classes = [HasCapability.of(Capability.TRIAGE)]


class CaseAPIView(APIView):
    permission_classes = [HasCapability.of(Capability.READ_CASES)]


def paginated(request, view, queryset, serializer_class, context=None) -> Response:
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context=context or {}).data)


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


# --- Fields ------------------------------------------------------------------------------------


def enum_field(choices_class, component_name: str) -> type[serializers.ChoiceField]:
    """A ChoiceField whose enum is a schema component of its own name. The schema's automatic
    enum names clash where one field name carries several choice sets (`status` is already the
    reporter's three public states) or one choice set several field names; these name theirs.
    A blank value goes out as null."""

    @extend_schema_field({"type": "string", "enum": choices_class.values}, component_name=component_name)
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices_class.choices, **kwargs)

        def to_representation(self, value):
            return super().to_representation(value) or None

    return EnumField


ReportStatusField = enum_field(ReportStatus, "ReportTriageStatusEnum")
RejectionReasonField = enum_field(RejectionReason, "RejectionReasonEnum")
CaseStatusField = enum_field(CaseStatus, "CaseStatusEnum")
ServiceStatusField = enum_field(ServiceStatus, "CaseServiceStatusEnum")
ChildSexField = enum_field(ChildSex, "CaseChildSexEnum")


class ReportViolenceTypesField(serializers.ListField):
    child = serializers.ChoiceField(ViolenceType.choices)

    def to_representation(self, data):
        return sorted(row.violence_type for row in data.all())


@extend_schema_field(OpenApiTypes.STR)
class ReportReferenceField(serializers.SlugRelatedField):
    """A report by its reference, "LP-<year>-<number>", among those the caller may see."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="reference", queryset=Report.objects.all(), **kwargs)

    def to_internal_value(self, data):
        text = str(data).strip().upper()
        match = re.fullmatch(r"LP-\d{4}-(\d{1,12})", text)
        report = reports_for(self.context["request"].user).filter(pk=int(match[1])).first() if match else None
        if report is None or report.reference != text:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
        return report


@extend_schema_field(OpenApiTypes.STR)
class CaseReferenceField(serializers.SlugRelatedField):
    """A case by its reference, "BPN-<year>-<number>", among those the caller may see."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="reference", queryset=Case.objects.all(), **kwargs)

    def get_queryset(self):
        return cases_for(self.context["request"].user)

    def to_internal_value(self, data):
        return super().to_internal_value(str(data).strip().upper())


def officer_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="username", queryset=holders(Capability.TAKE_CASES), **kwargs)


def optional_text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, default="", max_length=max_length, **kwargs)


# --- Report output -----------------------------------------------------------------------------


@extend_schema_serializer(component_name="StaffReportListItem")
class ReportListItemSerializer(serializers.Serializer):
    """What a triage list shows: no narrative, no name, no address, no contact."""

    id = serializers.UUIDField(source="uuid")
    reference = serializers.CharField(help_text='e.g. "LP-2025-000123"; the one to read over the phone.')
    status = ReportStatusField()
    priority = serializers.ChoiceField(Priority.choices)
    priority_reason = serializers.CharField()
    overdue = serializers.SerializerMethodField(help_text="Not acknowledged and past its deadline.")
    channel = serializers.ChoiceField(Channel.choices)
    received_at = serializers.DateTimeField()
    acknowledge_due_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    violence_types = ReportViolenceTypesField()
    danger_now = serializers.ChoiceField(YesNoUnknown.choices)
    injured = serializers.ChoiceField(YesNoUnknown.choices)
    child_age = serializers.IntegerField(allow_null=True)
    child_sex = serializers.ChoiceField(ChildSex.choices, allow_blank=True)
    place = serializers.ChoiceField(Place.choices, allow_blank=True)
    kelurahan = serializers.CharField(source="kelurahan.name")
    kecamatan = serializers.CharField(source="kelurahan.kecamatan.name")
    rt = serializers.IntegerField(source="rt.number", allow_null=True, help_text="The RT's number, if given.")
    duplicate_of = serializers.CharField(
        source="duplicate_of.reference", allow_null=True, help_text="The reference of the report it repeats."
    )
    case = serializers.CharField(
        source="case_link.case.reference", allow_null=True, help_text="The reference of the case it belongs to."
    )

    def get_overdue(self, report) -> bool:
        return report.acknowledged_at is None and timezone.now() > report.acknowledge_due_at


@extend_schema_serializer(component_name="StaffReportMessage")
class ReportMessageSerializer(serializers.Serializer):
    sender = serializers.ChoiceField(AuthorKind.choices, source="author_kind")
    author = serializers.CharField(source="author.username", allow_null=True, help_text="Staff only.")
    body = serializers.CharField()
    sent_at = serializers.DateTimeField(source="created_at")
    attachments = serializers.SerializerMethodField()

    def get_attachments(self, message) -> int:
        return len(message.attachments.all())


@extend_schema_serializer(component_name="StaffReportDetail")
class ReportDetailSerializer(ReportListItemSerializer):
    narrative = serializers.CharField()
    occurred_on = serializers.DateField(allow_null=True)
    ongoing = serializers.BooleanField()
    address_detail = serializers.CharField()
    child_name = serializers.CharField()
    child_disability = serializers.ChoiceField(YesNoUnknown.choices)
    perpetrator_relation = serializers.ChoiceField(ReportedRelation.choices, allow_blank=True)
    perpetrator_lives_with_child = serializers.ChoiceField(YesNoUnknown.choices)
    reporter_relation = serializers.ChoiceField(ReporterRelation.choices)
    reporter_contact = serializers.CharField()
    contact_consent = serializers.BooleanField()
    rejection_reason = RejectionReasonField(allow_null=True, help_text="Set when rejected.")
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", allow_null=True)
    attachments = serializers.SerializerMethodField(help_text="How many files the report and its messages hold.")
    messages = ReportMessageSerializer(many=True)

    def get_attachments(self, report) -> int:
        return len(report.attachments.all())


def report_rows(user):
    """Reports for lists and triage answers, with a fixed number of queries."""
    return (
        reports_for(user)
        .select_related("kelurahan__kecamatan", "rt", "duplicate_of", "case_link__case")
        .prefetch_related("violence_types")
        .defer(
            *REPORT_SECRETS,
            *(f"duplicate_of__{name}" for name in REPORT_SECRETS),
            *(f"case_link__case__{name}" for name in CASE_SECRETS),
        )
    )


def report_state(request, report) -> dict:
    return ReportListItemSerializer(report_rows(request.user).get(pk=report.pk)).data


# --- Report views ------------------------------------------------------------------------------


class ReportListFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        ReportStatus.choices, required=False, help_text="Only this status; without it, new and acknowledged."
    )
    priority = serializers.ChoiceField(Priority.choices, required=False)
    kecamatan = serializers.CharField(required=False, help_text="The kecamatan's code or name.")

    def apply(self, queryset):
        filters = self.validated_data
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        else:
            queryset = queryset.filter(status__in=[ReportStatus.NEW, ReportStatus.ACKNOWLEDGED])
        if "priority" in filters:
            queryset = queryset.filter(priority=filters["priority"])
        if "kecamatan" in filters:
            name = filters["kecamatan"].strip()
            queryset = queryset.filter(Q(kelurahan__kecamatan__code=name) | Q(kelurahan__kecamatan__name__iexact=name))
        # Priority.values run from the most urgent down.
        urgency = SqlCase(*(When(priority=value, then=rank) for rank, value in enumerate(Priority.values)))
        return queryset.order_by(urgency, "acknowledge_due_at", "received_at", "pk")


class ReportListAPI(TriageAPIView):
    """Served at GET /api/v1/reports/ through reports.api.ReportSubmitAPI, which owns the address
    (POST there is the anonymous submission); `get` uses nothing but its arguments for that."""

    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(
        operation_id="report_list",
        parameters=[ReportListFilterSerializer],
        responses={200: ReportListItemSerializer(many=True), 400: ERRORS_400, 403: DENIED_403, 404: PAGE_404},
        summary="The report inbox: most urgent first, then by acknowledgement deadline (officers, supervisors)",
    )
    def get(self, request):
        filters = ReportListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginated(request, self, filters.apply(report_rows(request.user)), ReportListItemSerializer)


class ReportDetailAPI(TriageAPIView):
    @extend_schema(
        operation_id="report_detail",
        responses={200: ReportDetailSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="One report with its content and messages; the reading is recorded in the audit trail",
    )
    def get(self, request, uuid):
        report = access_report(request.user, uuid)
        prefetch_related_objects(
            [report],
            "violence_types",
            "attachments",
            Prefetch(
                "messages", queryset=ReportMessage.objects.select_related("author").prefetch_related("attachments")
            ),
        )
        services.report_record_view(report=report, acting_user=request.user)
        return Response(ReportDetailSerializer(report).data)


class ReportAcknowledgeAPI(TriageAPIView):
    @extend_schema(
        operation_id="report_triage_acknowledge",
        request=None,
        responses={200: ReportListItemSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="Acknowledge a report (stops its escalation; doing it twice changes nothing)",
    )
    def post(self, request, uuid):
        report = access_report(request.user, uuid)
        report_services.report_acknowledge(report=report, acting_user=request.user)
        return Response(report_state(request, report))


class ReportStaffMessageAPI(TriageAPIView):
    @extend_schema_serializer(component_name="ReportTriageMessageInput")
    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH, allow_blank=True)

    @extend_schema(
        operation_id="report_triage_message",
        request=InputSerializer,
        responses={
            201: ReportMessageSerializer,
            400: ERRORS_400,
            403: DENIED_403,
            404: MISSING_404,
        },
        summary="Write to the reporter (they read it with their receipt code)",
    )
    def post(self, request, uuid):
        report = access_report(request.user, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = report_services.report_message_add(
            report=report, body=serializer.validated_data["body"], acting_user=request.user
        )
        return Response(ReportMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ReportPriorityAPI(TriageAPIView):
    @extend_schema_serializer(component_name="ReportTriagePriorityInput")
    class InputSerializer(serializers.Serializer):
        priority = serializers.ChoiceField(Priority.choices)
        reason = serializers.CharField(max_length=300, allow_blank=True, help_text="Why; required.")

    @extend_schema(
        operation_id="report_triage_priority",
        request=InputSerializer,
        responses={
            200: ReportListItemSerializer,
            400: ERRORS_400,
            403: DENIED_403,
            404: MISSING_404,
        },
        summary="Change a report's priority, saying why (moves its acknowledgement deadline)",
    )
    def post(self, request, uuid):
        report = access_report(request.user, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report_services.report_change_priority(report=report, acting_user=request.user, **serializer.validated_data)
        return Response(report_state(request, report))


class ReportDuplicateAPI(TriageAPIView):
    @extend_schema_serializer(component_name="ReportTriageDuplicateInput")
    class InputSerializer(serializers.Serializer):
        of_report = ReportReferenceField(required=False, help_text='The report it repeats, e.g. "LP-2025-000123".')
        of_case = CaseReferenceField(required=False, help_text='The case it belongs to, e.g. "BPN-2025-00001".')

        def validate(self, attrs):
            if ("of_report" in attrs) == ("of_case" in attrs):
                raise serializers.ValidationError(
                    _("Name either the report or the case this report repeats, not both."), code="required"
                )
            return attrs

    @extend_schema(
        operation_id="report_triage_duplicate",
        request=InputSerializer,
        responses={
            200: ReportListItemSerializer,
            400: ERRORS_400,
            403: DENIED_403,
            404: MISSING_404,
        },
        summary="Mark a report as a duplicate of another report or of a case (give one of the two)",
    )
    def post(self, request, uuid):
        report = access_report(request.user, uuid)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        if "of_report" in serializer.validated_data:
            report_services.report_mark_duplicate(
                report=report, of_report=serializer.validated_data["of_report"], acting_user=request.user
            )
        else:
            services.report_mark_duplicate_of_case(
                report=report, case=serializer.validated_data["of_case"], acting_user=request.user
            )
        return Response(report_state(request, report))


class ReportRejectAPI(TriageAPIView):
    @extend_schema_serializer(component_name="ReportTriageRejectInput")
    class InputSerializer(serializers.Serializer):
        reason = RejectionReasonField()

    @extend_schema(
        operation_id="report_triage_reject",
        request=InputSerializer,
        responses={
            200: ReportListItemSerializer,
            400: ERRORS_400,
            403: DENIED_403,
            404: MISSING_404,
        },
        summary="Reject a report, with a reason from the list",
    )
    def post(self, request, uuid):
        report = access_report(request.user, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report_services.report_reject(
            report=report, reason=serializer.validated_data["reason"], acting_user=request.user
        )
        return Response(report_state(request, report))


# --- Case output -------------------------------------------------------------------------------


class WithoutIdentitiesMixin:
    """Leaves `identifying_fields` out of answers to a reader without identities (the head).

    Views say whom an answer is for with context["identities"] (CaseAccess.identities); an
    answer without it fails instead of showing everything. The schema documents every field.
    """

    identifying_fields: tuple[str, ...] = ()

    def get_fields(self):
        declared = super().get_fields()
        if self.context.get("identities") is False:
            for name in self.identifying_fields:
                del declared[name]
        return declared

    def to_representation(self, instance):
        if "identities" not in self.context:
            raise ImproperlyConfigured("Say whether the reader sees identities: context['identities'].")
        return super().to_representation(instance)


def case_context(request, access: CaseAccess) -> dict:
    return {"request": request, "identities": access.identities, "can_edit": access.can_edit}


@extend_schema_serializer(component_name="StaffMember")
class StaffMemberSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


@extend_schema_serializer(component_name="CaseListItem")
class CaseListItemSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    reference = serializers.CharField(help_text='e.g. "BPN-2025-00001".')
    status = CaseStatusField()
    risk_level = serializers.ChoiceField(RiskLevel.choices, allow_blank=True)
    violence_types = serializers.ListField(child=serializers.ChoiceField(ViolenceType.choices))
    place = serializers.ChoiceField(Place.choices, allow_blank=True)
    kelurahan = serializers.CharField(source="kelurahan.name")
    kecamatan = serializers.CharField(source="kelurahan.kecamatan.name")
    rt = serializers.IntegerField(source="rt.number", allow_null=True)
    assigned_officer = StaffMemberSerializer()
    second_officer = StaffMemberSerializer(allow_null=True)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Send it back with every change of the case itself.")
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="CaseReportLink")
class CaseReportSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="report.uuid")
    reference = serializers.CharField(source="report.reference")
    status = ReportStatusField(source="report.status")
    received_at = serializers.DateTimeField(source="report.received_at")


@extend_schema_serializer(component_name="CaseChild")
class ChildSerializer(serializers.Serializer):
    name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    age = serializers.IntegerField(allow_null=True)
    sex = ChildSexField(allow_null=True)
    education = serializers.ChoiceField(Education.choices, allow_blank=True)
    disability = serializers.BooleanField(allow_null=True)
    guardian_contact = serializers.CharField()
    added_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="CasePerpetrator")
class PerpetratorSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    identifying_fields = ("description",)

    relation = serializers.ChoiceField(PerpetratorRelation.choices)
    lives_with_child = serializers.BooleanField(allow_null=True)
    description = serializers.CharField(required=False, help_text="Only for officers and supervisors.")


@extend_schema_serializer(component_name="CaseService")
class ServiceSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    identifying_fields = ("outcome",)

    id = serializers.UUIDField(source="uuid")
    service_type = serializers.ChoiceField(ServiceType.choices)
    provider = serializers.CharField(source="provider.name")
    planned_on = serializers.DateField()
    started_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    status = ServiceStatusField()
    consent_recorded = serializers.BooleanField()
    outcome = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    version = serializers.IntegerField(help_text="Send it back with an update; a stale one is refused.")


@extend_schema_serializer(component_name="CaseFollowUp")
class FollowUpSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    identifying_fields = ("notes",)

    visited_on = serializers.DateField()
    visited_by = StaffMemberSerializer()
    safety = serializers.IntegerField()
    physical_health = serializers.IntegerField()
    emotional_wellbeing = serializers.IntegerField()
    schooling = serializers.IntegerField()
    family_support = serializers.IntegerField()
    notes = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    next_follow_up_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="CaseNote")
class NoteSerializer(serializers.Serializer):
    author = StaffMemberSerializer()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="CaseDetail")
class CaseDetailSerializer(WithoutIdentitiesMixin, CaseListItemSerializer):
    identifying_fields = ("needs", "closure_explanation", "children", "notes")

    can_edit = serializers.SerializerMethodField(help_text="Whether you may change this case.")
    needs = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    closure_reason = serializers.ChoiceField(ClosureReason.choices, allow_blank=True)
    closure_explanation = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    reports = CaseReportSerializer(source="case_reports", many=True)
    children = ChildSerializer(many=True, required=False, help_text="Only for officers and supervisors.")
    perpetrators = PerpetratorSerializer(many=True)
    services = ServiceSerializer(many=True)
    follow_ups = FollowUpSerializer(many=True)
    notes = NoteSerializer(many=True, required=False, help_text="Only for officers and supervisors; newest first.")

    def get_can_edit(self, case) -> bool:
        return self.context["can_edit"]


def case_detail(request, access: CaseAccess) -> dict:
    """The case with everything its detail shows, loaded once; identities only for those who see them."""
    report_fields = (f"report__{name}" for name in REPORT_SECRETS)
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


# --- Accepting a report: the only way a case is opened -----------------------------------------


class ReportAcceptAPI(TriageAPIView):
    @extend_schema_serializer(component_name="ReportTriageAcceptInput")
    class InputSerializer(serializers.Serializer):
        case = CaseReferenceField(
            required=False, allow_null=True, default=None, help_text="Join this open case instead of opening one."
        )
        officer = officer_field(
            required=False,
            allow_null=True,
            default=None,
            help_text="Supervisors: the officer who takes the new case (username). Without it, you take it.",
        )

    @extend_schema(
        operation_id="report_triage_accept",
        request=InputSerializer,
        responses={
            201: CaseListItemSerializer,
            400: ERRORS_400,
            403: DENIED_403,
            404: MISSING_404,
        },
        summary="Accept a report: open a case for it, or add it to an existing case",
        description="This is the only way a case is created: there is no POST on /cases/.",
    )
    def post(self, request, uuid):
        report = access_report(request.user, uuid)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        case = services.report_accept(report=report, acting_user=request.user, **serializer.validated_data)
        output = CaseListItemSerializer(cases_for(request.user).get(pk=case.pk))
        return Response(output.data, status=status.HTTP_201_CREATED)


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
        cases = cases_for(request.user).defer(*CASE_SECRETS)
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
                services.case_request_closure(reason=data["reason"], explanation=data["explanation"], **common)
            case "approve_closure":
                services.case_decide_closure(approve=True, comment=data["comment"], **common)
            case "send_back":
                services.case_decide_closure(approve=False, comment=data["comment"], **common)
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
        age = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=17)
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
