"""Where an app above shows its facts on a lower app's page or API answer.

The lower app never imports the upper one (pyproject.toml's contracts). It names a slot instead:
a page includes `{% extension_blocks "bookings.review" held=held %}` (clinic/templatetags/
extensions.py), an API serializer asks `extension_fact("bookings.deposit", None, appointment=a)`.
The upper app registers what fills the slot from its AppConfig.ready(), as photos registers its
key rotation in clinic/rotation.py. An empty slot renders nothing and answers the default.

Slots in use: "treatments.detail" (treatment), "bookings.book_area" (treatment), "bookings.review" (held, patient),
"bookings.confirmed" (appointment), "bookings.confirmation_email_text" and "_html" (appointment;
the request is None: rendered at send time), "bookings.diary.appointment" (appointment),
"bookings.my_appointments" (patient); facts "treatments.area_prices" (treatments) and
"bookings.deposits" (appointments: id -> deposit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Block = Callable[..., str]  # (request, **objects) -> HTML, "" for nothing
Fact = Callable[..., Any]  # (**objects) -> a value for an API answer

_blocks: dict[str, list[Block]] = {}
_facts: dict[str, Fact] = {}


def block_register(slot: str, render: Block) -> None:
    if render not in _blocks.setdefault(slot, []):
        _blocks[slot].append(render)


def blocks(slot: str) -> list[Block]:
    return list(_blocks.get(slot, ()))


def fact_register(name: str, provide: Fact) -> None:
    _facts[name] = provide


def extension_fact(name: str, default: Any = None, **objects: Any) -> Any:
    provide = _facts.get(name)
    return default if provide is None else provide(**objects)
