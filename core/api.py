from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    """The one place where a domain error becomes a 400, in DRF's error shape."""
    if isinstance(exc, DomainError):
        key = exc.field or "non_field_errors"
        return Response({key: [{"message": str(exc.message), "code": exc.code}]}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
