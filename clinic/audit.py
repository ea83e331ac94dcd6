"""The audit trail: who did what to which record, when, and from which address.

Services call `audit_record` inside their transaction, so an action and its audit row commit
or roll back together. The request's address reaches services through a context variable set
by `AuditAddressMiddleware`, so services need no request object.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_address", default=None)


def current_address() -> str | None:
    return _address.get()


class AuditAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # REMOTE_ADDR is the proxy's address behind a proxy; deployments that terminate TLS
        # elsewhere should set it from the proxy's header in their WSGI server.
        token = _address.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    patient: Any = None,
    details: dict[str, Any] | None = None,
) -> Any:
    """Record the action; returns the AuditEvent row."""
    from clinic.models import AuditEvent

    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        patient=patient,
        address=current_address(),
        details=details or {},
    )
