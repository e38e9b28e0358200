"""The staff API of triage: the report inbox, one report, and the decisions on it.

Officers and supervisors only. Every report is loaded through cases.access and every decision
goes through triage.services (a staff message through reports.services); their DomainError
becomes a 400 in core.api. Reports are named by their UUID or their reference, never by a
database id.
"""

import re

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.capabilities import Capability, user_can
from accounts.permissions import HasCapability
from areas.models import Kecamatan
from cases.access import access_report, cases_for, reports_for
from cases.models import Case
from cases.serializers import (
    DENIED_403,
    CaseListItemSerializer,
    CaseReferenceField,
    KelurahanField,
    ReportChannelField,
    ReportStatusField,
    SourceAgencyField,
    WithoutIdentitiesMixin,
    enum_field,
    officer_field,
)
from core.api import ERRORS_400, MISSING_404, PAGE_404, paginated
from core.fields import identifying_fields
from reports.choices import (
    MESSAGE_MAX_LENGTH,
    AuthorKind,
    Channel,
    ChildSex,
    LocationKind,
    Place,
    Priority,
    RejectionReason,
    ReporterRelation,
    ReporterRole,
    ViolenceType,
    YesNoUnknown,
)
from reports.choices import PerpetratorRelation as ReportedRelation
from reports.choices import Status as ReportStatus
from reports.models import WAITING_STATUSES, Report, ReportMessage
from reports.services import report_message_add

from . import services
from .selectors import report_inbox


class TriageAPIView(APIView):
    permission_classes = [HasCapability.of(Capability.TRIAGE)]


# --- Fields ------------------------------------------------------------------------------------


RejectionReasonField = enum_field(RejectionReason, "RejectionReasonEnum")


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
    channel = ReportChannelField(help_text="The door it came in by: the reporter's own, or recorded by staff.")
    source_agency = SourceAgencyField(allow_null=True, help_text="A referral: the kind of agency that sent it.")
    source_agency_name = serializers.CharField(help_text='A referral: the agency, e.g. "Unit PPA Polresta".')
    source_letter_number = serializers.CharField(help_text="A referral: the number of its letter.")
    source_letter_date = serializers.DateField(allow_null=True, help_text="A referral: the date of its letter.")
    received_at = serializers.DateTimeField()
    acknowledge_due_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    violence_types = ReportViolenceTypesField()
    danger_now = serializers.ChoiceField(YesNoUnknown.choices)
    injured = serializers.ChoiceField(YesNoUnknown.choices)
    child_age = serializers.IntegerField(allow_null=True)
    child_sex = serializers.ChoiceField(ChildSex.choices, allow_blank=True)
    place = serializers.ChoiceField(Place.choices, allow_blank=True)
    location_kind = serializers.ChoiceField(
        LocationKind.choices, help_text="kelurahan, or where a reporter who gave none said it happened."
    )
    kelurahan = serializers.CharField(source="kelurahan.name", allow_null=True, help_text="null: see location_kind.")
    kecamatan = serializers.CharField(source="kelurahan.kecamatan.name", allow_null=True)
    rt = serializers.IntegerField(source="rt.number", allow_null=True, help_text="The RT's number, if given.")
    duplicate_of = serializers.CharField(
        source="duplicate_of.reference", allow_null=True, help_text="The reference of the report it repeats."
    )
    case = serializers.CharField(
        source="case_link.case.reference", allow_null=True, help_text="The reference of the case it belongs to."
    )

    def get_overdue(self, report) -> bool:
        return report.is_overdue(timezone.now())


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
class ReportDetailSerializer(WithoutIdentitiesMixin, ReportListItemSerializer):
    """Identifying fields (the encrypted ones: narrative, names, contacts, the referral's contact
    person; and the messages) only for a reader who may see identities (SEE_IDENTITIES, as
    cases.access decides for a case); the channel and the referring agency for every reader."""

    identifying_fields = (*identifying_fields(Report), "messages")

    narrative = serializers.CharField()
    occurred_on = serializers.DateField(allow_null=True)
    ongoing = serializers.BooleanField()
    address_detail = serializers.CharField()
    child_name = serializers.CharField()
    child_disability = serializers.ChoiceField(YesNoUnknown.choices)
    perpetrator_relation = serializers.ChoiceField(ReportedRelation.choices, allow_blank=True)
    perpetrator_lives_with_child = serializers.ChoiceField(YesNoUnknown.choices)
    reporter_relation = serializers.ChoiceField(ReporterRelation.choices)
    reporter_role = serializers.ChoiceField(
        ReporterRole.choices, allow_blank=True, help_text="Staff intake: who the reporter is."
    )
    reporter_name = serializers.CharField(help_text="Staff intake: the reporter's name, when given.")
    reporter_contact = serializers.CharField()
    contact_consent = serializers.BooleanField()
    contact_consent_note = serializers.CharField(help_text="Staff intake: what was agreed about contacting them.")
    source_contact_person = serializers.CharField(help_text="A referral: the contact person at the agency.")
    recorded_by = serializers.CharField(
        source="submitted_by.username", allow_null=True, help_text="Staff intake: who recorded it."
    )
    rejection_reason = RejectionReasonField(allow_null=True, help_text="Set when rejected.")
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", allow_null=True)
    attachments = serializers.SerializerMethodField(help_text="How many files the report and its messages hold.")
    messages = ReportMessageSerializer(many=True)

    def get_attachments(self, report) -> int:
        return len(report.attachments.all())


