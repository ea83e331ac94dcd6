"""OpenAPI generation: the error answers every operation can give, and post-processing.

A client (and schemathesis in the test suite) should find every answer the API can give in the
schema, errors included. Which errors an operation can give follows from how the view is built,
so `ClinicAutoSchema` derives them instead of each view repeating them:

- 400 where there is input to validate (a body, query parameters, or an unsafe method);
- 401 where the view authenticates (a missing, unknown or expired token);
- 403 on unsafe methods that accept a session (CSRF), and wherever a view declares it;
- 404 where the path names an object (anything the caller may not see is a 404, never a 403);
- 415 where there is a body (a media type the API does not parse);
- 429 where a rate limit applies (with Retry-After).

409 conflicts differ by view (the booking ones carry alternatives) and are declared per view.
A view method marked `@idempotent` (clinic/idempotency.py) also gets the Idempotency-Key header
and its 422 (the key was used for another request).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.authentication import SessionAuthentication
from rest_framework.throttling import ScopedRateThrottle

from clinic.errors import ErrorSerializer
from clinic.idempotency import KEY_PARAMETER

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# DRF answers bad input with the field names as keys and a list of messages for each; a nested
# serializer nests (an object), a list of them gives a list of objects; `non_field_errors` is
# about the input as a whole.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Each field that is wrong, with what is wrong with it. `non_field_errors`: the input as a whole.",
    "minProperties": 1,
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
}

DESCRIPTIONS = {
    "400": "Bad input: each field that is wrong, or a body that could not be parsed.",
    "401": "No valid credentials: the token is missing, unknown or expired (WWW-Authenticate: Token).",
    "403": "Refused: the caller may see this but not do it, or a signed-in session sent no CSRF token.",
    "404": "No such object, or not one the caller may see.",
    "415": "The body's media type is not one the API reads (use application/json).",
    "429": "Too many requests (or, for tokens, too many failed sign-ins): wait Retry-After seconds.",
    "422": "This Idempotency-Key was already used for a different request.",
}


class ClinicAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            if code not in responses:
                responses[code] = self._error_response(code)
            elif "content" not in responses[code]:
                # A view that declared the code with only a description still answers with a body.
                responses[code]["content"] = self._error_response(code)["content"]
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self._is_idempotent():
            parameters.append(KEY_PARAMETER)
        return parameters

    def _is_idempotent(self) -> bool:
        handler = getattr(self.view, self.method.lower(), None)
        return bool(getattr(handler, "idempotent", False))

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        codes = []
        if self._is_idempotent():
            codes.append("422")
        has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if "requestBody" in operation or has_query or self.method in UNSAFE:
            codes.append("400")
        authenticators = self.view.get_authenticators()
        if authenticators:
            codes.append("401")
        if self.method in UNSAFE and any(isinstance(a, SessionAuthentication) for a in authenticators):
            codes.append("403")
        if any(p.get("in") == "path" for p in operation.get("parameters", [])):
            codes.append("404")
        if "requestBody" in operation:
            codes.append("415")
        if self._is_rate_limited():
            codes.append("429")
        return codes

    def _is_rate_limited(self) -> bool:
        # get_throttles() may depend on the method (the appointment list limits only POST);
        # drf-spectacular gives the view a mock request with this operation's method.
        for throttle in self.view.get_throttles():
            if not isinstance(throttle, ScopedRateThrottle):
                return True
            # A scoped throttle applies only to a view naming a scope that has a rate.
            if getattr(self.view, "throttle_scope", None) in throttle.THROTTLE_RATES:
                return True
        return False

    def _error_response(self, code: str) -> dict[str, Any]:
        if code == "400":
            field_errors = ResolvedComponent(
                name="FieldErrors", type=ResolvedComponent.SCHEMA, object="FieldErrors", schema=FIELD_ERRORS_SCHEMA
            )
            self.registry.register_on_missing(field_errors)
            error = self.resolve_serializer(ErrorSerializer, "response")
            body = {"anyOf": [field_errors.ref, error.ref]}
            response = self._get_response_for_code(body, code)
        else:
            response = self._get_response_for_code(ErrorSerializer, code)
        response["description"] = DESCRIPTIONS[code]
        if code == "429":
            response["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds until a retry may succeed."}
            }
        return response


def polymorphic_any_of(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Role-shaped responses (an intake seen by a patient, by staff, by a clinician) are supersets
    of one another, so a real response matches several shapes: "oneOf" would reject every one.
    The schema says "anyOf" instead."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        if "oneOf" in schema and "discriminator" not in schema:
            schema["anyOf"] = schema.pop("oneOf")
    return result
