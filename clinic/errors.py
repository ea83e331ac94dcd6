"""Errors that services raise and the API turns into clean responses (never a 500)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    """How the API answers an error that is not about particular fields (DRF's shape)."""

    detail = serializers.CharField()


class Conflict(Exception):
    """The request is well-formed but clashes with the current state (HTTP 409)."""

    code = "conflict"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def payload(self) -> dict[str, Any]:
        return {"detail": self.message, "code": self.code}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Conflict):
        return Response(exc.payload(), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        # Services validate with Django's ValidationError; the API answers 400 naming the field.
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = DRFValidationError(detail=detail)
    return drf_exception_handler(exc, context)
