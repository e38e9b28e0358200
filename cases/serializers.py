"""The staff API's fields and its answers about cases: what a case looks like on the wire, for
cases.api and for triage.api (accepting a report answers with the case it opened). Identifying
fields (core.fields.identifying_fields: the encrypted ones) are left out for a reader without
identities (`WithoutIdentitiesMixin`) and never loaded for lists."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.capabilities import Capability, holders
from core import fields
from reports.choices import Channel, ChildSex, Place, SourceAgency, ViolenceType
from reports.choices import Status as ReportStatus
from reports.selectors import kelurahan_by_id_or_name

from .access import cases_for
from .choices import (
    CaseStatus,
    ClosureReason,
    Education,
    PerpetratorRelation,
    PerpetratorSex,
    RiskLevel,
    ServiceStatus,
    ServiceType,
)
from .legal_hold import legal_hold_state
from .models import Case, CaseService, FollowUp, Perpetrator

DENIED_403 = OpenApiResponse(
    description="Not logged in, second factor not given, a role without access, a case you may only read, "
    "or a supervisor's action (deciding a closure, reopening, assigning) asked for by someone else."
)


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
ReportChannelField = enum_field(Channel, "ReportChannelEnum")
SourceAgencyField = enum_field(SourceAgency, "SourceAgencyEnum")
CaseStatusField = enum_field(CaseStatus, "CaseStatusEnum")
ServiceStatusField = enum_field(ServiceStatus, "CaseServiceStatusEnum")
ChildSexField = enum_field(ChildSex, "CaseChildSexEnum")
PerpetratorSexField = enum_field(PerpetratorSex, "CasePerpetratorSexEnum")


@extend_schema_field(OpenApiTypes.STR)
class CaseReferenceField(serializers.SlugRelatedField):
    """A case by its reference, "BPN-<year>-<number>", among those the caller may see."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="reference", queryset=Case.objects.all(), **kwargs)

    def get_queryset(self):
        return cases_for(self.context["request"].user)

    def to_internal_value(self, data):
        return super().to_internal_value(str(data).strip().upper())


class KelurahanField(serializers.CharField):
    """A kelurahan by its id or its name (reports.selectors.kelurahan_by_id_or_name), optional:
    blank or left out is None. The public report API and the triage accept share it."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_blank=True, default="", **kwargs)

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data).strip()
        if not value:
            return None
        kelurahan = kelurahan_by_id_or_name(value)
        if kelurahan is None:
            raise serializers.ValidationError(_("Choose a kelurahan from the list."))
        return kelurahan


def officer_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="username", queryset=holders(Capability.TAKE_CASES), **kwargs)


def optional_text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, default="", max_length=max_length, **kwargs)


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
                declared.pop(name, None)
        return declared

    def to_representation(self, instance):
        if "identities" not in self.context:
            raise ImproperlyConfigured("Say whether the reader sees identities: context['identities'].")
        return super().to_representation(instance)


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
    channel = ReportChannelField(source="report.channel")
    source_agency = SourceAgencyField(source="report.source_agency", allow_null=True)
    source_agency_name = serializers.CharField(source="report.source_agency_name")
    source_letter_number = serializers.CharField(source="report.source_letter_number")
    source_letter_date = serializers.DateField(source="report.source_letter_date", allow_null=True)


@extend_schema_serializer(component_name="CaseChild")
class ChildSerializer(serializers.Serializer):
    name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    age = serializers.IntegerField(allow_null=True, help_text="Today's age (18 or more for a survivor now adult).")
    age_at_incident = serializers.IntegerField(allow_null=True, help_text="The age when it happened (0-17).")
    sex = ChildSexField(allow_null=True)
    education = serializers.ChoiceField(Education.choices, allow_blank=True)
    disability = serializers.BooleanField(allow_null=True)
    guardian_contact = serializers.CharField()
    added_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="CasePerpetrator")
class PerpetratorSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    identifying_fields = fields.identifying_fields(Perpetrator)

    relation = serializers.ChoiceField(PerpetratorRelation.choices)
    lives_with_child = serializers.BooleanField(allow_null=True)
    sex = PerpetratorSexField(allow_null=True)
    age = serializers.IntegerField(allow_null=True)
    is_child = serializers.BooleanField(
        allow_null=True,
        help_text="A child in conflict with the law (ABH, UU 11/2012 SPPA): from the age when known; null: not known.",
    )
    description = serializers.CharField(required=False, help_text="Only for officers and supervisors.")


@extend_schema_serializer(component_name="CaseService")
class ServiceSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    identifying_fields = fields.identifying_fields(CaseService)

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
    identifying_fields = fields.identifying_fields(FollowUp)

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


@extend_schema_serializer(component_name="CaseLegalHold")
class LegalHoldSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    """cases.legal_hold.LegalHoldState: the retention schedule leaves a held case alone."""

    identifying_fields = ("reason",)

    held = serializers.BooleanField(help_text="Held by a supervisor's decision or by an open legal process.")
    held_at = serializers.DateTimeField(allow_null=True, help_text="A supervisor's hold: since when; null: none.")
    held_by = StaffMemberSerializer(allow_null=True)
    reason = serializers.CharField(
        required=False, help_text="Why the supervisor holds it; blank when not held. Only for officers and supervisors."
    )
    by_legal_process = serializers.BooleanField(
        help_text="An open legal process (from the police report until a verdict with no appeal, or a stop) holds it."
    )


@extend_schema_serializer(component_name="CaseDetail")
class CaseDetailSerializer(WithoutIdentitiesMixin, CaseListItemSerializer):
    identifying_fields = (*fields.identifying_fields(Case), "children", "notes")

    can_edit = serializers.SerializerMethodField(help_text="Whether you may change this case.")
    occurred_on = serializers.DateField(
        allow_null=True, help_text="The date of the incident (the children's ages at the incident count from it)."
    )
    simfoni_number = serializers.CharField(help_text="The SIMFONI-PPA registration number; blank if not entered yet.")
    needs = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    closure_reason = serializers.ChoiceField(ClosureReason.choices, allow_blank=True)
    closure_explanation = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    closure_justification = serializers.CharField(
        required=False,
        help_text="The supervisor's written reason for closing a case with high risk, a low score or an open legal "
        "process. Only for officers and supervisors.",
    )
    closing_message = serializers.CharField(
        required=False,
        help_text="The officer's closing message to the reporter, held until the closure is approved. Only for "
        "officers and supervisors.",
    )
    reports = CaseReportSerializer(source="case_reports", many=True)
    children = ChildSerializer(many=True, required=False, help_text="Only for officers and supervisors.")
    perpetrators = PerpetratorSerializer(many=True)
    services = ServiceSerializer(many=True)
    follow_ups = FollowUpSerializer(many=True)
    notes = NoteSerializer(many=True, required=False, help_text="Only for officers and supervisors; newest first.")
    legal_hold = serializers.SerializerMethodField(
        help_text="Whether the retention schedule must leave the case alone; placed and released with "
        "POST /api/v1/cases/{id}/legal-hold/ (supervisors)."
    )

    def get_can_edit(self, case) -> bool:
        return self.context["can_edit"]

    @extend_schema_field(LegalHoldSerializer)
    def get_legal_hold(self, case) -> dict:
        return LegalHoldSerializer(legal_hold_state(case), context=self.context).data