def report_rows(user, **filters):
    """The inbox (selectors.report_inbox) with what a list item shows besides, in a fixed number
    of queries; the identifying fields are not loaded, and so never decrypted."""
    return (
        report_inbox(user=user, **filters)
        .select_related("rt", "duplicate_of", "case_link__case")
        .defer(
            *identifying_fields(Report),
            *identifying_fields(Report, through="duplicate_of"),
            *identifying_fields(Case, through="case_link__case"),
        )
    )


def report_state(request, report) -> dict:
    return ReportListItemSerializer(report_rows(request.user, statuses=()).get(pk=report.pk)).data


# --- Report views ------------------------------------------------------------------------------


class ReportListFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        ReportStatus.choices, required=False, help_text="Only this status; without it, new and acknowledged."
    )
    priority = serializers.ChoiceField(Priority.choices, required=False)
    kecamatan = serializers.CharField(required=False, help_text="The kecamatan's code or name.")
    channel = serializers.ChoiceField(
        Channel.choices, required=False, help_text="Only reports that came in by this door (staff intake included)."
    )

    def inbox_filters(self) -> dict | None:
        """The report_inbox arguments asked for; None when no kecamatan has the code or name given."""
        filters = self.validated_data
        arguments = {
            "statuses": (filters["status"],) if "status" in filters else WAITING_STATUSES,
            "priority": filters.get("priority", ""),
            "channel": filters.get("channel", ""),
        }
        if "kecamatan" in filters:
            name = filters["kecamatan"].strip()
            arguments["kecamatan"] = Kecamatan.objects.filter(Q(code=name) | Q(name__iexact=name)).first()
            if arguments["kecamatan"] is None:
                return None
        return arguments


class ReportListAPI(TriageAPIView):
    """GET /api/v1/reports/, whose POST is the reporter's (reports.api.ReportSubmitAPI): the
    URLconf sends each method to its own view."""

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
        arguments = filters.inbox_filters()
        reports = Report.objects.none() if arguments is None else report_rows(request.user, **arguments)
        return paginated(request, self, reports, ReportListItemSerializer)


class ReportDetailAPI(TriageAPIView):
    @extend_schema(
        operation_id="report_detail",
        responses={200: ReportDetailSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="One report with its content and messages; the reading is recorded in the audit trail",
        description=(
            "The door it came in by and, for a referral, the referring agency, its letter number and date. "
            "The reporter's identity and contact from a staff intake, the referral's contact person, the narrative, "
            "names and messages only for readers who may see identities."
        ),
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
        identities = user_can(request.user, Capability.SEE_IDENTITIES)
        services.report_record_view(
            report=report, acting_user=request.user, what="report" if identities else "report_summary"
        )
        return Response(ReportDetailSerializer(report, context={"identities": identities}).data)


class ReportAcknowledgeAPI(TriageAPIView):
    @extend_schema(
        operation_id="report_triage_acknowledge",
        request=None,
        responses={200: ReportListItemSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="Acknowledge a report (stops its escalation; doing it twice changes nothing)",
    )
    def post(self, request, uuid):
        report = access_report(request.user, uuid)
        services.report_acknowledge(report=report, acting_user=request.user)
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
        message = report_message_add(report=report, body=serializer.validated_data["body"], acting_user=request.user)
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
        services.report_change_priority(report=report, acting_user=request.user, **serializer.validated_data)
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
            services.report_mark_duplicate(
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
        description=(
            "reason adult_referred: the report is about an adult and is referred to the women's service of "
            "UPTD PPA (layanan perempuan), never simply rejected; the reporter's status says so and where to go."
        ),
    )
    def post(self, request, uuid):
        report = access_report(request.user, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.report_reject(report=report, reason=serializer.validated_data["reason"], acting_user=request.user)
        return Response(report_state(request, report))


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
        kelurahan = KelurahanField(
            help_text="For a report that names no kelurahan: the new case's (id or name), where the child lives.",
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
