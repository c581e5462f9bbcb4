"""Shared API plumbing: pagination and the one exception handler that turns a
service's ``ValidationError`` into a 400 with field errors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def validation_error_detail(exc: DjangoValidationError) -> dict[str, Any] | list[str]:
    if hasattr(exc, "error_dict"):
        detail: dict[str, Any] = {}
        for field, errors in exc.message_dict.items():
            detail["non_field_errors" if field == "__all__" else field] = errors
        return detail
    return {"non_field_errors": exc.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
