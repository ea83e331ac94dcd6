"""OpenAPI post-processing."""

from __future__ import annotations

from typing import Any


def polymorphic_any_of(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Role-shaped responses (an intake seen by a patient, by staff, by a clinician) are supersets
    of one another, so a real response matches several shapes: "oneOf" would reject every one.
    The schema says "anyOf" instead."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        if "oneOf" in schema and "discriminator" not in schema:
            schema["anyOf"] = schema.pop("oneOf")
    return result
