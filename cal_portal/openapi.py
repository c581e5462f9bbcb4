"""The OpenAPI schema tells what the API really answers, so that a client (and the
schemathesis run of `make audit`) can rely on it.

``AutoSchema``: a read-only text field of a model field with ``blank=True`` may be ""
(DRF drops ``allow_blank`` from read-only fields, so drf-spectacular would document a
URL, an e-mail or a choice that can never be empty).

``document_error_responses``: drf-spectacular documents the successful responses only;
this post-processing hook adds the errors DRF gives every view, by a rule per
operation, without overriding what a view documents itself (e.g. a 409 of optimistic
locking):

- 400: the operation takes a body, query or path parameters (field errors, a malformed
  body, an invalid filter, a value the database refuses);
- 401: every operation (a wrong or expired token is refused wherever it is sent);
- 403: a write, or an operation anonymous users may not call;
- 404: the path names an object, the list is paginated (a page past the end), or the
  operation takes ``?format=`` (one no renderer offers).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.settings import api_settings

ERROR = "Error"
FIELD_ERRORS = "FieldErrors"
UNSAFE_METHODS = {"post", "put", "patch", "delete"}
HTTP_METHODS = UNSAFE_METHODS | {"get", "head", "options", "trace"}

SCHEMAS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "An error that concerns the request as a whole.",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail"],
    },
    FIELD_ERRORS: {
        "description": (
            "Invalid input: the messages of each field (``non_field_errors`` for the record as a "
            "whole), or ``detail`` when the body could not be read."
        ),
        "oneOf": [
            {"type": "object", "additionalProperties": {}},
            {"type": "array", "items": {"type": "string"}},
        ],
    },
}

DESCRIPTIONS = {
    "400": "Invalid input.",
    "401": "Not authenticated: the token is missing, wrong or expired.",
    "403": "Not allowed for this user.",
    "404": "No such object (or not one this user may see), or no such page.",
    "429": "Too many requests from this address: wait a minute and try again.",
}
# A view marks a throttled operation with ``@extend_schema(extensions={THROTTLED: True})``.
THROTTLED = "x-throttled"


def _model_field_may_be_blank(field: serializers.Field[Any, Any, Any, Any]) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = field.source if isinstance(field.source, str) else ""
    if model is None or not source or "." in source or source == "*":
        return False
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return False
    return isinstance(model_field, models.CharField | models.TextField) and model_field.blank


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(
        self, field: serializers.Field[Any, Any, Any, Any], direction: str, bypass_extensions: bool = False
    ) -> Any:
        if (
            field.read_only
            and isinstance(field, serializers.CharField | serializers.ChoiceField)
            and not field.allow_blank
            and _model_field_may_be_blank(field)
        ):
            # Only the documentation changes: a read-only field validates nothing.
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)  # type: ignore[no-untyped-call]


def _error_codes(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    parameters = operation.get("parameters", [])
    in_query = [p for p in parameters if p.get("in") == "query"]
    anonymous_allowed = {} in operation.get("security", [{}])
    codes = []
    if "requestBody" in operation or parameters:
        codes.append("400")
    codes.append("401")
    if method in UNSAFE_METHODS or not anonymous_allowed:
        codes.append("403")
    # DRF answers 404 to ?format= naming no renderer of the view, and to a page past the end.
    if "{" in path or any(p.get("name") in ("page", api_settings.URL_FORMAT_OVERRIDE) for p in in_query):
        codes.append("404")
    if operation.get(THROTTLED):
        codes.append("429")
    return codes


def document_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in SCHEMAS.items():
        schemas.setdefault(name, definition)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            codes = _error_codes(path, method, operation)
            operation.pop(THROTTLED, None)
            for code in codes:
                component = FIELD_ERRORS if code == "400" else ERROR
                responses.setdefault(
                    code,
                    {
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}
                        },
                        "description": DESCRIPTIONS[code],
                    },
                )
    return result
