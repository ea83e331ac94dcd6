"""What a renderer answers when its row comes due, and the registry of renderers by kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from clinic.models import Notification

# --- what a renderer answers ------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[tuple[str, bytes, str], ...] = ()  # (filename, content, mimetype)


@dataclass(frozen=True)
class Drop:
    """The message is no longer current (the appointment was cancelled, ...)."""

    reason: str


@dataclass(frozen=True)
class Retime:
    """What it is about moved: send at this time instead."""

    due_at: datetime


Renderer = Callable[[Notification, datetime], Message | Drop | Retime]

_renderers: dict[str, Renderer] = {}


def register(kind: str) -> Callable[[Renderer], Renderer]:
    """Decorator: `fn(row, now)` renders rows of this kind. One renderer per kind."""
    if not kind or len(kind) > Notification._meta.get_field("kind").max_length:
        raise ValueError(f"invalid notification kind {kind!r}")

    def decorator(fn: Renderer) -> Renderer:
        existing = _renderers.get(kind)
        # The same function registered again (a module imported twice, or reloaded) is fine;
        # two different renderers for one kind would send whichever was imported last.
        if existing is not None and _identity(existing) != _identity(fn):
            raise ValueError(f"notification kind {kind!r} already has a renderer: {_identity(existing)}")
        _renderers[kind] = fn
        return fn

    return decorator


def _identity(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def renderer_for(kind: str) -> Renderer | None:
    return _renderers.get(kind)
