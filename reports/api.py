from django.core.exceptions import TooManyFilesSent
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ErrorDetail, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.capabilities import Capability
from accounts.permissions import HasCapability
from areas.models import RT_NUMBER_MAX
from cases.serializers import (
    DENIED_403,
    KelurahanField,
    ReportChannelField,
    ReportStatusField,
    SourceAgencyField,
    officer_field,
)
from core.api import ERRORS_400, ErrorDetailSerializer, FlatListField
from core.decorators import is_cross_site_post
from core.errors import DomainError
from core.parsers import JSONParser
from core.ratelimit import guess_right
from triage.services import report_intake

from . import services, wording
from .attachments import too_many_files
from .choices import (
    CHILD_AGE_MAX,
    INTAKE_CHANNELS,
    LANDMARK_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NARRATIVE_MIN_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    Channel,
    ChildSex,
    LocationKind,
    PerpetratorRelation,
    Place,
    Priority,
    ReporterKind,
    ReporterRelation,
    ReporterRole,
    ViolenceType,
    YesNoUnknown,
)
from .models import PublicStatus
from .selectors import (
    report_by_receipt_code,
    report_status_by_receipt_code,
    rt_in_kelurahan,
)
from .views import MESSAGES, TOO_MANY_SUBMISSIONS, limited, receipt_guess


def _error(detail: str, code: str, http_status: int) -> Response:
    return Response({"detail": detail, "code": code}, status=http_status)


IDEMPOTENCY_KEY_MAX_LENGTH = 200


def _too_many(wait: int) -> Response:
    response = _error(wording.too_many_tries(wait), "rate_limited", 429)
    response["Retry-After"] = str(wait)
    return response


def _not_found() -> Response:
    # The same body, whatever made the code wrong.
    return _error(_("No report has this receipt code."), "not_found", 404)


def _erased() -> Response:
    # The report was erased under the retention policy: said, with nothing of it.
    return _error(wording.report_erased(), "erased", 410)


class AnonymousAPIView(APIView):
    """Reporter endpoints: no login, no session, no cookie, and so no CSRF to check; posts
    from another site's page in a browser are refused (see core.decorators)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if is_cross_site_post(request):
            raise PermissionDenied

    def handle_exception(self, exc):
        if isinstance(exc, TooManyFilesSent):  # more files than Django reads at all: the usual refusal
            exc = too_many_files()
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "no-referrer"
        return response

    def posted(self, name: str) -> str:
        """A field of the body, whatever shape of body a client sent."""
        data = self.request.data
        return str(data.get(name, "")) if isinstance(data, dict) else ""


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


CROSS_SITE_403 = OpenApiResponse(ErrorDetailSerializer, description="Sent by a browser from another site's page.")
MALFORMED_400 = OpenApiResponse(ErrorDetailSerializer, description="A body that does not parse as its Content-Type.")
TOO_LARGE_413 = OpenApiResponse(ErrorSerializer, description="A body larger than the server reads.")


@extend_schema_field({"type": "string", "minLength": NARRATIVE_MIN_LENGTH, "maxLength": NARRATIVE_MAX_LENGTH})
class NarrativeField(serializers.CharField):
    """What happened. The shortest length is the service's rule (checked on the trimmed text, with the
    form's message); the schema states it so that clients, and the API fuzzer, know it too."""


class MessageOutputSerializer(serializers.Serializer):
    sender = serializers.CharField(source="author_kind", help_text="reporter or staff")
    body = serializers.CharField()
    sent_at = serializers.DateTimeField(source="created_at")
    attachments = serializers.SerializerMethodField()

    def get_attachments(self, message) -> int:
        # A thread's messages come counted (selectors.ReporterView); a new reply is counted here.
        if hasattr(message, "attachment_count"):
            return message.attachment_count
        return message.attachments.count()


NOT_SAVED_FIELD = serializers.ListField(
    child=serializers.IntegerField(min_value=1),
    source="files_not_saved",
    help_text="Positions (from 1) of the files that could not be stored; what was sent is kept without them.",
)


class MessageAddedSerializer(MessageOutputSerializer):
    attachments_not_saved = NOT_SAVED_FIELD


