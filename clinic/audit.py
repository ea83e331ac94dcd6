"""The audit trail: who did what to which record, when, and from which address.

Services call `audit_record` inside their transaction, so an action and its audit row commit
or roll back together. The request's address reaches services through a context variable set
by `AuditAddressMiddleware`, so services need no request object.
"""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse

_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_address", default=None)
# Rows recorded inside `audit_batch()`, inserted together when the block ends.
_batch: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar("audit_batch", default=None)


def current_address() -> str | None:
    return _address.get()


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind NUM_PROXIES proxies the address the outermost
    of them saw (the one they appended last-but-n to X-Forwarded-For). With no proxies configured
    the header is ignored, so a client cannot choose its own address to dodge a rate limit."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a placeholder, never bound
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            candidate = hops[-min(proxies, len(hops))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote  # a forged or garbled header: the proxy's own address, not a 500
    return remote


class AuditAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _address.set(client_ip(request))
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
    """Record the action; returns the AuditEvent row (not yet saved inside `audit_batch()`)."""
    from clinic.models import AuditEvent

    event = AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        patient=patient,
        address=current_address(),
        details=details or {},
    )
    batch = _batch.get()
    if batch is not None:
        batch.append(event)
    else:
        event.save(force_insert=True)
    return event


@contextmanager
def audit_batch() -> Iterator[None]:
    """Audit rows recorded inside are inserted in one statement when the block ends (a first
    booking records three: intake, course, appointment). Use it inside the service's
    transaction, so the rows still commit or roll back with the action; nested batches join."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
        events = _batch.get() or []
    finally:
        _batch.reset(token)
    if events:
        from clinic.models import AuditEvent

        AuditEvent.objects.bulk_create(events)
