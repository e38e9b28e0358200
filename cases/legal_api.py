"""The staff API of a case's legal process and perpetrators (cases.legal, cases.services): read the
legal record with its hearings and the UU TPKS Pasal 41 deadline, change it, record that it went to
the police (or why not), add a hearing, add a perpetrator. Read by whoever may read the case (the
head of agency without the encrypted fields), changed only by those who work on it (403 otherwise);
a DomainError is a 400 per field (core.api)."""

from datetime import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api import ERRORS_400, MISSING_404
from core.fields import identifying_fields

from . import legal, services
from .access import CaseAccess, access_case
from .api import STALE_400, CaseAPIView, case_context, editable_case
from .choices import MAX_AGE, LegalStage, PerpetratorRelation, RequestStatus
from .models import CourtHearing, LegalRecord
from .serializers import (
    DENIED_403,
    PerpetratorSerializer,
    PerpetratorSexField,
    WithoutIdentitiesMixin,
    enum_field,
    optional_text,
)

LegalStageField = enum_field(LegalStage, "LegalStageEnum")
RequestStatusField = enum_field(RequestStatus, "LegalRequestStatusEnum")
POLICE_ACTIONS = ("referred", "waived")


@extend_schema_serializer(component_name="CaseCourtHearing")
class HearingSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    identifying_fields = identifying_fields(CourtHearing)

    id = serializers.IntegerField(source="pk")
    held_at = serializers.DateTimeField()
    court = serializers.CharField()
    note = serializers.CharField(required=False, help_text="Only for officers and supervisors.")


@extend_schema_serializer(component_name="CasePoliceDeadline")
class PoliceDeadlineSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(help_text="3x24 hours after the report was received (UU TPKS Pasal 41).")
    state = serializers.ChoiceField(["open", "referred", "waived"])
    overdue = serializers.BooleanField()
    text = serializers.CharField(help_text="How it stands, in the reader's language.")


@extend_schema_serializer(component_name="CaseLegalRecord")
class LegalRecordSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    identifying_fields = identifying_fields(LegalRecord)

    stage = LegalStageField()
    police_unit = serializers.CharField()
    police_report_number = serializers.CharField()
    police_reported_on = serializers.DateField(allow_null=True)
    police_due_at = serializers.DateTimeField(
        allow_null=True, help_text="Sexual violence: pass it to the police by then (UU TPKS Pasal 41)."
    )
    police_referred_at = serializers.DateTimeField(allow_null=True)
    police_waived_at = serializers.DateTimeField(allow_null=True)
    police_waiver_reason = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    visum_requested_on = serializers.DateField(allow_null=True)
    visum_done_on = serializers.DateField(allow_null=True)
    verdict_on = serializers.DateField(allow_null=True)
    verdict_outcome = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    restitution = RequestStatusField(allow_blank=True, allow_null=True)
    lpsk_protection = RequestStatusField(allow_blank=True, allow_null=True)
    version = serializers.IntegerField(help_text="Send it back with a change; a stale one is refused.")


@extend_schema_serializer(component_name="CaseLegal")
class LegalSerializer(serializers.Serializer):
    record = LegalRecordSerializer(allow_null=True, help_text="Null until something is recorded.")
    police_deadline = PoliceDeadlineSerializer(
        source="police", allow_null=True, help_text="Sexual violence only: the UU TPKS Pasal 41 deadline."
    )
    hearings = HearingSerializer(many=True)
    child_perpetrators = serializers.IntegerField(
        help_text="Perpetrators who are children in conflict with the law (ABH)."
    )


def legal_answer(request, access: CaseAccess) -> dict:
    page = legal.legal_page(case=access.case, now=timezone.now())
    return LegalSerializer(page, context=case_context(request, access)).data


class CaseLegalAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseLegalInput")
    class InputSerializer(serializers.Serializer):
        """Types here, the rules in cases.legal.legal_input_errors. What the request leaves out
        keeps its current value."""

        version = serializers.IntegerField(min_value=1, help_text="The legal record's version (1 before it exists).")
        stage = LegalStageField(required=False)
        police_unit = serializers.CharField(required=False, allow_blank=True, max_length=legal.NAME_MAX_LENGTH)
        police_report_number = serializers.CharField(
            required=False, allow_blank=True, max_length=legal.NUMBER_MAX_LENGTH
        )
        police_reported_on = serializers.DateField(required=False, allow_null=True)
        visum_requested_on = serializers.DateField(required=False, allow_null=True)
        visum_done_on = serializers.DateField(required=False, allow_null=True)
        verdict_on = serializers.DateField(required=False, allow_null=True)
        verdict_outcome = serializers.CharField(required=False, allow_blank=True, max_length=legal.TEXT_MAX_LENGTH)
        restitution = RequestStatusField(required=False, allow_blank=True)
        lpsk_protection = RequestStatusField(required=False, allow_blank=True)

    @extend_schema(
        operation_id="case_legal",
        responses={200: LegalSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="The case's legal process: record, UU TPKS Pasal 41 deadline, court hearings",
        description="The head of agency reads it without the encrypted fields (waiver reason, verdict, notes).",
    )
    def get(self, request, uuid):
        return Response(legal_answer(request, access_case(request.user, uuid)))

    @extend_schema(
        operation_id="case_legal_update",
        request=InputSerializer,
        responses={200: LegalSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Record where the case stands with the police and the courts",
        description="A stage past belum_dilaporkan means the police have it: the Pasal 41 duty is then met.",
    )
    def patch(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        version = values.pop("version")
        record = LegalRecord.objects.filter(case=access.case).first()
        current = (
            {name: getattr(record, name) for name in legal.LegalRecordInput.__dataclass_fields__} if record else {}
        )
        data = legal.LegalRecordInput(**{**current, **values})
        errors = legal.legal_input_errors(data, today=timezone.localdate())
        if errors:
            raise serializers.ValidationError(errors)
        legal.legal_record_update(case=access.case, data=data, expected_version=version, acting_user=request.user)
        return Response(legal_answer(request, access))


class CaseLegalPoliceAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseLegalPoliceInput")
    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(
            POLICE_ACTIONS, help_text="referred: passed to the police; waived: not passed, with the reason."
        )
        version = serializers.IntegerField(min_value=1, help_text="The legal record's version (1 before it exists).")
        police_unit = optional_text(legal.NAME_MAX_LENGTH, help_text='referred: e.g. "Unit PPA Polresta Balikpapan".')
        referred_at = serializers.DateTimeField(
            required=False, allow_null=True, default=None, help_text="referred: when (default now)."
        )
        reason = optional_text(legal.TEXT_MAX_LENGTH, help_text="waived (required): why it is not passed.")

    @extend_schema(
        operation_id="case_legal_police",
        request=InputSerializer,
        responses={200: LegalSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="UU TPKS Pasal 41: record that the report went to the police, or why not",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["action"] == "referred":
            referred_at: datetime | None = data["referred_at"]
            legal.legal_police_refer(
                case=access.case,
                police_unit=data["police_unit"],
                referred_at=referred_at,
                expected_version=data["version"],
                acting_user=request.user,
            )
        else:
            legal.legal_police_waive(
                case=access.case, reason=data["reason"], expected_version=data["version"], acting_user=request.user
            )
        return Response(legal_answer(request, access))


class CaseHearingAddAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseHearingInput")
    class InputSerializer(serializers.Serializer):
        held_at = serializers.DateTimeField()
        court = optional_text(legal.NAME_MAX_LENGTH, help_text='For example "PN Balikpapan".')
        note = optional_text(legal.TEXT_MAX_LENGTH)

    @extend_schema(
        operation_id="case_hearing_add",
        request=InputSerializer,
        responses={201: HearingSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="Add a court hearing; the case's officers are reminded of it",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hearing = legal.court_hearing_add(case=access.case, acting_user=request.user, **serializer.validated_data)
        output = HearingSerializer(hearing, context=case_context(request, access))
        return Response(output.data, status=status.HTTP_201_CREATED)


class CasePerpetratorAddAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CasePerpetratorInput")
    class InputSerializer(serializers.Serializer):
        relation = serializers.ChoiceField(PerpetratorRelation.choices)
        lives_with_child = serializers.BooleanField(required=False, allow_null=True, default=None)
        sex = PerpetratorSexField(required=False, allow_blank=True, default="")
        age = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=MAX_AGE)
        is_child = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text="When the age is not known; with an age, the age decides (a contradiction is refused).",
        )
        description = optional_text(legal.TEXT_MAX_LENGTH)

    @extend_schema(
        operation_id="case_perpetrator_add",
        request=InputSerializer,
        responses={201: PerpetratorSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="Add a perpetrator, with sex and age; under 18 is a child in conflict with the law (ABH)",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        perpetrator = services.case_add_perpetrator(
            case=access.case, acting_user=request.user, **serializer.validated_data
        )
        output = PerpetratorSerializer(perpetrator, context=case_context(request, access))
        return Response(output.data, status=status.HTTP_201_CREATED)
