"""The staff API of referrals and transfers, mounted under api/v1/cases/{uuid}/.

The same operations as the case page (cases.referral_views), through the same services
(cases.referrals) and the same access rules (cases.api.editable_case: 404 for a case one cannot
see, 403 for one one may only read). The head of agency reads referrals without the encrypted
fields (what is asked, who consented, the provider's feedback). Errors: 400 {field: [{message, code}]}.
"""

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api import ERRORS_400, MISSING_404
from core.fields import identifying_fields

from .access import access_case
from .api import STALE_400, CaseAPIView, case_context, editable_case
from .choices import ConsentItem, ReferralStatus
from .models import CaseTransfer, Provider, Referral
from .referral_selectors import referral_for
from .referrals import (
    LETTER_NUMBER_MAX,
    SHORT_TEXT,
    ReferralAnswerInput,
    ReferralInput,
    TransferInput,
    case_transfer,
    referral_answer,
    referral_answer_errors,
    referral_input_errors,
    referral_send,
    transfer_input_errors,
)
from .serializers import DENIED_403, StaffMemberSerializer, WithoutIdentitiesMixin, enum_field, optional_text

ReferralStatusField = enum_field(ReferralStatus, "CaseReferralStatusEnum")
ConsentItemField = enum_field(ConsentItem, "ConsentItemEnum")


@extend_schema_serializer(component_name="CaseReferral")
class ReferralSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    identifying_fields = identifying_fields(Referral)

    id = serializers.UUIDField(source="uuid")
    provider = serializers.CharField(source="provider.name")
    request = serializers.CharField(required=False, help_text="What is asked. Only for officers and supervisors.")
    consent_items = serializers.ListField(child=ConsentItemField(), help_text="What the consent to share covers.")
    consent_given_by = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    letter_number = serializers.CharField()
    sent_on = serializers.DateField()
    status = ReferralStatusField()
    answered_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    feedback = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    created_by = StaffMemberSerializer()
    version = serializers.IntegerField(help_text="Send it back with an answer; a stale one is refused.")


@extend_schema_serializer(component_name="CaseTransfer")
class TransferSerializer(WithoutIdentitiesMixin, serializers.Serializer):
    identifying_fields = identifying_fields(CaseTransfer)

    receiving_agency = serializers.CharField()
    letter_number = serializers.CharField()
    transferred_on = serializers.DateField()
    reason = serializers.CharField(required=False, help_text="Only for officers and supervisors.")
    created_by = StaffMemberSerializer()


def _errors_or(attrs, errors: dict[str, list[str]]):
    if errors:
        raise serializers.ValidationError(errors)
    return attrs


class CaseReferralListAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseReferralInput")
    class InputSerializer(serializers.Serializer):
        provider = serializers.SlugRelatedField(
            slug_field="name",
            queryset=Provider.objects.filter(active=True),
            help_text="The provider's name, from the agency's list of service providers.",
        )
        request = serializers.CharField(max_length=5000, allow_blank=True, help_text="What is asked of the provider.")
        consent_items = serializers.ListField(
            child=serializers.ChoiceField(ConsentItem.choices),
            allow_empty=True,
            help_text="What the consent to share covers; at least one, or the referral is refused.",
        )
        consent_given_by = serializers.CharField(max_length=SHORT_TEXT, allow_blank=True)
        letter_number = serializers.CharField(max_length=LETTER_NUMBER_MAX, allow_blank=True)
        sent_on = serializers.DateField()

        def validate(self, attrs):
            return _errors_or(attrs, referral_input_errors(ReferralInput(**attrs)))

    @extend_schema(
        operation_id="case_referral_list",
        responses={200: ReferralSerializer(many=True), 403: DENIED_403, 404: MISSING_404},
        summary="The case's outgoing referrals, oldest first",
        description="The head of agency gets them without what is asked, who consented and the feedback.",
    )
    def get(self, request, uuid):
        access = access_case(request.user, uuid)
        referrals = Referral.objects.filter(case=access.case).select_related("provider", "created_by")
        if not access.identities:
            referrals = referrals.defer(*identifying_fields(Referral))
        return Response(ReferralSerializer(referrals, many=True, context=case_context(request, access)).data)

    @extend_schema(
        operation_id="case_referral_send",
        request=InputSerializer,
        responses={201: ReferralSerializer, 400: ERRORS_400, 403: DENIED_403, 404: MISSING_404},
        summary="Record a referral sent to a provider, with the consent to share (refused without any)",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = referral_send(
            case=access.case, data=ReferralInput(**serializer.validated_data), acting_user=request.user
        )
        output = ReferralSerializer(referral, context=case_context(request, access))
        return Response(output.data, status=status.HTTP_201_CREATED)


class CaseReferralAnswerAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseReferralAnswerInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, help_text="The referral's version you started from.")
        status = ReferralStatusField(help_text="sent → accepted or refused; accepted → done or refused.")
        answered_on = serializers.DateField(required=False, allow_null=True, default=None)
        done_on = serializers.DateField(required=False, allow_null=True, default=None)
        feedback = optional_text(5000, help_text="The provider's feedback; needed when it refused.")

        def validate(self, attrs):
            data = ReferralAnswerInput(**{name: attrs[name] for name in ReferralAnswerInput.__dataclass_fields__})
            return _errors_or(attrs, referral_answer_errors(self.context["referral"], data))

    @extend_schema(
        operation_id="case_referral_answer",
        request=InputSerializer,
        responses={200: ReferralSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Record the provider's answer to a referral: accepted, refused or done, with dates and feedback",
    )
    def patch(self, request, uuid, referral_uuid):
        access = editable_case(request, uuid)
        referral = referral_for(access.case, referral_uuid, identities=True)
        if referral is None:
            raise NotFound
        serializer = self.InputSerializer(data=request.data, context={"referral": referral})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = referral_answer(
            referral=referral,
            data=ReferralAnswerInput(**{name: data[name] for name in ReferralAnswerInput.__dataclass_fields__}),
            expected_version=data["version"],
            acting_user=request.user,
        )
        return Response(ReferralSerializer(referral, context=case_context(request, access)).data)


class CaseTransferAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseTransferInput")
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1, help_text="The case's version you started from.")
        receiving_agency = serializers.CharField(max_length=SHORT_TEXT, allow_blank=True)
        letter_number = optional_text(LETTER_NUMBER_MAX)
        transferred_on = serializers.DateField()
        reason = serializers.CharField(max_length=5000, allow_blank=True)

        def validate(self, attrs):
            data = TransferInput(**{name: attrs[name] for name in TransferInput.__dataclass_fields__})
            return _errors_or(attrs, transfer_input_errors(data))

    @extend_schema(
        operation_id="case_transfer_detail",
        responses={200: TransferSerializer, 403: DENIED_403, 404: MISSING_404},
        summary="The case's transfer to another UPTD PPA, if it was transferred (404 otherwise)",
        description="The head of agency gets it without the reason.",
    )
    def get(self, request, uuid):
        access = access_case(request.user, uuid)
        transfers = CaseTransfer.objects.filter(case=access.case).select_related("created_by")
        if not access.identities:
            transfers = transfers.defer(*identifying_fields(CaseTransfer))
        transfer = transfers.first()
        if transfer is None:
            raise NotFound
        return Response(TransferSerializer(transfer, context=case_context(request, access)).data)

    @extend_schema(
        operation_id="case_transfer",
        request=InputSerializer,
        responses={201: TransferSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Transfer the case to another UPTD PPA: it closes as transferred and stays read-only",
        description="For the case's officers and supervisors. The hand-over packet prints from the case page.",
    )
    def post(self, request, uuid):
        access = editable_case(request, uuid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        transfer = case_transfer(
            case=access.case,
            data=TransferInput(**{name: data[name] for name in TransferInput.__dataclass_fields__}),
            expected_version=data["version"],
            acting_user=request.user,
        )
        return Response(
            TransferSerializer(transfer, context=case_context(request, access)).data, status=status.HTTP_201_CREATED
        )
