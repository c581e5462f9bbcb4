"""Shared API plumbing: pagination and the one exception handler that turns a
service's ``ValidationError`` into a 400 with field errors, and a conflict of
optimistic locking into a 409."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# The code a service gives a ValidationError when the record changed since it was read
# (centres.services.ConflictError): cal_portal imports no app, so it goes by the code.
CONFLICT_CODE = "conflict"

logger = logging.getLogger(__name__)


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class Conflict(exceptions.APIException):
    """409: someone else saved the record since the client read it."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Someone else changed this record while you were editing it.")
    default_code = CONFLICT_CODE


def validation_error_detail(exc: DjangoValidationError) -> dict[str, Any] | list[str]:
    if hasattr(exc, "error_dict"):
        detail: dict[str, Any] = {}
        for field, errors in exc.message_dict.items():
            detail["non_field_errors" if field == "__all__" else field] = errors
        return detail
    return {"non_field_errors": exc.messages}


def is_conflict(exc: DjangoValidationError) -> bool:
    """A non-field error whose every message has the conflict code."""
    return not hasattr(exc, "error_dict") and all(error.code == CONFLICT_CODE for error in exc.error_list)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError) and is_conflict(exc):
        exc = Conflict(detail={"detail": " ".join(exc.messages), "code": CONFLICT_CODE})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DataError):
        # The database refused a value the request carried (a NUL character in a slug
        # or filter, a number out of range): the request is malformed, not the server.
        logger.warning("Malformed request refused by the database: %s", exc)
        exc = exceptions.ParseError()
    return drf_exception_handler(exc, context)
