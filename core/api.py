from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.signals import got_request_exception
from django.utils.log import log_response
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .db import DATABASE_DOWN
from .errors import DomainError
from .unavailable import database_unavailable


def exception_handler(exc, context):
    """The one place where errors get their API shape: {field: [{"message", "code"}, ...]}.

    Domain errors from services and validation errors from serializers look the same, so a
    client can show each message next to its field and branch on the code.
    """
    if isinstance(exc, DATABASE_DOWN):
        return database_unavailable(context["request"]._request, exc)  # a 503, like the pages'
    if isinstance(exc, DomainError):
        key = exc.field or "non_field_errors"
        return Response({key: [{"message": str(exc.message), "code": exc.code}]}, status=status.HTTP_400_BAD_REQUEST)
    # Raised by Django while the parser reads the body; without these, Django's HTML 400 page.
    if isinstance(exc, RequestDataTooBig):
        detail = {"detail": _("The request is too large."), "code": "request_too_large"}
        return Response(detail, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFieldsSent):
        return Response({"detail": _("The request is too large."), "code": "too_many_fields"}, status=400)
    if isinstance(exc, TooManyFilesSent):
        message = _("Too many files were sent at once. Please send fewer files.")
        return Response({"non_field_errors": [{"message": message, "code": "too_many_files"}]}, status=400)
    if isinstance(exc, ValidationError):
        details = exc.get_full_details()
        if isinstance(details, list):
            details = {"non_field_errors": details}
        return Response(details, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None and not settings.DEBUG:
        response = _server_error(exc, context["request"]._request)
    return response


def _server_error(exc, request) -> Response:
    """A fault of ours still gets a JSON answer, and is reported as Django reports any other
    (got_request_exception, which the test client re-raises; the django.request error log)."""
    got_request_exception.send(sender=None, request=request)
    detail = _("Something went wrong on our side. Please try again in a moment.")
    response = Response({"detail": detail, "code": "server_error"}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request, exception=exc)
    return response


def paginated(request, view, queryset, serializer_class, context=None) -> Response:
    """One page of `queryset` with the API's pagination, for a list view (set `pagination_class`
    on it too, so that the schema describes the page)."""
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context=context or {}).data)


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