class ReportSubmitAPI(AnonymousAPIView):
    """POST: a report from anyone, anonymously. GET at the same address is the staff inbox
    (triage.api.ReportListAPI), a view of its own: the URLconf sends each method to its view."""

    @extend_schema_serializer(component_name="ReportSubmitInput")
    class InputSerializer(serializers.Serializer):
        narrative = NarrativeField(max_length=NARRATIVE_MAX_LENGTH)
        violence_types = FlatListField(child=serializers.ChoiceField(ViolenceType.choices), min_length=1)
        danger_now = serializers.ChoiceField(YesNoUnknown.choices)
        injured = serializers.ChoiceField(YesNoUnknown.choices)
        occurred_on = serializers.DateField(required=False, allow_null=True)
        ongoing = serializers.BooleanField(required=False, default=False)
        location_kind = serializers.ChoiceField(
            LocationKind.choices,
            required=False,
            default=LocationKind.KELURAHAN,
            help_text="kelurahan (give `kelurahan`), unknown, outside (outside Balikpapan) or online.",
        )
        kelurahan = KelurahanField(
            help_text='The kelurahan\'s id or its name, e.g. "Gunung Samarinda"; needed when location_kind is'
            " kelurahan, empty otherwise.",
        )
        rt = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=RT_NUMBER_MAX)
        place = serializers.ChoiceField(Place.choices, required=False, allow_blank=True, default="")
        address_detail = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
        )
        landmark = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=LANDMARK_MAX_LENGTH,
            help_text="A landmark near the place (patokan), stored encrypted.",
        )
        child_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=CHILD_AGE_MAX)
        child_sex = serializers.ChoiceField(ChildSex.choices, required=False, allow_blank=True, default="")
        child_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
        child_disability = serializers.ChoiceField(YesNoUnknown.choices, required=False, default=YesNoUnknown.UNKNOWN)
        perpetrator_relation = serializers.ChoiceField(
            PerpetratorRelation.choices, required=False, allow_blank=True, default=""
        )
        perpetrator_lives_with_child = serializers.ChoiceField(
            YesNoUnknown.choices, required=False, default=YesNoUnknown.UNKNOWN
        )
        reporter_relation = serializers.ChoiceField(ReporterRelation.choices)
        reporter_kind = serializers.ChoiceField(
            ReporterKind.choices,
            required=False,
            allow_blank=True,
            default="",
            help_text="Who the report is about: child_self (then reporter_relation is self), child_other or adult.",
        )
        reporter_contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
        contact_consent = serializers.BooleanField(required=False, default=False)
        attachments = FlatListField(child=serializers.FileField(), required=False, default=list)

        def to_internal_value(self, data):
            # The kelurahan is required unless a way out is chosen: named missing with the others.
            kind = data.get("location_kind", LocationKind.KELURAHAN) if hasattr(data, "get") else None
            missing = {}
            given = data.get("kelurahan", "") if hasattr(data, "get") else None
            if kind in ("", LocationKind.KELURAHAN) and isinstance(given, str) and not given.strip():
                message = self.fields["kelurahan"].error_messages["required"]
                missing = {"kelurahan": [ErrorDetail(message, code="required")]}
            try:
                value = super().to_internal_value(data)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({**exc.detail, **missing}) from exc
            if missing:
                raise serializers.ValidationError(missing)
            return value

        def validate(self, attrs):
            errors = {}
            if attrs.get("rt") and attrs.get("kelurahan") is not None:
                attrs["rt"] = rt_in_kelurahan(attrs["kelurahan"], attrs["rt"])
                if attrs["rt"] is None:
                    errors["rt"] = [
                        _("This RT is not registered in this kelurahan. Check the number or leave it empty.")
                    ]
            errors.update(self.input_errors(attrs, today=timezone.localdate()))
            if errors:
                raise serializers.ValidationError(errors)
            return attrs

        def input_errors(self, attrs, *, today) -> dict[str, list[str]]:
            return services.report_input_errors(self.to_input(attrs), today=today)

        @staticmethod
        def to_input(attrs) -> services.ReportInput:
            fields = {k: v for k, v in attrs.items() if k != "attachments"}
            fields["rt"] = fields.get("rt") or None
            return services.ReportInput(**fields)

    @extend_schema_serializer(component_name="ReportSubmitOutput")
    class OutputSerializer(serializers.Serializer):
        receipt_code = serializers.CharField(
            help_text="16 digits. Shown only in the first answer; empty in the answer to a repeat (same"
            " Idempotency-Key), as the code is kept nowhere."
        )
        already_sent = serializers.BooleanField(
            help_text="true when this answers a repeat of an Idempotency-Key: no second report was filed."
        )
        status = serializers.ChoiceField(PublicStatus.choices)
        next_step = serializers.CharField()
        attachments_not_saved = NOT_SAVED_FIELD

    @extend_schema(
        operation_id="report_submit",
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                location=OpenApiParameter.HEADER,
                required=False,
                description="Optional, up to 200 characters: a repeat with the same key and body answers 200 with"
                " the first report's status (no second report, no code); the same key with another body is"
                " refused with 422.",
            )
        ],
        responses={
            200: OutputSerializer,
            201: OutputSerializer,
            400: ERRORS_400,
            403: CROSS_SITE_403,
            413: TOO_LARGE_413,
            422: ErrorSerializer,
            429: ErrorSerializer,
        },
        summary="Submit a report (anonymous)",
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            message = _("The Idempotency-Key is too long: use at most 200 characters.")
            return Response({"detail": message, "code": "idempotency_key_invalid"}, status=400)
        if wait := limited(request, TOO_MANY_SUBMISSIONS, increment=False):
            return _too_many(wait)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            submitted = services.report_submit(
                data=serializer.to_input(serializer.validated_data),
                files=serializer.validated_data["attachments"],
                channel=Channel.API,
                acting_user=None,
                submission_key=key,
            )
        except DomainError as exc:
            if exc.code != "idempotency_key_reused":
                raise
            return Response({"detail": str(exc.message), "code": exc.code}, status=422)
        if not submitted.repeat:
            limited(request, TOO_MANY_SUBMISSIONS, increment=True)
        output = {
            "receipt_code": submitted.receipt_code,
            "already_sent": submitted.repeat,
            "status": submitted.report.public_status,
            "next_step": wording.next_step(submitted.report.priority),
            "files_not_saved": submitted.files_not_saved,
        }
        answer = status.HTTP_200_OK if submitted.repeat else status.HTTP_201_CREATED
        return Response(self.OutputSerializer(output).data, status=answer)


