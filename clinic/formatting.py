"""How the clinic writes times for people: one formatter for every page and message."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def friendly_when(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """ "Tuesday 2 December at 10:00": how people say it, without a zero-padded day.

    In `zone` (the location's) when given: a page or message must never show the server's zone."""
    local = moment.astimezone(zone) if zone is not None else moment
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"
