"""The staff API of the legal hold (cases.legal_hold): the hold is read on the case itself
(`legal_hold` in GET /api/v1/cases/{id}/); placing and releasing it is one action here, for those
who may hold a case (`Capability.PLACE_LEGAL_HOLD`: 403 for anyone else, before the body is read;
404 for a case the caller cannot see). A refusal is a 400 per field with a code (core.api):
`reason` (invalid), or non-field `already_held`, `not_held`, `deidentified`, `stale_version`."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import MISSING_404

from . import legal_hold
from .access import access_case
from .api import STALE_400, CaseAPIView, reloaded_case_detail
from .serializers import DENIED_403, CaseDetailSerializer

ACTIONS = ("place", "release")


class CaseLegalHoldAPI(CaseAPIView):
    @extend_schema_serializer(component_name="CaseLegalHoldInput")
    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(ACTIONS, help_text="place: hold the case; release: let the schedule act.")
        version = serializers.IntegerField(min_value=1, help_text="The case's version you started from.")
        reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="place (required): why, 10 to 1,000 characters. release (optional): kept as a case note.",
        )

        def validate(self, attrs):
            errors = legal_hold.legal_hold_reason_errors(attrs["reason"], required=attrs["action"] == "place")
            if errors:
                raise serializers.ValidationError(errors, code="invalid")
            return attrs

    @extend_schema(
        operation_id="case_legal_hold",
        request=InputSerializer,
        responses={200: CaseDetailSerializer, 400: STALE_400, 403: DENIED_403, 404: MISSING_404},
        summary="Place or release the legal hold: the retention schedule does not erase a held case",
    )
    def post(self, request, uuid):
        access = access_case(request.user, uuid)
        if not legal_hold.may_hold(request.user):
            raise PermissionDenied(_("Only a supervisor can place or release a legal hold."), code="not_allowed")
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        action = legal_hold.case_legal_hold_place if data["action"] == "place" else legal_hold.case_legal_hold_release
        action(case=access.case, reason=data["reason"], expected_version=data["version"], acting_user=request.user)
        return Response(reloaded_case_detail(request, uuid))