class ReceiptCodeSerializer(serializers.Serializer):
    receipt_code = serializers.CharField(max_length=40)


def _report_for_code(view, selector=report_by_receipt_code):
    """(what selector found, None) or (None, error response); only wrong codes count against the
    guess limits (views.receipt_guess)."""
    guess = receipt_guess(view.request)
    if not guess.allowed:
        return None, _too_many(guess.wait)
    found = selector(view.posted("receipt_code"))
    if found is None:
        return None, _too_many(guess.wait) if guess.wait else _not_found()
    guess_right(guess)
    return found, None


@extend_schema_field(
    {"type": "string", "enum": list(wording.REPORTER_STATUS_KEYS)}, component_name="ReporterStatusEnum"
)
class ReporterStatusField(serializers.CharField):
    pass


class ReportStatusAPI(AnonymousAPIView):
    """What the status page says (wording.reporter_status, its one source), as data: the code,
    its label and sentence in the reporter's language, the closing message, and what to do if
    it happens again."""

    @extend_schema_serializer(component_name="ReportStatusOutput")
    class OutputSerializer(serializers.Serializer):
        status = ReporterStatusField(
            source="shown.key",
            help_text="received: not read yet; in_progress: an officer is handling it; case_open: it is a case "
            "and an officer is helping; closed: finished (a message is still read); referred: about an adult, "
            "passed to the women's service (status_text says where to go).",
        )
        status_label = serializers.CharField(source="shown.label", help_text="The status in a few words.")
        status_text = serializers.CharField(source="shown.explained", help_text="The status in a sentence.")
        closing_message = MessageOutputSerializer(
            source="shown.closing_message",
            allow_null=True,
            help_text="Closed: the officer's last message, their closing words; null otherwise.",
        )
        if_it_happens_again = serializers.CharField(help_text="What to do if it happens again.")
        received_at = serializers.DateTimeField()
        messages = MessageOutputSerializer(many=True)

    @extend_schema(
        operation_id="report_status",
        request=ReceiptCodeSerializer,
        responses={
            200: OutputSerializer,
            400: MALFORMED_400,
            403: CROSS_SITE_403,
            404: ErrorSerializer,
            410: ErrorSerializer,
            429: ErrorSerializer,
        },
        summary="A report's status and messages, by receipt code",
    )
    def post(self, request):
        shown, error = _report_for_code(self, report_status_by_receipt_code)
        if error:
            return error
        if shown.report.erased_at is not None:
            return _erased()
        output = {
            "shown": wording.reporter_status_of(shown.report, shown.thread),
            "if_it_happens_again": wording.if_it_happens_again(),
            "received_at": shown.report.received_at,
            "messages": shown.thread,
        }
        return Response(self.OutputSerializer(output).data)


