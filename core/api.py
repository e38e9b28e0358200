from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    """The one place where errors get their API shape: {field: [{"message", "code"}, ...]}.

    Domain errors from services and validation errors from serializers look the same, so a
    client can show each message next to its field and branch on the code.
    """
    if isinstance(exc, DomainError):
        key = exc.field or "non_field_errors"
        return Response({key: [{"message": str(exc.message), "code": exc.code}]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        # Raised by request.body when the parser reads it; without this, Django's HTML 400 page.
        detail = _("The request is too large.")
        return Response(
            {"detail": detail, "code": "request_too_large"}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, ValidationError):
        details = exc.get_full_details()
        if isinstance(details, list):
            details = {"non_field_errors": details}
        return Response(details, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


# Shared OpenAPI descriptions of the answers every staff API gives the same way.
ERRORS_400 = OpenApiResponse(
    description='Errors per field: {field: [{"message": ..., "code": ...}]}; '
    'a body that does not parse as its Content-Type: {"detail": ...}.'
)
MISSING_404 = OpenApiResponse(description="No such record, or not one you can see.")


@extend_schema_serializer(component_name="ErrorDetail")
class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# DRF answers this itself, before a view's code runs.
PAGE_404 = OpenApiResponse(ErrorDetailSerializer, description="No such page: `page` is past the last one or not >= 1.")


class FlatListField(serializers.ListField):
    """A list whose errors keep the API's flat {field: [{"message", "code"}]} shape, not DRF's
    {field: {index: [...]}}: a client shows the first bad item's message next to the field."""

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(next(iter(exc.detail.values()))) from exc


def document_unsupported_media_type(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation that takes a body can get DRF's 415
    (no Content-Type, or a media type it does not parse), so the schema says so for all of them
    here rather than in each operation's `responses`."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "ErrorDetail",
        {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
    )
    answer = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
        "description": "A body without a Content-Type, or in a media type this operation does not take.",
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault("415", answer)
    return result
