"""Idempotency keys: a retried request gets the first answer again and changes nothing.

A client that lost the answer to a booking (a timeout, a dropped connection, a double tap) sends
the same request again with the same `Idempotency-Key` header. The same key with the same method,
path and body within 24 hours returns the first answer (same id, same status) and creates
nothing; the same key with another body is refused with 422. A request that failed (4xx) keeps
nothing: its retry runs again.

How it cannot double: the key row is inserted first, in the transaction that does the work. A
concurrent repeat's insert waits on the unique index until the first commits, then finds the
stored answer; if the first rolled back, the repeat does the work itself.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(hours=24)
MAX_KEY = 255
# The header as the OpenAPI schema documents it (with the 422 every idempotent view declares).
KEY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (e.g. a UUID). Repeating the request with the same key within 24 h "
    "returns the first answer and changes nothing; the same key with another body answers 422.",
)


class KeyReused(Exception):
    """The same key came with a different request."""


def fingerprint_of(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def idempotency_run(*, owner: str, key: str, fingerprint: str, run: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
    """Run `run` once per (owner, key): it returns (status, body); a 2xx answer is kept and
    returned to every repeat. Raises KeyReused for the same key with another fingerprint."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(owner=owner, key=key, created_at__lt=timezone.now() - KEEP_FOR).delete()
                row = IdempotencyKey.objects.create(owner=owner, key=key, fingerprint=fingerprint, status_code=0)
        except IntegrityError:
            first = IdempotencyKey.objects.get(owner=owner, key=key)
            if first.fingerprint != fingerprint:
                raise KeyReused from None
            return first.status_code, first.response
        status, body = run()
        if 200 <= status < 300:
            row.status_code, row.response = status, body
            row.save(update_fields=["status_code", "response"])
        else:
            transaction.set_rollback(True)  # nothing happened: a retry may run again
        return status, body


def idempotency_keys_purge(*, now: datetime) -> int:
    return IdempotencyKey.objects.filter(created_at__lt=now - KEEP_FOR).delete()[0]


def idempotent(method: Callable[..., Response]) -> Callable[..., Response]:
    """For a DRF view's post/put: honour the Idempotency-Key header when one is sent."""

    @functools.wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return method(view, request, *args, **kwargs)
        if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
            raise serializers.ValidationError({HEADER: [f"Send 1 to {MAX_KEY} printable ASCII characters."]})
        owner = f"user:{request.user.pk}" if request.user.is_authenticated else "anonymous"
        fingerprint = fingerprint_of(request.method, request.path, _canonical(request))

        def run() -> tuple[int, Any]:
            response = method(view, request, *args, **kwargs)
            return response.status_code, response.data

        try:
            status, body = idempotency_run(owner=owner, key=key, fingerprint=fingerprint, run=run)
        except KeyReused:
            return Response(
                {"detail": f"This {HEADER} was used for a different request.", "code": "idempotency_key_reused"},
                status=422,
            )
        return Response(body, status=status)

    wrapper.idempotent = True  # type: ignore[attr-defined] - clinic/schema.py documents the header
    return wrapper


def _canonical(request: Request) -> str:
    """The body as data, so the same JSON with other spacing or key order is the same request."""
    try:
        return json.dumps(request.data, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return request.body.decode(errors="replace")