class ReportMessageAPI(AnonymousAPIView):
    @extend_schema_serializer(component_name="ReportMessageInput")
    class InputSerializer(ReceiptCodeSerializer):
        body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)
        attachments = FlatListField(child=serializers.FileField(), required=False, default=list)

    @extend_schema(
        operation_id="report_message_add",
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        responses={
            201: MessageAddedSerializer,
            400: ERRORS_400,
            403: CROSS_SITE_403,
            404: ErrorSerializer,
            410: ErrorSerializer,
            413: TOO_LARGE_413,
            429: ErrorSerializer,
        },
        summary="Reply to the agency, by receipt code",
    )
    def post(self, request):
        report, error = _report_for_code(self)
        if error:
            return error
        if report.erased_at is not None:
            return _erased()
        if wait := limited(request, MESSAGES, increment=True):
            return _too_many(wait)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.report_message_add(
            report=report,
            body=serializer.validated_data["body"],
            files=serializer.validated_data["attachments"],
            acting_user=None,
        )
        return Response(MessageAddedSerializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema_field({"type": "string", "enum": [c.value for c in INTAKE_CHANNELS]}, component_name="IntakeChannelEnum")
class IntakeChannelField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__([(c.value, c.label) for c in INTAKE_CHANNELS], **kwargs)


class ReportIntakeAPI(APIView):
    """POST /api/v1/reports/intake/: a complaint recorded by an officer or a supervisor (walk-in,
    phone, SAPA 129, WhatsApp, letter or email, referral, outreach), as the "Catat pengaduan" page
    records it: the public form's questions and rules, plus the channel, the referring agency and
    what is known of the reporter."""

    permission_classes = [HasCapability.of(Capability.RECORD_INTAKE)]

    @extend_schema_serializer(component_name="ReportIntakeInput")
    class InputSerializer(ReportSubmitAPI.InputSerializer):
        reporter_relation = None  # follows from reporter_role
        channel = IntakeChannelField()
        source_agency = SourceAgencyField(
            required=False, allow_blank=True, default="", help_text="Required for a referral."
        )
        source_agency_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        source_letter_number = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=100, help_text="Required for a referral."
        )
        source_letter_date = serializers.DateField(
            required=False, allow_null=True, default=None, help_text="Required for a referral."
        )
        source_contact_person = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        reporter_role = serializers.ChoiceField(ReporterRole.choices)
        reporter_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
        contact_consent_note = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=SHORT_TEXT_MAX_LENGTH
        )
        accept = serializers.BooleanField(
            required=False, default=False, help_text="Acknowledge it and accept it into a new case in the same step."
        )
        officer = officer_field(
            required=False,
            allow_null=True,
            default=None,
            help_text="Supervisors accepting: the officer who takes the new case (username). Without it, you take it.",
        )

        def input_errors(self, attrs, *, today) -> dict[str, list[str]]:
            return services.intake_input_errors(self.to_input(attrs), channel=attrs["channel"], today=today)

        @staticmethod
        def to_input(attrs) -> services.IntakeInput:
            fields = {k: v for k, v in attrs.items() if k not in ("attachments", "channel", "accept", "officer")}
            fields["rt"] = fields.get("rt") or None
            return services.IntakeInput(reporter_relation=ReporterRelation.OTHER, **fields)

    @extend_schema_serializer(component_name="ReportIntakeOutput")
    class OutputSerializer(serializers.Serializer):
        uuid = serializers.UUIDField(source="report.uuid")
        reference = serializers.CharField(source="report.reference")
        channel = ReportChannelField(source="report.channel")
        priority = serializers.ChoiceField(Priority.choices, source="report.priority")
        status = ReportStatusField(source="report.status")
        acknowledge_due_at = serializers.DateTimeField(source="report.acknowledge_due_at")
        case = serializers.CharField(
            source="case.reference", allow_null=True, help_text="The new case's reference when accepted."
        )
        attachments_not_saved = NOT_SAVED_FIELD

    @extend_schema(
        operation_id="report_intake",
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        responses={201: OutputSerializer, 400: ERRORS_400, 403: DENIED_403, 413: TOO_LARGE_413},
        summary="Record a complaint: walk-in, phone, WhatsApp, letter, referral, outreach (officers, supervisors)",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        recorded = report_intake(
            data=serializer.to_input(data),
            channel=Channel(data["channel"]),
            files=data["attachments"],
            acting_user=request.user,
            accept=data["accept"],
            officer=data["officer"],
        )
        output = {
            "report": recorded.submitted.report,
            "case": recorded.case,
            "files_not_saved": recorded.submitted.files_not_saved,
        }
        return Response(self.OutputSerializer(output).data, status=status.HTTP_201_CREATED)
